/**
 * Isolation: nothing one connection fetched is returned for another; cache and token are per
 * connection and per config fingerprint; scope checks fail closed before any request to Vault.
 *
 * The fixture makes a leak visible: connections A and B read the very same path string in two
 * namespaces that hold different values, and A-narrow shares A's Vault, namespace and path but has
 * a role that may not read it.
 */
import {
  createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider, resolveSecretReferences, ResolveContext, SecretManagerConnection,
} from '../../src';
import { ErrorCode, SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';
import { VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';

const PATH = 'secret/data/app/cfg/key';

let target: VaultTarget & { double: VaultDouble };
let configA: HashicorpVaultConfig;
let configB: HashicorpVaultConfig;
let configNarrow: HashicorpVaultConfig;
let provider: HashicorpVaultProvider;

async function team(namespace: string, value: string, policy?: string): Promise<HashicorpVaultConfig> {
  const setup = await provisionAppRole(target.admin, { namespace, kvMount: 'secret', approleMount: 'approle', policy });
  await target.admin.putKv2('secret', 'app/cfg', { key: value }, namespace);
  return { url: target.url, namespace, roleId: setup.credentials.roleId, secretId: setup.credentials.secretId };
}

beforeAll(async () => {
  target = await startDouble();
  await target.admin.createNamespace('team-a');
  await target.admin.createNamespace('team-b');
  configA = await team('team-a', 'value-of-A');
  configB = await team('team-b', 'value-of-B');
  // A second role in team-a that may read only app/other: same Vault, namespace and path as A.
  const narrow = await target.admin.createRole('approle', 'narrow', { token_policies: ['narrow'] }, 'team-a');
  await target.admin.writePolicy('narrow', 'path "secret/data/app/other" { capabilities = ["read"] }\npath "sys/mounts" { capabilities = ["read"] }', 'team-a');
  configNarrow = { ...configA, roleId: narrow.roleId, secretId: narrow.secretId };
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider();
  target.double.clearRequests();
});
afterEach(async () => provider.close());

const resolve = (connectionId: string, config: HashicorpVaultConfig) => provider.resolve({ connectionId, config, path: PATH });
const loginsIn = (namespace: string) => target.double.requests.filter((r) => r.namespace === namespace && /\/login$/.test(r.path)).length;
const denied = { error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, params: { message: expect.stringMatching(/Permission denied reading secret "secret\/data\/app\/cfg"/) } } };

describe('per connection', () => {
  it('the same path through two connections gives each its own Vault\'s value, under heavy interleaving', async () => {
    const calls = Array.from({ length: 400 }, (_, i): [string, HashicorpVaultConfig, string] => (i % 2 === 0 ? ['A', configA, 'value-of-A'] : ['B', configB, 'value-of-B']));
    const values = await Promise.all(calls.map(([id, config]) => resolve(id, config)));
    expect(values).toEqual(calls.map(([, , expected]) => expected));
    expect(loginsIn('team-a')).toBe(1);
    expect(loginsIn('team-b')).toBe(1);
  });

  it('a connection whose role may not read a path gets a 403, never the value another connection cached', async () => {
    await expect(resolve('A', configA)).resolves.toBe('value-of-A');
    await expect(resolve('narrow', configNarrow)).rejects.toMatchObject(denied);
    await expect(Promise.all([resolve('narrow', configNarrow), resolve('A', configA)])).rejects.toMatchObject(denied);
    await expect(resolve('A', configA)).resolves.toBe('value-of-A');
  });

  it('each connection logs in with its own credentials and keeps its own token', async () => {
    await resolve('A', configA);
    await resolve('A2', configA);
    await resolve('A', configA);
    await resolve('A2', configA);
    expect(loginsIn('team-a')).toBe(2);
  });
});

describe('per config fingerprint', () => {
  it('an edited connection never sees what it read under its old config', async () => {
    await expect(resolve('c1', configA)).resolves.toBe('value-of-A');
    await expect(resolve('c1', configNarrow)).rejects.toMatchObject(denied);
    await expect(resolve('c1', configB)).resolves.toBe('value-of-B');
    await expect(resolve('c1', configA)).resolves.toBe('value-of-A');
    expect(loginsIn('team-a')).toBe(3);
  });
});

describe('scope checks fail closed, before any request', () => {
  const platformConnection: SecretManagerConnection = {
    id: 'conn-1', platformId: 'plat-1', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config: undefined,
  };
  const reference = { apiKey: `{{conn-1|ap_sep_v1|${PATH}}}` };
  const run = (connection: Partial<SecretManagerConnection>, patch: Partial<ResolveContext> = {}) =>
    resolveSecretReferences(reference, {
      platformId: 'plat-1',
      getConnection: () => ({ ...platformConnection, config: configA, ...connection }) as SecretManagerConnection,
      providers: [provider],
      ...patch,
    });
  const project = { scope: SecretManagerConnectionScope.PROJECT, projectIds: ['proj-a', 'proj-b'] };

  it('allows what is in scope', async () => {
    await expect(run({})).resolves.toEqual({ apiKey: 'value-of-A' });
    await expect(run(project, { projectId: 'proj-b' })).resolves.toEqual({ apiKey: 'value-of-A' });
  });

  it.each<[string, Partial<SecretManagerConnection>, Partial<ResolveContext>, RegExp]>([
    ['a PROJECT connection, call names no project', project, {}, /limited to some projects, and this call names no project/],
    ['a PROJECT connection, empty project id', project, { projectId: '' }, /names no project/],
    ['a PROJECT connection, another project', project, { projectId: 'proj-c' }, /not available to project "proj-c"/],
    ['a PROJECT connection without a project list', { scope: SecretManagerConnectionScope.PROJECT, projectIds: undefined }, { projectId: 'proj-a' }, /not available to project/],
    ['a project list that is a string (no substring match)', { scope: SecretManagerConnectionScope.PROJECT, projectIds: 'proj-abc' as unknown as string[] }, { projectId: 'proj-a' }, /not available to project/],
    ['another platform', { platformId: 'plat-2' }, {}, /belongs to another platform/],
    ['a call that names no platform', { platformId: undefined as unknown as string }, { platformId: undefined as unknown as string }, /names no platform/],
    ['a lookup that returns another connection', { id: 'conn-2' }, {}, /lookup returned another connection/],
    ['an unknown scope', { scope: 'EVERYONE' as SecretManagerConnectionScope }, {}, /unknown scope/],
    ['another provider', { providerId: 'aws' }, {}, /No secret manager provider "aws"/],
  ])('refuses %s', async (_why, connection, context, message) => {
    await expect(run(connection, context)).rejects.toMatchObject({ error: { params: { message: expect.stringMatching(message) } } });
    expect(target.double.count({ admin: false })).toBe(0);
  });

  it('a refused reference never reaches the provider even when the same connection resolves elsewhere in the value', async () => {
    const connections: Record<string, SecretManagerConnection> = {
      open: { ...platformConnection, id: 'open', config: configB },
      closed: { ...platformConnection, id: 'closed', config: configA, scope: SecretManagerConnectionScope.PROJECT, projectIds: ['proj-x'] },
    };
    const value = { a: `{{open|ap_sep_v1|${PATH}}}`, b: `{{closed|ap_sep_v1|${PATH}}}` };
    const out = await resolveSecretReferences(value, { platformId: 'plat-1', projectId: 'proj-y', getConnection: (id) => connections[id], providers: [provider], onFailure: 'keep-reference' });
    expect(out).toEqual({ a: 'value-of-B', b: value.b });
    expect(loginsIn('team-a')).toBe(0);
  });
});

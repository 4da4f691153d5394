/**
 * The provider against the Vault double, counting what reaches Vault.
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider, resolveSecretReferences, ResolveContext, SecretManagerConnection } from '../../src';
import { ErrorCode, SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';
import { unusedLocalUrl, VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import { connectionConfig } from '../support/fixtures';

let target: VaultTarget & { double: VaultDouble };
let setup: Awaited<ReturnType<typeof provisionAppRole>>;
let config: HashicorpVaultConfig;
let provider: HashicorpVaultProvider;

const logins = () => target.double.count({ method: 'POST', path: /\/login$/, admin: false });
const reads = () => target.double.count({ method: 'GET', path: new RegExp(`^/v1/${setup.kvMount}/`), admin: false });

beforeAll(async () => {
  target = await startDouble();
  setup = await provisionAppRole(target.admin);
  config = connectionConfig(target.url, setup);
  await target.admin.putKv2(setup.kvMount, 'app/db', { user: 'svc', password: 'p@ss' });
  await target.admin.putKv2(setup.kvMount, 'app/api', { key: 'k-1' });
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider();
  target.double.clearRequests();
});
afterEach(async () => provider.close());

const path = (p: string) => `${setup.kvMount}/data/${p}`;

describe('token reuse and caching', () => {
  it('10 resolves of 3 keys in 2 secrets cost 1 login and 2 reads', async () => {
    for (let i = 0; i < 10; i++) {
      const values = await Promise.all([
        provider.resolve({ connectionId: 'c1', config, path: path('app/db/user') }),
        provider.resolve({ connectionId: 'c1', config, path: path('app/db/password') }),
        provider.resolve({ connectionId: 'c1', config, path: path('app/api/key') }),
      ]);
      expect(values).toEqual(['svc', 'p@ss', 'k-1']);
    }
    expect(logins()).toBe(1);
    expect(reads()).toBe(2);
  });

  it('reads Vault again after invalidate, with the same token', async () => {
    await provider.resolve({ connectionId: 'c1', config, path: path('app/api/key') });
    provider.invalidate({ connectionId: 'c1' });
    await provider.resolve({ connectionId: 'c1', config, path: path('app/api/key') });
    expect(reads()).toBe(2);
    expect(logins()).toBe(1);
  });

  it('invalidate of one connection keeps the others cached', async () => {
    await provider.resolve({ connectionId: 'c1', config, path: path('app/api/key') });
    await provider.resolve({ connectionId: 'c2', config, path: path('app/api/key') });
    provider.invalidate({ connectionId: 'c1' });
    await provider.resolve({ connectionId: 'c2', config, path: path('app/api/key') });
    expect(reads()).toBe(2);
    await provider.resolve({ connectionId: 'c1', config, path: path('app/api/key') });
    expect(reads()).toBe(3);
  });

  it('never serves a value cached under an old Secret ID to an edited connection', async () => {
    await expect(provider.resolve({ connectionId: 'c1', config, path: path('app/api/key') })).resolves.toBe('k-1');
    const edited = { ...config, secretId: 'a-revoked-or-mistyped-secret-id' };
    await expect(provider.resolve({ connectionId: 'c1', config: edited, path: path('app/api/key') })).rejects.toMatchObject({
      error: { code: ErrorCode.SECRET_MANAGER_CONNECTION_FAILED },
    });
  });

  it('an edited connection with valid new credentials reads again', async () => {
    await provider.resolve({ connectionId: 'c1', config, path: path('app/api/key') });
    const secretId = await target.admin.newSecretId(setup.approleMount, setup.roleName);
    await provider.resolve({ connectionId: 'c1', config: { ...config, secretId }, path: path('app/api/key') });
    expect(logins()).toBe(2);
    expect(reads()).toBe(2);
  });

  it('disconnect revokes the token', async () => {
    await provider.resolve({ connectionId: 'c1', config, path: path('app/api/key') });
    await provider.disconnect({ connectionId: 'c1' });
    expect(target.double.count({ method: 'POST', path: '/v1/auth/token/revoke-self' })).toBe(1);
  });
});

describe('validate says what to fix', () => {
  const failure = (message: RegExp) => ({ error: { code: ErrorCode.SECRET_MANAGER_CONNECTION_FAILED, params: { message: expect.stringMatching(message) } } });

  it('summarises a working connection', async () => {
    const summary = await provider.validate({ config });
    expect(summary.kvMounts).toEqual([{ path: `${setup.kvMount}/`, version: 2 }]);
    expect(summary.token.policies).toContain(setup.policyName);
    expect(target.double.count({ method: 'POST', path: '/v1/auth/token/revoke-self' })).toBe(1);
  });

  it('unreachable URL', async () => {
    await expect(provider.validate({ config: { ...config, url: await unusedLocalUrl() } })).rejects.toMatchObject(failure(/Cannot reach Vault .*connection refused/));
  });

  it('bad Role ID', async () => {
    await expect(provider.validate({ config: { ...config, roleId: 'no-such-role' } })).rejects.toMatchObject(failure(/rejected the Role ID or Secret ID/));
  });

  it('AppRole not enabled at the mount', async () => {
    await expect(provider.validate({ config: { ...config, appRoleMount: 'not-here' } })).rejects.toMatchObject(failure(/AppRole is not enabled at auth\/not-here\/.*vault auth enable -path=not-here approle/));
  });

  it('policy lacks read on sys/mounts, with the HCL line to add', async () => {
    const limited = await provisionAppRole(target.admin, { policy: 'path "kv-none/data/*" { capabilities = ["read"] }' });
    const limitedConfig = { url: target.url, roleId: limited.credentials.roleId, secretId: limited.credentials.secretId, appRoleMount: limited.approleMount };
    await expect(provider.validate({ config: limitedConfig })).rejects.toMatchObject(failure(/path "sys\/mounts" \{ capabilities = \["read"\] \}/));
  });

  it('sealed Vault', async () => {
    target.double.seal();
    try {
      await expect(provider.validate({ config })).rejects.toMatchObject(failure(/is sealed.*vault operator unseal/));
    } finally {
      target.double.unseal();
    }
  });

  it('malformed config is a VALIDATION error that names the field', async () => {
    await expect(provider.validate({ config: { ...config, url: 'ftp://x' } })).rejects.toMatchObject({ error: { code: ErrorCode.VALIDATION } });
  });
});

describe('resolveSecretReferences', () => {
  const connection = (patch: Partial<SecretManagerConnection> = {}): SecretManagerConnection => ({
    id: 'conn-1', platformId: 'plat-1', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config, ...patch,
  });
  const context = (c: SecretManagerConnection | null, patch: Partial<ResolveContext> = {}): ResolveContext => ({
    platformId: 'plat-1', getConnection: async (id) => (c && c.id === id ? c : null), providers: [provider], ...patch,
  });
  const ref = (p: string, id = 'conn-1') => `{{${id}|ap_sep_v1|${path(p)}}}`;

  it('replaces every reference in nested objects and arrays and leaves the input as it was', async () => {
    const input = { type: 'CUSTOM_AUTH', props: { user: ref('app/db/user'), list: [ref('app/db/password'), 'plain', 7], other: 'x', n: null } };
    const before = structuredClone(input);
    const out = await resolveSecretReferences(input, context(connection()));
    expect(out).toEqual({ type: 'CUSTOM_AUTH', props: { user: 'svc', list: ['p@ss', 'plain', 7], other: 'x', n: null } });
    expect(input).toEqual(before);
    expect(out).not.toBe(input);
  });

  it('an unknown connection id is an error, not a pass-through', async () => {
    await expect(resolveSecretReferences({ a: ref('app/db/user', 'ghost') }, context(connection()))).rejects.toMatchObject({
      error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, params: { message: expect.stringMatching(/^a: .*"ghost" does not exist/) } },
    });
  });

  it('a connection of another platform is refused', async () => {
    await expect(resolveSecretReferences({ a: ref('app/db/user') }, context(connection({ platformId: 'other' })))).rejects.toMatchObject({
      error: { params: { message: expect.stringMatching(/another platform/) } },
    });
    expect(reads()).toBe(0);
  });

  describe('PROJECT scope', () => {
    const scoped = () => connection({ scope: SecretManagerConnectionScope.PROJECT, projectIds: ['proj-a'] });

    it('resolves for a listed project', async () => {
      await expect(resolveSecretReferences({ a: ref('app/db/user') }, context(scoped(), { projectId: 'proj-a' }))).resolves.toEqual({ a: 'svc' });
    });

    it('refuses another project', async () => {
      await expect(resolveSecretReferences({ a: ref('app/db/user') }, context(scoped(), { projectId: 'proj-b' }))).rejects.toMatchObject({
        error: { params: { message: expect.stringMatching(/not available to project "proj-b"/) } },
      });
    });

    it('refuses a call that names no project', async () => {
      await expect(resolveSecretReferences({ a: ref('app/db/user') }, context(scoped()))).rejects.toMatchObject({
        error: { params: { message: expect.stringMatching(/names no project/) } },
      });
      expect(reads()).toBe(0);
    });
  });

  it('a provider that is not loaded is an error', async () => {
    await expect(resolveSecretReferences({ a: ref('app/db/user') }, context(connection({ providerId: 'aws' })))).rejects.toMatchObject({
      error: { params: { message: expect.stringMatching(/No secret manager provider "aws"/) } },
    });
  });
});

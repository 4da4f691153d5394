/**
 * The warm path: a cached reference is filled without a request, a promise per reference or a
 * second connection lookup, and the synchronous cache lookup never serves a value to a connection
 * whose config changed.
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider, resolveSecretReferences, ResolveContext, SecretManagerConnection } from '../../src';
import { ErrorCode, SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';
import { VaultDouble } from '../../src/testing/vault-double';
import { vaultCounts, VaultCounts } from '../support/vault-counts';
import type { VaultTarget } from '../support/vault-target';
import { startProvisionedDouble } from '../support/fixtures';

let target: VaultTarget & { double: VaultDouble };
let kvMount: string;
let config: HashicorpVaultConfig;
let counts: VaultCounts;
let provider: HashicorpVaultProvider;

beforeAll(async () => {
  ({ target, kvMount, config } = await startProvisionedDouble());
  await target.admin.putKv2(kvMount, 'app/db', { user: 'svc', password: 'p@ss' });
  counts = vaultCounts(target.double, kvMount);
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider();
  target.double.clearRequests();
});
afterEach(async () => provider.close());

const path = (key: string) => `${kvMount}/data/app/db/${key}`;
const ref = (key: string, id = 'conn-1') => `{{${id}|ap_sep_v1|${path(key)}}}`;

function engine(lookups: string[], patch: Partial<SecretManagerConnection> = {}, sync = false): ResolveContext {
  const connection: SecretManagerConnection = { id: 'conn-1', platformId: 'p1', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config, ...patch };
  const find = (id: string) => {
    lookups.push(id);
    return id === connection.id ? connection : null;
  };
  return { platformId: 'p1', providers: [provider], getConnection: sync ? find : async (id) => find(id) };
}

describe('resolveFromCache', () => {
  it('answers only for a cached path of a known connection with the same config, and never asks Vault', async () => {
    expect(provider.resolveFromCache({ connectionId: 'c1', config, path: path('user') })).toBeUndefined();
    await provider.resolve({ connectionId: 'c1', config, path: path('user') });
    const before = counts.total();
    expect(provider.resolveFromCache({ connectionId: 'c1', config: { ...config }, path: path('user') })).toBe('svc');
    expect(provider.resolveFromCache({ connectionId: 'c1', config, path: path('password') })).toBeUndefined(); // same secret, key not located yet
    expect(provider.resolveFromCache({ connectionId: 'c2', config, path: path('user') })).toBeUndefined();
    expect(provider.resolveFromCache({ connectionId: 'c1', config: { ...config, secretId: 'edited' }, path: path('user') })).toBeUndefined();
    expect(counts.total()).toBe(before);
  });

  it('is undefined after invalidate', async () => {
    await provider.resolve({ connectionId: 'c1', config, path: path('user') });
    provider.invalidate({ connectionId: 'c1' });
    expect(provider.resolveFromCache({ connectionId: 'c1', config, path: path('user') })).toBeUndefined();
  });
});

describe('resolveSecretReferences, warm', () => {
  it.each([
    ['an asynchronous', false],
    ['a synchronous', true],
  ])('asks %s getConnection once per distinct connection per call, and Vault nothing', async (_kind, sync) => {
    const lookups: string[] = [];
    const value = { a: ref('user'), b: ref('password'), c: [ref('user')], d: ref('user', 'ghost') };
    const context = { ...engine(lookups, {}, sync), onFailure: 'keep-reference' as const };
    await resolveSecretReferences(value, context);
    const before = counts.total();
    lookups.length = 0;
    await expect(resolveSecretReferences(value, context)).resolves.toEqual({ a: 'svc', b: 'p@ss', c: ['svc'], d: ref('user', 'ghost') });
    expect(lookups.sort()).toEqual(['conn-1', 'ghost']);
    expect(counts.total()).toBe(before);
  });

  it('resolves a value that is itself a reference', async () => {
    await expect(resolveSecretReferences(ref('user'), engine([]))).resolves.toBe('svc');
  });

  it('a connection lookup that throws fails each of its fields, by name', async () => {
    const context: ResolveContext = { platformId: 'p1', providers: [provider], getConnection: () => { throw new Error('db down'); } };
    await expect(resolveSecretReferences({ props: { x: ref('user') } }, context)).rejects.toMatchObject({
      error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, params: { message: expect.stringMatching(/^props\.x: resolving the secret failed unexpectedly/) } },
    });
  });

  it('a rejected asynchronous lookup fails the same way', async () => {
    const context: ResolveContext = { platformId: 'p1', providers: [provider], getConnection: async () => { throw new Error('db down'); } };
    await expect(resolveSecretReferences({ x: ref('user') }, context)).rejects.toMatchObject({
      error: { params: { message: expect.stringMatching(/^x: resolving the secret failed unexpectedly/) } },
    });
  });

  it('never changes the input, warm or cold', async () => {
    const value = { props: { user: ref('user'), list: [ref('password'), 'plain'] } };
    const before = structuredClone(value);
    await resolveSecretReferences(value, engine([]));
    const out = await resolveSecretReferences(value, engine([]));
    expect(value).toEqual(before);
    expect(out).toEqual({ props: { user: 'svc', list: ['p@ss', 'plain'] } });
  });
});

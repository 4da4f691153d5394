/**
 * Single-flight and whole-secret caching, counted at the double: concurrent resolves of one
 * secret share one read, concurrent first resolves share one login, every key of a secret comes
 * from one read, and a shared read that fails fails every waiter (with no unhandled rejection).
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider, resolveSecretReferences, SecretManagerConnection } from '../../src';
import { ErrorCode, SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';
import { VaultDouble } from '../../src/testing/vault-double';
import { vaultCounts, VaultCounts } from '../support/vault-counts';
import type { VaultTarget } from '../support/vault-target';
import { startProvisionedDouble } from '../support/fixtures';

const SECRETS = 5;

let target: VaultTarget & { double: VaultDouble };
let kvMount: string;
let config: HashicorpVaultConfig;
let counts: VaultCounts;
let provider: HashicorpVaultProvider;

beforeAll(async () => {
  ({ target, kvMount, config } = await startProvisionedDouble());
  for (let i = 0; i < SECRETS; i++) await target.admin.putKv2(kvMount, `app/s${i}`, { user: `user-${i}`, password: `password-${i}` });
  counts = vaultCounts(target.double, kvMount);
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
  target.double.clearRequests();
  target.double.faults.clear();
});
afterEach(async () => provider.close());

const path = (i: number, key: 'user' | 'password') => `${kvMount}/data/app/s${i}/${key}`;
const resolve = (p: string, connectionId = 'c1') => provider.resolve({ connectionId, config, path: p });

/**
 * Gives a stray rejection time to surface while this test still runs: jest-circus fails the test
 * in which an unhandled rejection happens (a promise nobody awaits, e.g. a shared read's).
 */
async function strayRejectionsSurface(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
}

describe('one read per distinct secret, one login per connection', () => {
  it('50 concurrent first resolves over 5 secrets: 1 login and 1 read per secret', async () => {
    const calls = Array.from({ length: 50 }, (_, n) => ({ i: n % SECRETS, key: n % 2 === 0 ? ('user' as const) : ('password' as const) }));
    const values = await Promise.all(calls.map(({ i, key }) => resolve(path(i, key))));
    expect(values).toEqual(calls.map(({ i, key }) => `${key}-${i}`));
    expect(counts.logins()).toBe(1);
    for (let i = 0; i < SECRETS; i++) expect(counts.reads(`app/s${i}`)).toBe(1);
    expect(counts.total()).toBe(1 + SECRETS);
  });

  it('a cold connection value with 10 references over 5 secrets costs 1 login and 5 reads', async () => {
    const connection: SecretManagerConnection = { id: 'conn-1', platformId: 'p1', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config };
    const props: Record<string, string> = {};
    for (let i = 0; i < SECRETS; i++) {
      props[`user${i}`] = `{{conn-1|ap_sep_v1|${path(i, 'user')}}}`;
      props[`password${i}`] = `{{conn-1|ap_sep_v1|${path(i, 'password')}}}`;
    }
    const resolved = await resolveSecretReferences({ type: 'CUSTOM_AUTH', props }, { platformId: 'p1', getConnection: async () => connection, providers: [provider] });
    expect(resolved.props.user3).toBe('user-3');
    expect(resolved.props.password4).toBe('password-4');
    expect(counts.logins()).toBe(1);
    expect(counts.reads()).toBe(SECRETS);
    expect(counts.mountListings()).toBe(0);
    expect(counts.total()).toBe(1 + SECRETS);
  });

  it('1,000 concurrent cold resolves of one reference: 2 requests', async () => {
    const values = await Promise.all(Array.from({ length: 1000 }, () => resolve(path(0, 'user'))));
    expect(new Set(values)).toEqual(new Set(['user-0']));
    expect(counts.total()).toBe(2);
  });

  it('every key of a secret comes from one read', async () => {
    await expect(resolve(path(1, 'user'))).resolves.toBe('user-1');
    await expect(resolve(path(1, 'password'))).resolves.toBe('password-1');
    expect(counts.reads('app/s1')).toBe(1);
  });

  it('a pinned version is its own read, shared by its own concurrent callers', async () => {
    const latest = Array.from({ length: 10 }, () => resolve(path(2, 'user')));
    const pinned = Array.from({ length: 10 }, () => resolve(`${path(2, 'user')}?version=1`));
    await Promise.all([...latest, ...pinned]);
    expect(counts.reads('app/s2')).toBe(2);
    expect(target.double.requests.filter((r) => r.query.includes('version=1')).length).toBe(1);
  });

  it('each connection has its own token and cache', async () => {
    await Promise.all([resolve(path(0, 'user'), 'c1'), resolve(path(0, 'user'), 'c2')]);
    expect(counts.logins()).toBe(2);
    expect(counts.reads()).toBe(2);
  });
});

describe('a shared read that fails', () => {
  it('fails every waiter with the error, leaves no unhandled rejection, and is not cached', async () => {
    target.double.faults.add({ match: { method: 'GET', path: `/v1/${kvMount}/data/app/s3` }, kind: 'status', status: 400, times: 1 });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => resolve(path(3, 'user'))));
    expect(outcomes.map((o) => o.status)).toEqual(Array(20).fill('rejected'));
    for (const o of outcomes) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({ error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED } });
    }
    await strayRejectionsSurface();
    expect(counts.reads('app/s3')).toBe(1);
    await expect(resolve(path(3, 'user'))).resolves.toBe('user-3');
    expect(counts.reads('app/s3')).toBe(2);
  });

  it('a connection failure (no answer) reaches every waiter too', async () => {
    target.double.faults.add({ match: { method: 'GET', path: `/v1/${kvMount}/data/app/s4` }, kind: 'refuse', times: 1 });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => resolve(path(4, 'password'))));
    expect(outcomes.map((o) => o.status)).toEqual(Array(20).fill('rejected'));
    await strayRejectionsSurface();
    expect(counts.reads('app/s4')).toBe(1);
  });

  it('through the engine hook: one error naming the first field, no unhandled rejection', async () => {
    target.double.faults.add({ match: { method: 'GET', path: `/v1/${kvMount}/data/app/s3` }, kind: 'status', status: 400, times: 1 });
    const connection: SecretManagerConnection = { id: 'conn-1', platformId: 'p1', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config };
    const props = Object.fromEntries(Array.from({ length: 10 }, (_, n) => [`f${n}`, `{{conn-1|ap_sep_v1|${path(3, n % 2 ? 'user' : 'password')}}}`]));
    await expect(resolveSecretReferences({ props }, { platformId: 'p1', getConnection: () => connection, providers: [provider] })).rejects.toMatchObject({
      error: { params: { message: expect.stringMatching(/^props\.f0: /) } },
    });
    await strayRejectionsSurface();
    expect(counts.reads('app/s3')).toBe(1);
  });
});

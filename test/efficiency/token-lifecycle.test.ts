/**
 * Token lifecycle, counted at the double: one login per token lifetime, renewal (or a new login)
 * before expiry, one re-login and one retry when Vault calls the token invalid, revoke-self on
 * disconnect. The clock is injected into both the provider and the double.
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole, RoleOptions } from '../../src/testing/vault-admin';
import { ManualClock, manualClock, vaultCounts, VaultCounts } from '../support/vault-counts';
import { startDouble, VaultTarget } from '../support/vault-target';
import { connectionConfig } from '../support/fixtures';

const MINUTE = 60_000;

let clock: ManualClock;
let target: VaultTarget & { double: VaultDouble };
let provider: HashicorpVaultProvider;

beforeAll(async () => {
  clock = manualClock();
  target = await startDouble({ now: clock.now });
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider({ now: clock.now });
});
afterEach(async () => provider.close());

interface Fixture {
  config: HashicorpVaultConfig;
  counts: VaultCounts;
  path(secret: string, key?: string): string;
}

/** A fresh AppRole (with these token settings) and KV mount holding `secrets` secrets s0, s1, ... */
async function fixture(role: RoleOptions, secrets = 1): Promise<Fixture> {
  const setup = await provisionAppRole(target.admin, { role });
  for (let i = 0; i < secrets; i++) await target.admin.putKv2(setup.kvMount, `s${i}`, { v: `value-${i}` });
  target.double.clearRequests();
  return {
    config: connectionConfig(target.url, setup),
    counts: vaultCounts(target.double, setup.kvMount),
    path: (secret, key = 'v') => `${setup.kvMount}/data/${secret}/${key}`,
  };
}

/** A resolve that must go to Vault: the cache is emptied first (tokens are kept). */
async function uncachedResolve(f: Fixture, secret = 's0'): Promise<string> {
  provider.invalidate({ connectionId: 'c1' });
  return provider.resolve({ connectionId: 'c1', config: f.config, path: f.path(secret) });
}

describe('token reuse', () => {
  it('uses one token for 100 uncached resolves', async () => {
    const f = await fixture({ token_ttl: '1h' }, 10);
    for (let i = 0; i < 100; i++) await expect(uncachedResolve(f, `s${i % 10}`)).resolves.toBe(`value-${i % 10}`);
    expect(f.counts.logins()).toBe(1);
    expect(f.counts.reads()).toBe(100);
    expect(f.counts.renewals()).toBe(0);
  });
});

describe('before expiry', () => {
  it('renews a renewable token once the clock passes the safety margin, not before', async () => {
    const f = await fixture({ token_ttl: '10m', token_max_ttl: '1h' });
    await uncachedResolve(f);
    clock.advance(8 * MINUTE); // 2 min left: outside the 60 s margin
    await uncachedResolve(f);
    expect(f.counts.renewals()).toBe(0);

    clock.advance(1.5 * MINUTE); // 30 s left: inside the margin, still alive
    await uncachedResolve(f);
    expect(f.counts.renewals()).toBe(1);
    expect(f.counts.logins()).toBe(1);

    clock.advance(9.5 * MINUTE); // the renewal gave 10 min from then
    await uncachedResolve(f);
    expect(f.counts.renewals()).toBe(2);
    expect(f.counts.logins()).toBe(1);
    expect(f.counts.reads()).toBe(4);
    expect(f.counts.answered(403)).toBe(0);
  });

  it('logs in again when a renewal would end at the max TTL', async () => {
    const f = await fixture({ token_ttl: '10m', token_max_ttl: '10m' });
    await uncachedResolve(f);
    clock.advance(9.5 * MINUTE);
    await uncachedResolve(f);
    expect(f.counts.logins()).toBe(2);
    expect(f.counts.renewals()).toBeLessThanOrEqual(1);
    expect(f.counts.answered(403)).toBe(0);
  });

  it('replaces a batch token with a new login (batch tokens cannot be renewed)', async () => {
    const f = await fixture({ token_ttl: '10m', token_type: 'batch' });
    await uncachedResolve(f);
    clock.advance(9.5 * MINUTE);
    await uncachedResolve(f);
    expect(f.counts.logins()).toBe(2);
    expect(f.counts.renewals()).toBe(0);
    expect(f.counts.answered(403)).toBe(0);
    expect(f.counts.answered(400)).toBe(0);
  });

  it('logs in again after expiry when the clock jumped past it', async () => {
    const f = await fixture({ token_ttl: '10m', token_max_ttl: '1h' });
    await uncachedResolve(f);
    clock.advance(11 * MINUTE);
    await uncachedResolve(f);
    expect(f.counts.logins()).toBe(2);
    expect(f.counts.answered(403)).toBe(0);
  });
});

describe('tokens with num_uses', () => {
  it('never sends a used-up token', async () => {
    const f = await fixture({ token_ttl: '1h', token_num_uses: 2 }, 6);
    for (let i = 0; i < 6; i++) await expect(uncachedResolve(f, `s${i}`)).resolves.toBe(`value-${i}`);
    expect(f.counts.logins()).toBe(3);
    expect(f.counts.reads()).toBe(6);
    expect(f.counts.answered(403)).toBe(0);
  });

  it('serves many concurrent reads with tokens of few uses, one login per token', async () => {
    const f = await fixture({ token_ttl: '1h', token_num_uses: 2 }, 20);
    const values = await Promise.all(Array.from({ length: 20 }, (_, i) => provider.resolve({ connectionId: 'c1', config: f.config, path: f.path(`s${i}`) })));
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `value-${i}`));
    expect(f.counts.logins()).toBe(10);
    expect(f.counts.answered(403)).toBe(0);
  });
});

describe('a token Vault calls invalid', () => {
  it('is dropped: one new login, and the request is retried once', async () => {
    const f = await fixture({ token_ttl: '1h' });
    await uncachedResolve(f);
    target.double.revokeAllTokens();
    await expect(uncachedResolve(f)).resolves.toBe('value-0');
    expect(f.counts.logins()).toBe(2);
    expect(f.counts.reads('s0')).toBe(3); // first read, the rejected one, the retry
    expect(f.counts.answered(403)).toBe(1);
  });

  it('concurrent requests rejected together share one new login', async () => {
    const f = await fixture({ token_ttl: '1h' }, 10);
    await uncachedResolve(f);
    target.double.revokeAllTokens();
    provider.invalidate({ connectionId: 'c1' });
    await Promise.all(Array.from({ length: 10 }, (_, i) => provider.resolve({ connectionId: 'c1', config: f.config, path: f.path(`s${i}`) })));
    expect(f.counts.logins()).toBe(2);
  });

  it('is retried only once, not in a loop', async () => {
    // A double whose clock runs 11 s per look: every 10 s token is dead by its first use,
    // while the provider's clock stands still and believes each new token is fresh.
    let t = 1_700_000_000_000;
    const rushed = await startDouble({ now: () => (t += 11_000) });
    try {
      const setup = await provisionAppRole(rushed.admin, { role: { token_ttl: '10s' } });
      await rushed.admin.putKv2(setup.kvMount, 's0', { v: 'x' });
      rushed.double.clearRequests();
      const counts = vaultCounts(rushed.double, setup.kvMount);
      const config = { url: rushed.url, roleId: setup.credentials.roleId, secretId: setup.credentials.secretId, appRoleMount: setup.approleMount };
      await expect(provider.resolve({ connectionId: 'c9', config, path: `${setup.kvMount}/data/s0/v` })).rejects.toMatchObject({
        error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED },
      });
      expect(counts.logins()).toBe(2);
      expect(counts.reads()).toBe(2);
      await provider.close();
    } finally {
      await rushed.stop();
    }
  });
});

describe('disconnect', () => {
  it('revokes the token with revoke-self; the next resolve logs in again', async () => {
    const f = await fixture({ token_ttl: '1h' });
    await uncachedResolve(f);
    await provider.disconnect({ connectionId: 'c1' });
    expect(f.counts.revocations()).toBe(1);
    expect(f.counts.answered(204)).toBe(1);
    await uncachedResolve(f);
    expect(f.counts.logins()).toBe(2);
    expect(f.counts.answered(403)).toBe(0);
  });

  it('close revokes the token of every connection', async () => {
    const f = await fixture({ token_ttl: '1h' });
    await provider.resolve({ connectionId: 'c1', config: f.config, path: f.path('s0') });
    await provider.resolve({ connectionId: 'c2', config: f.config, path: f.path('s0') });
    await provider.close();
    expect(f.counts.revocations()).toBe(2);
  });

  it('does not try to revoke a batch token (Vault answers 400, docs/vault-behaviour.md §3.3)', async () => {
    const f = await fixture({ token_ttl: '1h', token_type: 'batch' });
    await uncachedResolve(f);
    await provider.disconnect({ connectionId: 'c1' });
    expect(f.counts.revocations()).toBe(0);
  });
});

describe('timers', () => {
  it('leaves no timer behind that keeps the process alive', async () => {
    const f = await fixture({ token_ttl: '10m' });
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    await uncachedResolve(f);
    clock.advance(9.5 * MINUTE);
    await uncachedResolve(f);
    // At most as many as before: a timer of the test's own set-up (a socket's) may end meanwhile.
    expect(timers()).toBeLessThanOrEqual(before);
  });
});

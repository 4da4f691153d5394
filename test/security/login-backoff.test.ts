/**
 * Login failure protection (issue 11.4): after a credential failure the connection fails fast,
 * without asking Vault, for a wait that doubles from 30 s to 5 min, and never makes the failed
 * login that would lock the role out for every connection (Vault's default: 5 failures with no
 * 15-minute pause, docs/vault-behaviour.md §14.3; the double implements that lockout).
 */
import { createHashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { parseVaultConfig } from '../../src/config/settings';
import { silentLogger } from '../../src/logger';
import { VaultClient } from '../../src/vault/client';
import { realRetryClock } from '../../src/vault/retry';
import { VaultSession } from '../../src/vault/session';
import { FIRST_BACKOFF_MS, LoginBackoff, MAX_BACKOFF_MS } from '../../src/vault/login-backoff';
import { connectionFailed } from '../../src/activepieces/errors';
import { startProvisionedDouble } from '../support/fixtures';
import { vaultCounts } from '../support/vault-counts';

const CONNECTION_FAILED = ErrorCode.SECRET_MANAGER_CONNECTION_FAILED;

let clock = Date.parse('2026-01-01T00:00:00Z');
let fixture: Awaited<ReturnType<typeof startProvisionedDouble>>;
beforeEach(async () => {
  fixture = await startProvisionedDouble({ double: { now: () => clock } });
  await fixture.target.admin.putKv2(fixture.kvMount, 'app', { key: 'HEALTHY-VALUE-q4' });
  fixture.target.double.clearRequests();
});
afterEach(async () => fixture.target.stop());

it('1,000 resolves over 15 minutes with a wrong Secret ID send at most 4 logins; a healthy connection on the same role is never locked out', async () => {
  const provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 }, now: () => clock });
  const wrong = { ...fixture.config, secretId: 'wrong-secret-id' };
  const healthy = { ...fixture.config, cacheTtlSeconds: 0 };
  const path = `${fixture.kvMount}/data/app/key`;
  try {
    for (let i = 0; i < 1000; i++) {
      await expect(provider.resolve({ connectionId: 'wrong', config: wrong, path })).rejects.toMatchObject({ error: { code: CONNECTION_FAILED } });
      clock += 900;
      // A healthy connection that logs in at the end (a login in between would reset Vault's counter).
      if (i === 999) await expect(provider.resolve({ connectionId: `healthy-${i}`, config: healthy, path })).resolves.toBe('HEALTHY-VALUE-q4');
    }
    const wrongLogins = fixture.target.double.requests.filter((r) => !r.admin && r.path.endsWith('/login') && r.status === 400);
    expect(wrongLogins.length).toBeGreaterThanOrEqual(2);
    expect(wrongLogins.length).toBeLessThanOrEqual(4);
    expect(fixture.target.double.requests.filter((r) => r.status === 403)).toHaveLength(0);
  } finally {
    await provider.close();
  }
});

it('concurrent resolves share one failure; while it is waited out Vault is not asked, and the message says why', async () => {
  const provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 }, now: () => clock });
  const wrong = { ...fixture.config, secretId: 'wrong-secret-id' };
  const resolve = () => provider.resolve({ connectionId: 'wrong', config: wrong, path: `${fixture.kvMount}/data/app/key` });
  const counts = vaultCounts(fixture.target.double, fixture.kvMount);
  try {
    const all = await Promise.allSettled(Array.from({ length: 10 }, resolve));
    expect(all.every((r) => r.status === 'rejected')).toBe(true);
    expect(counts.logins()).toBe(1);
    clock += FIRST_BACKOFF_MS - 1_000;
    await expect(resolve()).rejects.toThrow(/rejected the Role ID or Secret ID .* Vault was not asked again: logins with these credentials pause for 1 s more, so that failed logins do not lock the role out\./);
    expect(counts.logins()).toBe(1);
    clock += 1_000;
    await expect(resolve()).rejects.toThrow(/rejected the Role ID or Secret ID/);
    expect(counts.logins()).toBe(2);
  } finally {
    await provider.close();
  }
});

it('session.clearBackoff() lets the next call ask Vault at once (edit, Save, invalidate)', async () => {
  const settings = parseVaultConfig({ ...fixture.config, secretId: 'wrong-secret-id' });
  const client = new VaultClient(settings, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, totalDeadlineMs: 1_000 }, clock: realRetryClock });
  const session = new VaultSession(client, settings, () => clock, silentLogger);
  const counts = vaultCounts(fixture.target.double, fixture.kvMount);
  try {
    await expect(session.loginNow()).rejects.toThrow(/rejected the Role ID or Secret ID/);
    await expect(session.loginNow()).rejects.toThrow(/Vault was not asked again/);
    expect(counts.logins()).toBe(1);
    session.clearBackoff();
    await expect(session.loginNow()).rejects.toThrow(/rejected the Role ID or Secret ID \(invalid role or secret ID\)\. The Secret ID/);
    expect(counts.logins()).toBe(2);
  } finally {
    client.close();
  }
});

it('the wait doubles from 30 s to 5 min, and after 4 failures in a row outlasts Vault\'s 15-minute counter', () => {
  let now = 0;
  const backoff = new LoginBackoff(() => now);
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    backoff.failed(connectionFailed('wrong'));
    const start = now;
    while ((() => { try { backoff.check(); return false; } catch { return true; } })()) now += 5_000;
    waits.push(now - start);
  }
  expect(waits.slice(0, 3)).toEqual([FIRST_BACKOFF_MS, 2 * FIRST_BACKOFF_MS, 4 * FIRST_BACKOFF_MS]);
  expect(waits.slice(3).every((w) => w > 15 * 60_000 && w >= MAX_BACKOFF_MS)).toBe(true);
});

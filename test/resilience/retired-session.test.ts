/**
 * A retired session (disconnect, or an edit that replaced the connection) never logs in again,
 * and its request in flight is aborted rather than retried (issue 11.6).
 */
import { parseVaultConfig } from '../../src/config/settings';
import { silentLogger } from '../../src/logger';
import { VaultClient } from '../../src/vault/client';
import { realRetryClock } from '../../src/vault/retry';
import { VaultSession } from '../../src/vault/session';
import { startProvisionedDouble } from '../support/fixtures';
import { vaultCounts } from '../support/vault-counts';

let fixture: Awaited<ReturnType<typeof startProvisionedDouble>>;
let client: VaultClient;
let session: VaultSession;
beforeEach(async () => {
  fixture = await startProvisionedDouble();
  await fixture.target.admin.putKv2(fixture.kvMount, 'app', { key: 'v' });
  const settings = parseVaultConfig(fixture.config);
  client = new VaultClient(settings, { retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 20, totalDeadlineMs: 30_000 }, clock: realRetryClock });
  session = new VaultSession(client, settings, Date.now, silentLogger);
  fixture.target.double.clearRequests();
});
afterEach(async () => {
  client.close();
  await fixture.target.stop();
});

const read = () => session.send({ method: 'GET', path: `${fixture.kvMount}/data/app`, namespace: '' });

it('a request in flight is aborted, not retried; the token is revoked; no login happens again', async () => {
  const counts = vaultCounts(fixture.target.double, fixture.kvMount);
  await expect(read()).resolves.toMatchObject({ status: 200 });
  fixture.target.double.faults.add({ match: { method: 'GET' }, kind: 'hang' });
  const inFlight = read().catch((e: unknown) => e);
  while (counts.reads() < 2) await new Promise((r) => setTimeout(r, 5));
  const started = Date.now();
  await session.retire();
  expect(await inFlight).toMatchObject({ failure: 'aborted' });
  expect(Date.now() - started).toBeLessThan(1_000);
  fixture.target.double.faults.clear();
  await expect(read()).rejects.toThrow(/was closed or replaced by an edit, and no longer logs in/);
  await expect(session.loginNow()).rejects.toThrow(/no longer logs in/);
  expect(counts.reads()).toBe(2);
  expect(counts.logins()).toBe(1);
  expect(counts.revocations()).toBe(1);
});

it('a login in flight at retire is aborted and refused', async () => {
  fixture.target.double.setLatency(150);
  const login = session.loginNow().then(() => 'logged in', () => 'refused');
  await new Promise((r) => setTimeout(r, 20));
  await session.retire();
  expect(await login).toBe('refused');
  fixture.target.double.setLatency(0);
});

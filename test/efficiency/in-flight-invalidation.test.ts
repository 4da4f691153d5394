/**
 * An invalidate or disconnect that arrives while a read is in flight is not lost: the value that
 * read brings back is never served after, and the next resolve reads Vault and returns the value
 * Vault holds now. (lru-cache's `keys()` skips entries still being fetched, so deleting keys could
 * not do this; the per-connection epoch in every cache key does.)
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { VaultDouble } from '../../src/testing/vault-double';
import { startProvisionedDouble } from '../support/fixtures';
import type { VaultTarget } from '../support/vault-target';
import { ManualClock, manualClock, vaultCounts, VaultCounts } from '../support/vault-counts';

const OLD = 'read-before-the-invalidate';
const NEW = 'written-after-the-invalidate';
const SLOW_MS = 300;
const TTL_S = 60;

let target: VaultTarget & { double: VaultDouble };
let kvMount: string;
let config: HashicorpVaultConfig;
let counts: VaultCounts;
let clock: ManualClock;
let provider: HashicorpVaultProvider;

beforeAll(async () => {
  ({ target, kvMount, config } = await startProvisionedDouble());
  config = { ...config, cacheTtlSeconds: TTL_S };
  counts = vaultCounts(target.double, kvMount);
});
afterAll(async () => target.stop());
beforeEach(async () => {
  clock = manualClock();
  provider = createHashicorpVaultProvider({ now: clock.now, retry: { maxAttempts: 1 } });
  await target.admin.putKv2(kvMount, 'app/cfg', { key: OLD });
  target.double.clearRequests();
});
afterEach(async () => {
  target.double.faults.clear();
  target.double.setLatency(0);
  await provider.close();
});

const path = () => `${kvMount}/data/app/cfg/key`;
const resolve = () => provider.resolve({ connectionId: 'c1', config, path: path() });
const slowReads = () => target.double.faults.add({ kind: 'delay', delayMs: SLOW_MS, times: 1, match: { method: 'GET', path: `/v1/${kvMount}/data/app/cfg` } });

/** Resolves once the double has received `n` reads of the secret (the read is then in flight). */
async function readsArrived(n: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (counts.reads('app/cfg') < n) {
    if (Date.now() > deadline) throw new Error(`Vault did not receive ${n} reads`);
    await new Promise((done) => setTimeout(done, 5));
  }
}

/** After the drop, Vault gets the new value; the next resolve must ask Vault and return it. */
async function expectNextResolveReadsVault(): Promise<void> {
  await target.admin.putKv2(kvMount, 'app/cfg', { key: NEW });
  const before = counts.reads('app/cfg');
  expect(provider.resolveFromCache({ connectionId: 'c1', config, path: path() })).toBeUndefined();
  await expect(resolve()).resolves.toBe(NEW);
  expect(counts.reads('app/cfg')).toBe(before + 1);
}

describe.each([
  ['invalidate({ connectionId })', () => provider.invalidate({ connectionId: 'c1' })],
  ['invalidate()', () => provider.invalidate()],
  ['disconnect', () => void provider.disconnect({ connectionId: 'c1' })],
])('%s during a slow read', (_name, drop) => {
  it('of a value never read before: the value it brings back is not kept', async () => {
    slowReads();
    const inFlight = resolve();
    await readsArrived(1);
    drop();
    // Its own waiters may get what it read (they asked before the drop); a disconnect may fail it.
    await inFlight.catch(() => undefined);
    await expectNextResolveReadsVault();
  });

  it('refreshing an expired value: the value it brings back is not kept', async () => {
    await expect(resolve()).resolves.toBe(OLD);
    clock.advance((TTL_S + 1) * 1000);
    slowReads();
    const inFlight = resolve();
    await readsArrived(2);
    drop();
    await inFlight.catch(() => undefined);
    await expectNextResolveReadsVault();
  });

  it('that fails: the dropped value is not served stale, and the next resolve reads Vault', async () => {
    await expect(resolve()).resolves.toBe(OLD);
    clock.advance((TTL_S + 1) * 1000); // expired, inside the stale-if-error window
    target.double.setLatency(SLOW_MS);
    target.double.faults.add({ kind: 'status', status: 502, times: 1, match: { method: 'GET', path: `/v1/${kvMount}/data/app/cfg` } });
    const inFlight = resolve();
    await readsArrived(2);
    drop();
    await expect(inFlight).rejects.toThrow();
    target.double.setLatency(0);
    await expectNextResolveReadsVault();
  });
});

it('a resolve that starts after the invalidate, while the old read is still in flight, reads Vault again', async () => {
  slowReads();
  const inFlight = resolve();
  await readsArrived(1);
  provider.invalidate({ connectionId: 'c1' });
  const after = resolve();
  await expect(inFlight).resolves.toBe(OLD);
  await expect(after).resolves.toBe(OLD); // the double answered both from the same stored version
  expect(counts.reads('app/cfg')).toBe(2);
});

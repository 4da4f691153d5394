/**
 * Refresh-ahead: a hit in the last part of a value's TTL (default the last 10 %) serves the cached
 * value at once and refreshes it in the background, one read however many hits, so under steady
 * traffic no resolve waits for Vault when the TTL ends. A failed refresh keeps the value to its
 * TTL; an invalidate still drops it at once. Time is an injected clock; Vault's read is slowed.
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { VaultDouble } from '../../src/testing/vault-double';
import { startProvisionedDouble } from '../support/fixtures';
import type { VaultTarget } from '../support/vault-target';
import { ManualClock, manualClock, vaultCounts, VaultCounts } from '../support/vault-counts';

const TTL_S = 10;
const SLOW_MS = 200;
const OLD = 'first-value';
const NEW = 'second-value';

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
afterEach(async () => {
  target.double.faults.clear();
  await provider.close();
});

const path = () => `${kvMount}/data/app/cfg/key`;
const input = () => ({ connectionId: 'c1', config, path: path() });
const reads = () => counts.reads('app/cfg');
const slowReads = (times = 1) => target.double.faults.add({ kind: 'delay', delayMs: SLOW_MS, times, match: { method: 'GET', path: `/v1/${kvMount}/data/app/cfg` } });

/** A provider that has read OLD at time 0; Vault now holds NEW. */
async function start(options: { refreshAheadFraction?: number } = {}): Promise<void> {
  clock = manualClock();
  provider = createHashicorpVaultProvider({ now: clock.now, retry: { maxAttempts: 1 }, ...options });
  await target.admin.putKv2(kvMount, 'app/cfg', { key: OLD });
  await expect(provider.resolve(input())).resolves.toBe(OLD);
  await target.admin.putKv2(kvMount, 'app/cfg', { key: NEW });
  target.double.clearRequests();
}

/** Waits (real time) until the synchronous cache lookup gives `value`. */
async function cachedBecomes(value: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (provider.resolveFromCache(input()) !== value) {
    if (Date.now() > deadline) throw new Error(`the cached value did not become ${value}`);
    await new Promise((done) => setTimeout(done, 5));
  }
}

/** Waits (real time) until the double has received `n` reads of the secret. */
async function readsArrived(n: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (reads() < n) {
    if (Date.now() > deadline) throw new Error(`Vault did not receive ${n} reads`);
    await new Promise((done) => setTimeout(done, 5));
  }
}

const settled = () => new Promise((done) => setTimeout(done, SLOW_MS + 100));

it('a hit in the last 10 % of the TTL is served at once and refreshes the value in the background', async () => {
  await start();
  slowReads();
  clock.advance(TTL_S * 1000 * 0.95);
  const started = Date.now();
  await expect(provider.resolve(input())).resolves.toBe(OLD);
  expect(Date.now() - started).toBeLessThan(SLOW_MS); // did not wait for the slow read
  await readsArrived(1);
  await cachedBecomes(NEW);
  // Past the first TTL: the refreshed value is there, synchronously, and Vault is not asked again.
  clock.advance(TTL_S * 1000 * 0.1);
  expect(provider.resolveFromCache(input())).toBe(NEW);
  expect(reads()).toBe(1);
});

it('before the last 10 % a hit does not refresh', async () => {
  await start();
  clock.advance(TTL_S * 1000 * 0.85);
  await expect(provider.resolve(input())).resolves.toBe(OLD);
  expect(provider.resolveFromCache(input())).toBe(OLD);
  await settled();
  expect(reads()).toBe(0);
});

it('many hits in the window make one refresh (single-flight), the warm path included', async () => {
  await start();
  slowReads();
  clock.advance(TTL_S * 1000 * 0.95);
  const values = await Promise.all(Array.from({ length: 20 }, () => provider.resolve(input())));
  for (let i = 0; i < 20; i++) expect(provider.resolveFromCache(input())).toBe(OLD);
  expect(new Set(values)).toEqual(new Set([OLD]));
  await cachedBecomes(NEW);
  expect(reads()).toBe(1);
});

it('refreshAheadFraction: 0 turns it off', async () => {
  await start({ refreshAheadFraction: 0 });
  clock.advance(TTL_S * 1000 * 0.99);
  await expect(provider.resolve(input())).resolves.toBe(OLD);
  await settled();
  expect(reads()).toBe(0);
});

it('refreshAheadFraction: 0.5 refreshes from half the TTL', async () => {
  await start({ refreshAheadFraction: 0.5 });
  clock.advance(TTL_S * 1000 * 0.55);
  await expect(provider.resolve(input())).resolves.toBe(OLD);
  await cachedBecomes(NEW);
  expect(reads()).toBe(1);
});

it('a failed refresh keeps serving the value to its TTL and is not retried on every hit', async () => {
  await start();
  target.double.faults.add({ kind: 'status', status: 502, match: { method: 'GET', path: `/v1/${kvMount}/data/app/cfg` } });
  clock.advance(TTL_S * 1000 * 0.92);
  await expect(provider.resolve(input())).resolves.toBe(OLD);
  await settled();
  for (let i = 0; i < 10; i++) await expect(provider.resolve(input())).resolves.toBe(OLD);
  await settled();
  expect(reads()).toBe(1);
  expect(provider.resolveFromCache(input())).toBe(OLD);
});

it('an invalidate during a background refresh drops the value at once, and the refresh does not bring it back', async () => {
  await start();
  slowReads();
  clock.advance(TTL_S * 1000 * 0.95);
  await expect(provider.resolve(input())).resolves.toBe(OLD);
  await readsArrived(1); // the refresh is in flight
  provider.invalidate({ connectionId: 'c1' });
  expect(provider.resolveFromCache(input())).toBeUndefined();
  await settled(); // the refresh has finished
  await target.admin.putKv2(kvMount, 'app/cfg', { key: 'third-value' });
  await expect(provider.resolve(input())).resolves.toBe('third-value');
  expect(reads()).toBe(2);
});

it('no value is refreshed for a connection that was disconnected meanwhile', async () => {
  await start();
  slowReads();
  clock.advance(TTL_S * 1000 * 0.95);
  await expect(provider.resolve(input())).resolves.toBe(OLD);
  await provider.disconnect({ connectionId: 'c1' });
  await settled();
  expect(provider.resolveFromCache(input())).toBeUndefined();
});

/**
 * The cache is bounded in bytes: entries are weighed by an estimate of the heap they keep (not by
 * their JSON length), all connections together stay under `maxCacheBytes`, one connection under
 * its share, and entries past TTL + stale window are dropped. Heap is measured with V8's gc
 * (exposed at run time), after a full collection, as the growth over a baseline taken once the
 * double holds the secrets: what the provider keeps.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { VaultDouble } from '../../src/testing/vault-double';
import { startProvisionedDouble } from '../support/fixtures';
import type { VaultTarget } from '../support/vault-target';
import { ManualClock, manualClock, vaultCounts, VaultCounts } from '../support/vault-counts';

const MIB = 2 ** 20;
const CACHE_BYTES = 16 * MIB;
/** Under a 1 MiB body cap too: `[{},{},…]`, 2 bytes of JSON and ~60 bytes of heap per element. */
const HOSTILE_ELEMENTS = 150_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

let target: VaultTarget & { double: VaultDouble };
let kvMount: string;
let config: HashicorpVaultConfig;
let counts: VaultCounts;
let clock: ManualClock;
let provider: HashicorpVaultProvider;

beforeAll(async () => {
  ({ target, kvMount, config } = await startProvisionedDouble({ provision: { role: { token_ttl: '24h', token_max_ttl: '24h' } } }));
  counts = vaultCounts(target.double, kvMount);
});
afterAll(async () => target.stop());
beforeEach(() => {
  clock = manualClock();
  target.double.clearRequests();
});
afterEach(async () => provider.close());

const resolve = (connectionId: string, secret: string, key = 'small') => provider.resolve({ connectionId, config, path: `${kvMount}/data/${secret}/${key}` });

it('ten hostile answers of tiny elements, read by ten connections: heap stays within the cache bound + 16 MiB', async () => {
  provider = createHashicorpVaultProvider({ now: clock.now, maxCacheBytes: CACHE_BYTES });
  await target.admin.putKv2(kvMount, 'hostile', { small: 'ok', filler: new Array(HOSTILE_ELEMENTS).fill({}) });
  const before = heapAfterGc();
  for (let i = 0; i < 10; i++) await expect(resolve(`tenant-${i}`, 'hostile')).resolves.toBe('ok');
  const grown = heapAfterGc() - before;
  expect(grown).toBeLessThanOrEqual(CACHE_BYTES + 16 * MIB);
  // Each answer is larger than a connection's share: served, not kept.
  await resolve('tenant-0', 'hostile');
  expect(counts.reads('hostile')).toBe(11);
});

it('one connection cannot evict the others: it is held to its share of the bytes', async () => {
  provider = createHashicorpVaultProvider({ now: clock.now, maxCacheBytes: CACHE_BYTES });
  const big = 'x'.repeat(100_000); // ~200 KB each as estimated
  await target.admin.putKv2(kvMount, 'quiet/one', { small: 'QUIET-VALUE-5k' });
  for (let i = 0; i < 100; i++) await target.admin.putKv2(kvMount, `noisy/${i}`, { small: `n${i}`, big });
  await resolve('quiet', 'quiet/one');
  for (let i = 0; i < 100; i++) await resolve('noisy', `noisy/${i}`); // 20 MB: more than the whole cache
  await expect(resolve('quiet', 'quiet/one')).resolves.toBe('QUIET-VALUE-5k');
  expect(counts.reads('quiet/one')).toBe(1);
  // The noisy connection kept its newest secrets, and had to drop its oldest.
  await resolve('noisy', 'noisy/99');
  expect(counts.reads('noisy/99')).toBe(1);
  await resolve('noisy', 'noisy/0');
  expect(counts.reads('noisy/0')).toBe(2);
});

it('values past TTL + stale window are let go, without anyone asking for them again', async () => {
  provider = createHashicorpVaultProvider({ now: clock.now, staleIfErrorSeconds: 60 });
  const connection = { ...config, cacheTtlSeconds: 1 };
  for (let i = 0; i < 10; i++) await target.admin.putKv2(kvMount, `expiring/${i}`, { small: `e${i}`, big: `${i}`.repeat(1_000_000) });
  await target.admin.putKv2(kvMount, 'other', { small: 'OTHER-VALUE-6k' });
  const before = heapAfterGc();
  for (let i = 0; i < 10; i++) await provider.resolve({ connectionId: 'c1', config: connection, path: `${kvMount}/data/expiring/${i}/small` });
  expect(heapAfterGc() - before).toBeGreaterThan(6 * MIB); // they are cached
  clock.advance(2 * 60_000); // past TTL + stale window
  await provider.resolve({ connectionId: 'c1', config: connection, path: `${kvMount}/data/other/small` }); // any cold read
  expect(heapAfterGc() - before).toBeLessThan(3 * MIB);
});

it('a value is served from the cache while well under the bounds', async () => {
  provider = createHashicorpVaultProvider({ now: clock.now });
  await target.admin.putKv2(kvMount, 'normal', { small: 'v', more: 'w'.repeat(10_000) });
  await resolve('c1', 'normal');
  await resolve('c1', 'normal', 'more');
  expect(counts.reads('normal')).toBe(1);
});

it('rejects options that are not positive integers with a clear error', () => {
  expect(() => createHashicorpVaultProvider({ maxCacheBytes: 0 })).toThrow(/maxCacheBytes must be a positive integer/);
  expect(() => createHashicorpVaultProvider({ maxConnections: 1.5 })).toThrow(/maxConnections must be a positive integer/);
  expect(() => createHashicorpVaultProvider({ refreshAheadFraction: 2 })).toThrow(/refreshAheadFraction/);
  provider = createHashicorpVaultProvider();
});

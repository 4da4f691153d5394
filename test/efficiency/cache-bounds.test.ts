/**
 * The secret cache is bounded: at most `maxCacheEntries` whole secrets (least recently used go
 * first), each kept for the connection's cache TTL (default 1 hour). Counted at the double, with
 * an injected clock.
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { ManualClock, manualClock, vaultCounts, VaultCounts } from '../support/vault-counts';
import { startDouble, VaultTarget } from '../support/vault-target';
import { connectionConfig } from '../support/fixtures';

const MINUTE = 60_000;

let clock: ManualClock;
let target: VaultTarget & { double: VaultDouble };
let kvMount: string;
let config: HashicorpVaultConfig;
let counts: VaultCounts;
let provider: HashicorpVaultProvider | undefined;

beforeAll(async () => {
  clock = manualClock();
  target = await startDouble({ now: clock.now });
  // Tokens outlive every clock jump below, so only the cache decides when Vault is read.
  const setup = await provisionAppRole(target.admin, { role: { token_ttl: '24h', token_max_ttl: '24h' } });
  kvMount = setup.kvMount;
  config = connectionConfig(target.url, setup);
  for (let i = 0; i < 4; i++) await target.admin.putKv2(kvMount, `s${i}`, { v: `value-${i}` });
  counts = vaultCounts(target.double, kvMount);
});
afterAll(async () => target.stop());
beforeEach(() => target.double.clearRequests());
afterEach(async () => provider?.close());

const resolve = (i: number, connectionConfig = config) => provider!.resolve({ connectionId: 'c1', config: connectionConfig, path: `${kvMount}/data/s${i}/v` });

it('keeps at most maxCacheEntries secrets, dropping the least recently used', async () => {
  provider = createHashicorpVaultProvider({ now: clock.now, maxCacheEntries: 3 });
  for (const i of [0, 1, 2]) await resolve(i);
  await resolve(0); // s0 is now the most recently used; s1 the least
  await resolve(3); // evicts s1
  expect(counts.reads()).toBe(4);
  await resolve(0);
  await resolve(2);
  await resolve(3);
  expect(counts.reads()).toBe(4);
  await expect(resolve(1)).resolves.toBe('value-1');
  expect(counts.reads('s1')).toBe(2);
});

it('keeps a secret for 1 hour by default, then reads it again', async () => {
  provider = createHashicorpVaultProvider({ now: clock.now });
  await resolve(0);
  clock.advance(53 * MINUTE); // before the last 10 % of the TTL, where a hit refreshes ahead
  await resolve(0);
  expect(counts.reads()).toBe(1);
  clock.advance(8 * MINUTE);
  await resolve(0);
  expect(counts.reads()).toBe(2);
  expect(counts.logins()).toBe(1);
});

it('follows the connection cacheTtlSeconds option', async () => {
  provider = createHashicorpVaultProvider({ now: clock.now });
  const shortLived = { ...config, cacheTtlSeconds: 30 };
  await resolve(0, shortLived);
  clock.advance(20_000);
  await resolve(0, shortLived);
  expect(counts.reads()).toBe(1);
  clock.advance(15_000);
  await resolve(0, shortLived);
  expect(counts.reads()).toBe(2);
});

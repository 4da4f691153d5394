/**
 * The refresh icon in adapter mode. The server keeps its own (Redis) cache in front of the adapter
 * and the icon clears only that one; so the adapter's own value cache is a short coalescing window
 * (DEFAULT_ADAPTER_CACHE_TTL_SECONDS), and `adapter.invalidate()` drops it at once. The server's
 * cache is a Map here, in front of the adapter as in the server; time is an injected clock.
 */
import { ActivepiecesSecretManagerProvider, createHashicorpVaultProvider, HashicorpVaultProvider, toActivepiecesSecretManagerProvider } from '../../src';
import { DEFAULT_ADAPTER_CACHE_TTL_SECONDS } from '../../src/activepieces/server-adapter';
import type { VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { ManualClock, manualClock } from '../support/vault-counts';
import { startDouble, VaultTarget } from '../support/vault-target';

const OLD = 'value-before-the-edit';
const NEW = 'value-after-the-edit';

let target: VaultTarget & { double: VaultDouble };
let setup: Awaited<ReturnType<typeof provisionAppRole>>;
let formConfig: { url: string; roleId: string; secretId: string };
let clock: ManualClock;
let provider: HashicorpVaultProvider;
let adapter: ActivepiecesSecretManagerProvider;
/** The server's cache of resolved values, keyed by path (the refresh icon clears it). */
let serverCache: Map<string, string>;

const path = () => `${setup.kvMount}/data/crm/api_key`;
const reads = () => target.double.count({ method: 'GET', path: `/v1/${setup.kvMount}/data/crm`, admin: false });

/** The server's read: its own cache first, the adapter on a miss. */
async function serverRead(): Promise<string> {
  const cached = serverCache.get(path());
  if (cached !== undefined) return cached;
  const value = await adapter.getSecret({ path: path() }, { ...formConfig });
  serverCache.set(path(), value);
  return value;
}

beforeAll(async () => {
  target = await startDouble();
  setup = await provisionAppRole(target.admin, { approleMount: 'approle' });
  formConfig = { url: target.url, roleId: setup.credentials.roleId, secretId: setup.credentials.secretId };
});
afterAll(async () => target.stop());
beforeEach(async () => {
  clock = manualClock();
  provider = createHashicorpVaultProvider({ now: clock.now });
  serverCache = new Map();
  await target.admin.putKv2(setup.kvMount, 'crm', { api_key: OLD });
  target.double.clearRequests();
});
afterEach(async () => provider.close());

it('the window is at most 5 s', () => {
  expect(DEFAULT_ADAPTER_CACHE_TTL_SECONDS).toBeGreaterThan(0);
  expect(DEFAULT_ADAPTER_CACHE_TTL_SECONDS).toBeLessThanOrEqual(5);
});

it('after the server clears its cache, a read just past the window gets the value Vault has now', async () => {
  adapter = toActivepiecesSecretManagerProvider(provider);
  await expect(serverRead()).resolves.toBe(OLD);
  await target.admin.putKv2(setup.kvMount, 'crm', { api_key: NEW });
  serverCache.clear(); // the refresh icon
  clock.advance(DEFAULT_ADAPTER_CACHE_TTL_SECONDS * 1000 + 1);
  await expect(serverRead()).resolves.toBe(NEW);
  expect(reads()).toBe(2);
});

it('inside the window, reads coalesce: one Vault read serves them', async () => {
  adapter = toActivepiecesSecretManagerProvider(provider);
  await Promise.all([serverRead(), adapter.getSecret({ path: path() }, { ...formConfig })]);
  serverCache.clear();
  clock.advance(DEFAULT_ADAPTER_CACHE_TTL_SECONDS * 1000 * 0.5);
  await expect(serverRead()).resolves.toBe(OLD);
  expect(reads()).toBe(1);
});

it('adapter.invalidate() makes the new value immediate', async () => {
  adapter = toActivepiecesSecretManagerProvider(provider);
  await expect(serverRead()).resolves.toBe(OLD);
  await target.admin.putKv2(setup.kvMount, 'crm', { api_key: NEW });
  serverCache.clear();
  adapter.invalidate();
  await expect(serverRead()).resolves.toBe(NEW);
  expect(reads()).toBe(2);
});

it('defaults.cacheTtlSeconds still sets the adapter cache TTL', async () => {
  adapter = toActivepiecesSecretManagerProvider(provider, { defaults: { cacheTtlSeconds: 600 } });
  await expect(serverRead()).resolves.toBe(OLD);
  await target.admin.putKv2(setup.kvMount, 'crm', { api_key: NEW });
  serverCache.clear();
  clock.advance(DEFAULT_ADAPTER_CACHE_TTL_SECONDS * 1000 + 1);
  await expect(serverRead()).resolves.toBe(OLD);
  expect(reads()).toBe(1);
});

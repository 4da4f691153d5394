/**
 * Stale-if-error: a value whose cache TTL has passed is served while Vault fails transiently, for
 * at most `staleIfErrorSeconds` after the TTL, with a warning that carries no value. Never after
 * invalidate or disconnect, never for another config of the connection. (403/404 and every fault
 * kind: see fault-matrix.test.ts.) Time is the provider's injected clock.
 */
import { createHashicorpVaultProvider, DEFAULT_STALE_IF_ERROR_SECONDS, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { VaultDouble } from '../../src/testing/vault-double';
import { CapturingLogger } from '../support/capturing-logger';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';

const TTL_S = 60;
/** The value read before Vault failed, and the one written meanwhile. */
const OLD = 'value-read-before-the-failure';
const NEW = 'value-written-meanwhile';
const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 };

let target: VaultTarget & { double: VaultDouble };
let setup: Awaited<ReturnType<typeof provisionAppRole>>;
let config: HashicorpVaultConfig;
let path: string;
let clock: number;
let logger: CapturingLogger;
let provider: HashicorpVaultProvider;

const reads = () => target.double.count({ method: 'GET', path: new RegExp(`^/v1/${setup.kvMount}/`), admin: false });
const resolve = (cfg = config, connectionId = 'c1') => provider.resolve({ connectionId, config: cfg, path });
const advance = (seconds: number) => {
  clock += seconds * 1000;
};
/** KV reads and logins answer 502 (the test's own admin requests still go through). */
const vaultFails = () => {
  target.double.faults.add({ kind: 'status', status: 502, match: { method: 'GET', path: new RegExp(`^/v1/${setup.kvMount}/`) } });
  target.double.faults.add({ kind: 'status', status: 502, match: { method: 'POST', path: /\/login$/ } });
};
const unavailable = { error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, params: { message: expect.stringMatching(/answered 502/) } } };

beforeAll(async () => {
  target = await startDouble();
  setup = await provisionAppRole(target.admin);
  config = { url: target.url, roleId: setup.credentials.roleId, secretId: setup.credentials.secretId, appRoleMount: setup.approleMount, cacheTtlSeconds: TTL_S };
  path = `${setup.kvMount}/data/app/cfg/key`;
});
afterAll(async () => target.stop());

async function start(options: { staleIfErrorSeconds?: number } = {}): Promise<void> {
  target.double.faults.clear();
  clock = Date.parse('2030-01-01T00:00:00Z');
  logger = new CapturingLogger();
  provider = createHashicorpVaultProvider({ logger, now: () => clock, retry: FAST_RETRY, ...options });
  await target.admin.putKv2(setup.kvMount, 'app/cfg', { key: OLD });
  await expect(resolve()).resolves.toBe(OLD);
  await target.admin.putKv2(setup.kvMount, 'app/cfg', { key: NEW });
  target.double.clearRequests();
  logger.clear();
}

afterEach(async () => {
  target.double.faults.clear();
  target.double.setLatency(0);
  await provider.close();
});

it('serves the cached value, without asking Vault, while its TTL lasts', async () => {
  await start();
  vaultFails();
  advance(TTL_S - 1);
  await expect(resolve()).resolves.toBe(OLD);
  expect(reads()).toBe(0);
});

it(`serves the stale value for ${DEFAULT_STALE_IF_ERROR_SECONDS} s after the TTL by default, then fails`, async () => {
  await start();
  vaultFails();
  advance(TTL_S + 1);
  await expect(resolve()).resolves.toBe(OLD);
  advance(DEFAULT_STALE_IF_ERROR_SECONDS - 2);
  await expect(resolve()).resolves.toBe(OLD);
  advance(2);
  await expect(resolve()).rejects.toMatchObject(unavailable);
});

it('the window follows staleIfErrorSeconds, and 0 turns stale-if-error off', async () => {
  await start({ staleIfErrorSeconds: 30 });
  vaultFails();
  advance(TTL_S + 29);
  await expect(resolve()).resolves.toBe(OLD);
  advance(2);
  await expect(resolve()).rejects.toMatchObject(unavailable);
  await provider.close();

  await start({ staleIfErrorSeconds: 0 });
  vaultFails();
  advance(TTL_S + 1);
  await expect(resolve()).rejects.toMatchObject(unavailable);
});

it('says so in a warning without the value, and asks Vault again every few seconds, not on every call', async () => {
  await start();
  vaultFails();
  advance(TTL_S + 10);
  await expect(resolve()).resolves.toBe(OLD);
  const [warning, ...more] = logger.find(/stale-if-error/);
  expect(more).toHaveLength(0);
  expect(warning.level).toBe('warn');
  expect(warning.fields).toMatchObject({ connectionId: 'c1', ageSeconds: TTL_S + 10 });
  expect(JSON.stringify(warning)).not.toContain(OLD);
  const readsWhileFailing = reads();
  expect(readsWhileFailing).toBe(FAST_RETRY.maxAttempts);

  advance(1);
  await expect(resolve()).resolves.toBe(OLD);
  expect(reads()).toBe(readsWhileFailing);

  target.double.faults.clear();
  advance(5);
  await expect(resolve()).resolves.toBe(NEW);
  expect(reads()).toBe(readsWhileFailing + 1);
});

it('never after invalidate', async () => {
  await start();
  vaultFails();
  advance(TTL_S + 1);
  provider.invalidate({ connectionId: 'c1' });
  await expect(resolve()).rejects.toMatchObject(unavailable);
});

it('never after invalidate of all connections', async () => {
  await start();
  vaultFails();
  advance(TTL_S + 1);
  provider.invalidate();
  await expect(resolve()).rejects.toMatchObject(unavailable);
});

it('never after disconnect', async () => {
  await start();
  advance(TTL_S + 1);
  await provider.disconnect({ connectionId: 'c1' });
  vaultFails();
  await expect(resolve()).rejects.toMatchObject({ error: { code: ErrorCode.SECRET_MANAGER_CONNECTION_FAILED, params: { message: expect.stringMatching(/answered 502/) } } });
});

it('never when the invalidate comes while the failing read is in flight', async () => {
  await start();
  target.double.setLatency(100);
  vaultFails();
  advance(TTL_S + 1);
  const pending = resolve();
  await new Promise((r) => setTimeout(r, 20)); // the read is now waiting on Vault
  expect(target.double.requests.some((r) => r.status === 0)).toBe(true);
  provider.invalidate({ connectionId: 'c1' });
  await expect(pending).rejects.toMatchObject(unavailable);
});

it('never for an edited config of the same connection', async () => {
  await start();
  vaultFails();
  advance(TTL_S + 1);
  await expect(resolve({ ...config, namespace: '', appRoleMount: `${setup.approleMount}/` })).resolves.toBe(OLD); // same values, normalised: same fingerprint
  const secretId = await target.admin.newSecretId(setup.approleMount, setup.roleName);
  await expect(resolve({ ...config, secretId })).rejects.toMatchObject({ error: { code: ErrorCode.SECRET_MANAGER_CONNECTION_FAILED } });
});

it('never for another connection with the same config', async () => {
  await start();
  vaultFails();
  advance(TTL_S + 1);
  await expect(resolve(config, 'c2')).rejects.toMatchObject({ error: { code: ErrorCode.SECRET_MANAGER_CONNECTION_FAILED } });
  await expect(resolve(config, 'c1')).resolves.toBe(OLD);
});

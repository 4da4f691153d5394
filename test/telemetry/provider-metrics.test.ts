/**
 * The provider's telemetry end to end: a provider against the Vault double reports to a real
 * OpenTelemetry SDK (in memory) what happened — resolves by outcome, Vault requests by endpoint
 * kind and status with their durations, logins, renewals, lockout backoffs, invalidations, cache
 * gauges, one span per request — and nothing of the secrets, paths or credentials involved.
 */
import { inspect } from 'node:util';
import { metrics, trace } from '@opentelemetry/api';
import type { BatchObservableCallbackLike, HashicorpVaultConfig, HashicorpVaultProvider, MeterLike, MeterProviderLike } from '../../src';
import { createHashicorpVaultProvider, INSTRUMENTS } from '../../src';
import type { VaultDouble } from '../../src/testing/vault-double';
import type { VaultAdmin } from '../../src/testing/vault-admin';
import { connectionConfig, startProvisionedDouble } from '../support/fixtures';
import { RedisReplicas, TEST_ENCRYPTION_KEY } from '../support/redis-layers';
import { describeWithRedis, RedisServer } from '../support/redis-server';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { planted, provisionPlantedAppRole } from '../security/planted';
import { histogramAt, OtelHarness, pointsOf, startOtelHarness, valueAt } from './otel-harness';

const OUTCOME = 'vault.resolve.outcome';
const HOUR_MS = 3_600_000;
const ENDPOINTS = new Set(['login', 'renew', 'revoke', 'read', 'mounts', 'health', 'lookup', 'other']);

const request = (endpoint: string, status: number) => ({
  'vault.endpoint': endpoint,
  'vault.status_class': `${String(status)[0]}xx`,
  'http.response.status_code': status,
});

describe('a provider reporting to an in-memory OpenTelemetry SDK', () => {
  let clockMs = Date.now();
  const now = () => clockMs;
  let double: VaultDouble;
  let admin: VaultAdmin;
  let kvMount: string;
  let config: HashicorpVaultConfig;
  let otel: OtelHarness;
  let provider: HashicorpVaultProvider;
  const secretValue = planted('value');
  const otherValue = planted('value');
  const secretName = planted('path');
  const wrongSecretId = planted('secretid');
  let credentials: string[];

  const path = (key: string, name = secretName) => `${kvMount}/data/${name}/${key}`;
  const vaultRequests = () => double.count({ admin: false });
  /** What the double saw, as the requests counter should show it (kinds classified here, from the paths this test causes). */
  const answeredByDouble = () => {
    const counts = new Map<string, { attributes: Record<string, unknown>; value: number }>();
    for (const r of double.requests.filter((q) => !q.admin)) {
      const attributes = request(kindOfPath(r.method, r.path), r.status);
      const key = JSON.stringify(attributes);
      counts.set(key, { attributes, value: (counts.get(key)?.value ?? 0) + 1 });
    }
    return [...counts.values()];
  };
  const kindOfPath = (method: string, p: string): string => {
    if (p.endsWith('/login')) return 'login';
    if (p === '/v1/auth/token/renew-self') return 'renew';
    if (p.startsWith('/v1/sys/internal/ui/mounts') || p === '/v1/sys/mounts') return 'mounts';
    if (method === 'GET' && p.startsWith(`/v1/${kvMount}/`)) return 'read';
    throw new Error(`a request this test did not expect: ${method} ${p}`);
  };

  beforeAll(async () => {
    const vault = await startProvisionedDouble({ double: { now } });
    ({ double, admin } = vault.target);
    const setup = await provisionPlantedAppRole(admin);
    kvMount = setup.kvMount;
    config = connectionConfig(double.url, setup, { cacheTtlSeconds: 60 });
    credentials = [setup.credentials.roleId, setup.credentials.secretId, wrongSecretId];
    await admin.putKv2(kvMount, secretName, { api_key: secretValue, other: otherValue });
    double.clearRequests();
    otel = startOtelHarness();
    provider = createHashicorpVaultProvider({ now, retry: { maxAttempts: 1 }, telemetry: { meterProvider: otel.meterProvider, tracerProvider: otel.tracerProvider } });
  });

  afterAll(async () => {
    await provider.close();
    await otel.shutdown();
    await double.stop();
  });

  it('counts each resolve by outcome, and every login, renewal, backoff and Vault request', async () => {
    const resolve = (p: string, connectionId = 'c1', cfg = config) => provider.resolve({ connectionId, config: cfg, path: p });
    expect(await resolve(path('api_key'))).toBe(secretValue); // miss: login, read
    expect(await resolve(path('api_key'))).toBe(secretValue); // warm-hit (resolve's first check)
    expect(provider.resolveFromCache({ connectionId: 'c1', config, path: path('api_key') })).toBe(secretValue); // warm-hit
    expect(provider.resolveFromCache({ connectionId: 'c1', config, path: path('nope', 'not-there') })).toBeUndefined(); // not a resolve
    expect(await resolve(path('other'))).toBe(otherValue); // hit: same secret, a path not located before
    await expect(resolve(path('key', 'not-there'))).rejects.toMatchObject({ error: { code: 'SECRET_MANAGER_GET_SECRET_FAILED' } }); // read 404

    // Past the 60 s TTL, Vault failing: the last value is served (stale-if-error).
    clockMs += 61_000;
    double.faults.add({ kind: 'status', status: 503, match: { method: 'GET', path: new RegExp(`^/v1/${kvMount}/data/`) }, times: 1 });
    expect(await resolve(path('api_key'))).toBe(secretValue);

    // Near the token's end (1 h lease, 60 s margin): the next read renews it first.
    clockMs += HOUR_MS - 61_000 - 30_000;
    expect(await resolve(path('api_key'))).toBe(secretValue); // miss: renew, read

    // A wrong Secret ID: rejected, then held back by the login backoff without asking Vault.
    const wrong = { ...config, secretId: wrongSecretId };
    await expect(resolve(path('api_key'), 'bad', wrong)).rejects.toMatchObject({ error: { code: 'SECRET_MANAGER_CONNECTION_FAILED' } });
    const beforeBackoff = vaultRequests();
    await expect(resolve(path('api_key'), 'bad', wrong)).rejects.toMatchObject({ error: { code: 'SECRET_MANAGER_CONNECTION_FAILED' } });
    expect(vaultRequests()).toBe(beforeBackoff);

    const metrics = await otel.collect();
    expect(pointsOf(metrics.get(INSTRUMENTS.resolves.name))).toEqual(
      expect.arrayContaining([
        { attributes: { [OUTCOME]: 'miss' }, value: 2 },
        { attributes: { [OUTCOME]: 'warm-hit' }, value: 2 },
        { attributes: { [OUTCOME]: 'hit' }, value: 1 },
        { attributes: { [OUTCOME]: 'stale' }, value: 1 },
        { attributes: { [OUTCOME]: 'error', 'error.type': 'SECRET_MANAGER_GET_SECRET_FAILED' }, value: 1 },
        { attributes: { [OUTCOME]: 'error', 'error.type': 'SECRET_MANAGER_CONNECTION_FAILED' }, value: 2 },
      ]),
    );
    expect(pointsOf(metrics.get(INSTRUMENTS.resolves.name))).toHaveLength(6);

    expect(pointsOf(metrics.get(INSTRUMENTS.logins.name))).toEqual(
      expect.arrayContaining([
        { attributes: { 'vault.login.outcome': 'success' }, value: 1 },
        { attributes: { 'vault.login.outcome': 'rejected' }, value: 1 },
      ]),
    );
    expect(pointsOf(metrics.get(INSTRUMENTS.logins.name))).toHaveLength(2);
    expect(pointsOf(metrics.get(INSTRUMENTS.renewals.name))).toEqual([{ attributes: { 'vault.renewal.outcome': 'success' }, value: 1 }]);
    expect(pointsOf(metrics.get(INSTRUMENTS.lockoutBackoffs.name))).toEqual([{ attributes: {}, value: 1 }]);

    const requests = metrics.get(INSTRUMENTS.requests.name);
    expect(valueAt(requests, request('login', 200))).toBe(1);
    expect(valueAt(requests, request('login', 400))).toBe(1);
    expect(valueAt(requests, request('read', 200))).toBe(2);
    expect(valueAt(requests, request('read', 503))).toBe(1);
    expect(valueAt(requests, request('renew', 200))).toBe(1);
    // Every request the double answered, counted once under its endpoint kind and status.
    const counted = pointsOf(requests);
    expect(counted).toEqual(expect.arrayContaining(answeredByDouble()));
    expect(counted).toHaveLength(answeredByDouble().length);
    // And timed once under the same attributes.
    for (const { attributes, value } of counted) {
      const histogram = histogramAt(metrics.get(INSTRUMENTS.requestDuration.name), attributes);
      expect(histogram?.count).toBe(value);
      expect(histogram!.min).toBeGreaterThanOrEqual(0);
      expect(histogram!.max).toBeLessThan(5); // seconds, not milliseconds
    }
  });

  it('makes one client span per Vault request, with its endpoint kind and answer', () => {
    const spans = otel.spans();
    expect(spans).toHaveLength(vaultRequests());
    for (const span of spans) {
      expect(span.name).toBe('vault.request');
      expect(ENDPOINTS.has(span.attributes['vault.endpoint'] as string)).toBe(true);
    }
    const notFound = spans.filter((s) => s.attributes['http.response.status_code'] === 404);
    expect(notFound).toHaveLength(double.requests.filter((r) => r.status === 404).length);
    expect(notFound[0].attributes).toEqual({ 'vault.endpoint': 'read', 'http.response.status_code': 404, 'error.type': '404' });
    expect(notFound[0].status.code).toBe(2); // SpanStatusCode.ERROR
    expect(spans.filter((s) => s.attributes['vault.endpoint'] === 'renew')).toHaveLength(1);
  });

  it('shows the cache in two gauges, and counts a local invalidation', async () => {
    let metrics = await otel.collect();
    expect(valueAt(metrics.get(INSTRUMENTS.cacheEntries.name), {})).toBe(1);
    expect(valueAt(metrics.get(INSTRUMENTS.cacheSize.name), {})).toBeGreaterThan(256);
    await provider.invalidate({ connectionId: 'c1' });
    metrics = await otel.collect();
    expect(pointsOf(metrics.get(INSTRUMENTS.invalidations.name))).toEqual([{ attributes: { 'vault.invalidation.source': 'local' }, value: 1 }]);
    expect(valueAt(metrics.get(INSTRUMENTS.cacheEntries.name), {})).toBe(0);
    expect(valueAt(metrics.get(INSTRUMENTS.cacheSize.name), {})).toBe(0);
  });

  it('reports no secret value, path, Role ID, Secret ID or token in any metric or span', async () => {
    const exported = [
      inspect(await otel.collectRaw(), { depth: null }),
      inspect(
        otel.spans().map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events, links: s.links, resource: s.resource.attributes })),
        { depth: null },
      ),
    ].join('\n');
    const tokens = double.issuedTokens();
    expect(tokens.length).toBeGreaterThan(0);
    for (const v of [secretValue, otherValue, secretName, kvMount, ...credentials, ...tokens]) expect(exported).not.toContain(v);
  });

  it('tells a login without an answer, a refused renewal and a renewal capped by the max TTL apart', async () => {
    const own = startOtelHarness();
    const outcomes = createHashicorpVaultProvider({ now, retry: { maxAttempts: 1 }, telemetry: { meterProvider: own.meterProvider } });
    const capped = await provisionAppRole(admin, { role: { token_ttl: '1h', token_max_ttl: '3630s' } });
    await admin.putKv2(capped.kvMount, 'app', { k: 'v' });
    const cappedConfig = connectionConfig(double.url, capped, { cacheTtlSeconds: 0 });
    const read = (connectionId: string, cfg: HashicorpVaultConfig, p: string) => outcomes.resolve({ connectionId, config: cfg, path: p });
    try {
      double.faults.add({ kind: 'refuse', match: { path: /\/login$/ }, times: 1 });
      await expect(read('down', config, path('api_key'))).rejects.toMatchObject({ error: { code: 'SECRET_MANAGER_CONNECTION_FAILED' } });
      expect(await read('down', { ...config, cacheTtlSeconds: 0 }, path('api_key'))).toBe(secretValue);
      expect(await read('capped', cappedConfig, `${capped.kvMount}/data/app/k`)).toBe('v');
      clockMs += HOUR_MS - 30_000;
      double.faults.add({ kind: 'status', status: 403, match: { path: '/v1/auth/token/renew-self' }, times: 1 });
      expect(await read('down', { ...config, cacheTtlSeconds: 0 }, path('api_key'))).toBe(secretValue); // refused, then a login
      expect(await read('capped', cappedConfig, `${capped.kvMount}/data/app/k`)).toBe('v'); // 60 s left of the max TTL: capped, then a login
      const metrics = await own.collect();
      expect(pointsOf(metrics.get(INSTRUMENTS.logins.name))).toEqual(
        expect.arrayContaining([
          { attributes: { 'vault.login.outcome': 'unavailable' }, value: 1 },
          { attributes: { 'vault.login.outcome': 'success' }, value: 4 },
        ]),
      );
      expect(pointsOf(metrics.get(INSTRUMENTS.renewals.name))).toEqual(
        expect.arrayContaining([
          { attributes: { 'vault.renewal.outcome': 'refused' }, value: 1 },
          { attributes: { 'vault.renewal.outcome': 'capped' }, value: 1 },
        ]),
      );
      expect(pointsOf(metrics.get(INSTRUMENTS.renewals.name))).toHaveLength(2);
    } finally {
      double.faults.clear();
      await outcomes.close();
      await own.shutdown();
    }
  });

  it('stops reporting the cache once closed', async () => {
    // A bare MeterProvider that shows each collection's observations (the SDK would keep the last value).
    const meter = observingMeter();
    const closing = createHashicorpVaultProvider({ telemetry: { meterProvider: meter.provider } });
    try {
      await closing.resolve({ connectionId: 'gauge', config, path: path('api_key') });
      expect(meter.collect().get(INSTRUMENTS.cacheEntries.name)).toBe(1);
      await closing.close();
      expect(meter.collect().has(INSTRUMENTS.cacheEntries.name)).toBe(false);
    } finally {
      await closing.close();
    }
  });
});

/** Instruments are tagged with their names; `collect()` runs the batch callbacks and returns value by name. */
function observingMeter(): { provider: MeterProviderLike; collect(): Map<string, number> } {
  const callbacks: BatchObservableCallbackLike[] = [];
  const instrument = (name: string) => ({ name, add: () => undefined, record: () => undefined });
  const meter: MeterLike = {
    createCounter: instrument,
    createHistogram: instrument,
    createObservableCounter: instrument,
    createObservableGauge: instrument,
    addBatchObservableCallback: (callback) => void callbacks.push(callback),
  };
  return {
    provider: { getMeter: () => meter },
    collect() {
      const seen = new Map<string, number>();
      for (const callback of callbacks) void callback({ observe: (observable, value) => seen.set((observable as { name: string }).name, value) });
      return seen;
    },
  };
}

describe('the default and `telemetry: false`', () => {
  it('reports to the global providers by default, and records nothing with false', async () => {
    const otel = startOtelHarness();
    metrics.setGlobalMeterProvider(otel.meterProvider);
    trace.setGlobalTracerProvider(otel.tracerProvider);
    const vault = await startProvisionedDouble();
    await vault.target.admin.putKv2(vault.kvMount, 'app', { k: 'v' });
    const off = createHashicorpVaultProvider({ telemetry: false });
    const byDefault = createHashicorpVaultProvider();
    try {
      const input = { connectionId: 'x', config: vault.config, path: `${vault.kvMount}/data/app/k` };
      expect(await off.resolve(input)).toBe('v');
      expect(otel.spans()).toHaveLength(0);
      expect(valueAt((await otel.collect()).get(INSTRUMENTS.resolves.name), { [OUTCOME]: 'miss' })).toBeUndefined();
      expect(await byDefault.resolve(input)).toBe('v');
      expect(otel.spans().length).toBeGreaterThan(0);
      expect(valueAt((await otel.collect()).get(INSTRUMENTS.resolves.name), { [OUTCOME]: 'miss' })).toBe(1);
    } finally {
      await Promise.all([off.close(), byDefault.close()]);
      metrics.disable();
      trace.disable();
      await otel.shutdown();
      await vault.target.stop();
    }
  });
});

describeWithRedis('telemetry with the shared tier', () => {
  it('counts an invalidation asked by another replica as remote', async () => {
    const server = await RedisServer.start();
    const inspector = new RedisReplicas(server);
    const vault = await startProvisionedDouble();
    await vault.target.admin.putKv2(vault.kvMount, 'app', { k: 'v' });
    const otel = startOtelHarness();
    const redis = { url: server.url, encryptionKey: TEST_ENCRYPTION_KEY, commandTimeoutMs: 200 };
    const watched = createHashicorpVaultProvider({ redis, telemetry: { meterProvider: otel.meterProvider } });
    const other = createHashicorpVaultProvider({ redis, telemetry: false });
    try {
      const input = { connectionId: 'shared', config: vault.config, path: `${vault.kvMount}/data/app/k` };
      expect(await watched.resolve(input)).toBe('v');
      expect(await other.resolve(input)).toBe('v');
      expect(await other.invalidate({ connectionId: 'shared' })).toEqual({ otherReplicasReached: true });
      const invalidations = async () => pointsOf((await otel.collect()).get(INSTRUMENTS.invalidations.name));
      const deadline = Date.now() + 5_000;
      while ((await invalidations()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await invalidations()).toEqual([{ attributes: { 'vault.invalidation.source': 'remote' }, value: 1 }]);
    } finally {
      await Promise.all([watched.close(), other.close()]);
      await otel.shutdown();
      await inspector.closeAll();
      await server.stop();
      await vault.target.stop();
    }
  });
});

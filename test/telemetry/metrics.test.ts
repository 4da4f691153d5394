/**
 * Each instrument records what it should, read back through the real OpenTelemetry metrics SDK.
 */
import { version as packageVersion } from '../../package.json';
import { createTelemetry, INSTRUMENTS, Telemetry } from '../../src/telemetry';
import { DataPointType, histogramAt, OtelHarness, pointsOf, startOtelHarness, valueAt } from './otel-harness';

let otel: OtelHarness;
let telemetry: Telemetry;
const noApi = () => {
  throw new Error('@opentelemetry/api must not be needed when providers are given');
};

beforeEach(() => {
  otel = startOtelHarness();
  telemetry = createTelemetry({ meterProvider: otel.meterProvider, tracerProvider: otel.tracerProvider }, noApi);
});
afterEach(() => otel.shutdown());

const OUTCOME = 'vault.resolve.outcome';

describe('resolves', () => {
  it('counts each outcome, and errors by code', async () => {
    for (let i = 0; i < 3; i++) telemetry.resolved('warm-hit');
    telemetry.resolved('hit');
    telemetry.resolved('miss');
    telemetry.resolved('miss');
    telemetry.resolved('stale');
    telemetry.resolved('error', 'SECRET_MANAGER_GET_SECRET_FAILED');
    telemetry.resolved('error', 'SECRET_MANAGER_GET_SECRET_FAILED');
    telemetry.resolved('error', 'SECRET_MANAGER_CONNECTION_FAILED');
    telemetry.resolved('error');

    const resolves = (await otel.collect()).get(INSTRUMENTS.resolves.name);
    expect(resolves).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: true, descriptor: { unit: '{resolve}' } });
    expect(pointsOf(resolves)).toEqual(
      expect.arrayContaining([
        { attributes: { [OUTCOME]: 'warm-hit' }, value: 3 },
        { attributes: { [OUTCOME]: 'hit' }, value: 1 },
        { attributes: { [OUTCOME]: 'miss' }, value: 2 },
        { attributes: { [OUTCOME]: 'stale' }, value: 1 },
        { attributes: { [OUTCOME]: 'error', 'error.type': 'SECRET_MANAGER_GET_SECRET_FAILED' }, value: 2 },
        { attributes: { [OUTCOME]: 'error', 'error.type': 'SECRET_MANAGER_CONNECTION_FAILED' }, value: 1 },
        { attributes: { [OUTCOME]: 'error', 'error.type': '_OTHER' }, value: 1 },
      ]),
    );
    expect(pointsOf(resolves)).toHaveLength(7);
  });

  it('is cumulative across collections', async () => {
    telemetry.resolved('warm-hit');
    await otel.collect();
    telemetry.resolved('warm-hit');
    telemetry.resolved('warm-hit');
    expect(valueAt((await otel.collect()).get(INSTRUMENTS.resolves.name), { [OUTCOME]: 'warm-hit' })).toBe(3);
  });

  it('adds up the resolves of two telemetries on one MeterProvider (two providers in one process)', async () => {
    const other = createTelemetry({ meterProvider: otel.meterProvider }, noApi);
    telemetry.resolved('miss');
    other.resolved('miss');
    expect(valueAt((await otel.collect()).get(INSTRUMENTS.resolves.name), { [OUTCOME]: 'miss' })).toBe(2);
  });
});

describe('Vault requests', () => {
  it('counts by endpoint kind and status, and times them in seconds', async () => {
    telemetry.vaultRequest('login', 200, 12);
    telemetry.vaultRequest('read', 404, 3);
    telemetry.vaultRequest('read', 404, 5);
    telemetry.vaultRequest('read', 'network', 10_000);

    const metrics = await otel.collect();
    const requests = metrics.get(INSTRUMENTS.requests.name);
    expect(requests).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: true, descriptor: { unit: '{request}' } });
    const login = { 'vault.endpoint': 'login', 'vault.status_class': '2xx', 'http.response.status_code': 200 };
    const notFound = { 'vault.endpoint': 'read', 'vault.status_class': '4xx', 'http.response.status_code': 404 };
    const network = { 'vault.endpoint': 'read', 'vault.status_class': 'network' };
    expect(pointsOf(requests)).toEqual(
      expect.arrayContaining([
        { attributes: login, value: 1 },
        { attributes: notFound, value: 2 },
        { attributes: network, value: 1 },
      ]),
    );
    expect(pointsOf(requests)).toHaveLength(3);

    const duration = metrics.get(INSTRUMENTS.requestDuration.name);
    expect(duration).toMatchObject({ dataPointType: DataPointType.HISTOGRAM, descriptor: { unit: 's' } });
    expect(histogramAt(duration, notFound)).toMatchObject({ count: 2, sum: 0.008 });
    expect(histogramAt(duration, login)).toMatchObject({ count: 1, sum: 0.012 });
    expect(histogramAt(duration, network)).toMatchObject({ count: 1, sum: 10 });
    // Buckets fit Vault latencies (ms to s), not the SDK's default (0 to 10,000).
    expect(histogramAt(duration, login)?.buckets.boundaries).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
  });

  it('reports a status outside HTTP as class "other" without a status code, and skips a duration that is not one', async () => {
    telemetry.vaultRequest('health', 999, Number.NaN);
    const metrics = await otel.collect();
    expect(pointsOf(metrics.get(INSTRUMENTS.requests.name))).toEqual([{ attributes: { 'vault.endpoint': 'health', 'vault.status_class': 'other' }, value: 1 }]);
    expect(pointsOf(metrics.get(INSTRUMENTS.requestDuration.name))).toEqual([]);
  });
});

describe('token lifecycle and cache', () => {
  it('counts logins, renewals and lockout backoffs by outcome', async () => {
    telemetry.login('success');
    telemetry.login('success');
    telemetry.login('rejected');
    telemetry.renewal('success');
    telemetry.renewal('capped');
    telemetry.lockoutBackoff();
    telemetry.lockoutBackoff();
    telemetry.lockoutBackoff();

    const metrics = await otel.collect();
    expect(pointsOf(metrics.get(INSTRUMENTS.logins.name))).toEqual(
      expect.arrayContaining([
        { attributes: { 'vault.login.outcome': 'success' }, value: 2 },
        { attributes: { 'vault.login.outcome': 'rejected' }, value: 1 },
      ]),
    );
    expect(pointsOf(metrics.get(INSTRUMENTS.renewals.name))).toEqual(
      expect.arrayContaining([
        { attributes: { 'vault.renewal.outcome': 'success' }, value: 1 },
        { attributes: { 'vault.renewal.outcome': 'capped' }, value: 1 },
      ]),
    );
    expect(pointsOf(metrics.get(INSTRUMENTS.lockoutBackoffs.name))).toEqual([{ attributes: {}, value: 3 }]);
  });

  it('counts invalidations by source', async () => {
    telemetry.invalidation('local');
    telemetry.invalidation('remote');
    telemetry.invalidation('remote');
    expect(pointsOf((await otel.collect()).get(INSTRUMENTS.invalidations.name))).toEqual(
      expect.arrayContaining([
        { attributes: { 'vault.invalidation.source': 'local' }, value: 1 },
        { attributes: { 'vault.invalidation.source': 'remote' }, value: 2 },
      ]),
    );
  });

  it('reports cache entries and bytes as read at collection time, summed over caches, until unregistered', async () => {
    let entries = 2;
    const unregister = telemetry.cacheGauge(() => ({ entries, bytes: 100 * entries }));
    const other = createTelemetry({ meterProvider: otel.meterProvider }, noApi);
    other.cacheGauge(() => ({ entries: 1, bytes: 7 }));
    telemetry.resolved('miss'); // first recording binds the instruments

    let metrics = await otel.collect();
    expect(metrics.get(INSTRUMENTS.cacheEntries.name)).toMatchObject({ dataPointType: DataPointType.GAUGE, descriptor: { unit: '{entry}' } });
    expect(metrics.get(INSTRUMENTS.cacheSize.name)).toMatchObject({ dataPointType: DataPointType.GAUGE, descriptor: { unit: 'By' } });
    expect(valueAt(metrics.get(INSTRUMENTS.cacheEntries.name), {})).toBe(3);
    expect(valueAt(metrics.get(INSTRUMENTS.cacheSize.name), {})).toBe(207);

    entries = 5;
    metrics = await otel.collect();
    expect(valueAt(metrics.get(INSTRUMENTS.cacheEntries.name), {})).toBe(6);

    unregister();
    metrics = await otel.collect();
    expect(valueAt(metrics.get(INSTRUMENTS.cacheEntries.name), {})).toBe(1);
    expect(valueAt(metrics.get(INSTRUMENTS.cacheSize.name), {})).toBe(7);
  });

  it('skips a cache reader that throws or answers a non-number, and still collects the rest', async () => {
    telemetry.cacheGauge(() => {
      throw new Error('cache gone');
    });
    telemetry.cacheGauge(() => ({ entries: Number.NaN, bytes: 1 }));
    telemetry.cacheGauge(() => ({ entries: 4, bytes: 40 }));
    telemetry.resolved('hit');
    const metrics = await otel.collect();
    expect(valueAt(metrics.get(INSTRUMENTS.cacheEntries.name), {})).toBe(4);
    expect(valueAt(metrics.get(INSTRUMENTS.resolves.name), { [OUTCOME]: 'hit' })).toBe(1);
  });
});

it('names every instrument as INSTRUMENTS says (name, unit, description) and nothing else', async () => {
  telemetry.resolved('miss');
  telemetry.vaultRequest('read', 200, 1);
  telemetry.login('success');
  telemetry.renewal('success');
  telemetry.lockoutBackoff();
  telemetry.invalidation('local');
  telemetry.cacheGauge(() => ({ entries: 1, bytes: 1 }));
  const raw = await otel.collectRaw();
  expect(raw.scopeMetrics.map((s) => s.scope.name)).toEqual(['@activepieces-community/secret-manager-hashicorp-vault']);
  expect(raw.scopeMetrics[0].scope.version).toBe(packageVersion);
  const seen = raw.scopeMetrics[0].metrics.map((m) => ({ name: m.descriptor.name, unit: m.descriptor.unit, description: m.descriptor.description })).sort((a, b) => a.name.localeCompare(b.name));
  const expected = Object.values(INSTRUMENTS).map((s) => ({ name: s.name, unit: s.unit, description: s.description })).sort((a, b) => a.name.localeCompare(b.name));
  expect(seen).toEqual(expected);
});

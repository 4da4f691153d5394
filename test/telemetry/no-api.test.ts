/**
 * `@opentelemetry/api` is an optional peer: without it every call is a no-op that never throws,
 * and it is loaded on the first recording, never when the module is imported or a Telemetry made.
 */
import { metrics, trace } from '@opentelemetry/api';
import { createTelemetry, INSTRUMENTS, noTelemetry, Telemetry } from '../../src/telemetry';
import { startOtelHarness, valueAt } from './otel-harness';

const missing = () => {
  throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: 'MODULE_NOT_FOUND' });
};

async function exerciseEverything(t: Telemetry): Promise<void> {
  t.resolved('warm-hit');
  t.resolved('error', 'SECRET_MANAGER_GET_SECRET_FAILED');
  t.vaultRequest('read', 200, 4);
  t.vaultRequest('login', 'network', 10);
  t.login('success');
  t.renewal('refused');
  t.lockoutBackoff();
  t.invalidation('remote');
  t.cacheGauge(() => ({ entries: 1, bytes: 2 }))();
  await expect(t.span('read', async () => 'value')).resolves.toBe('value');
  await expect(t.measureRequest('read', async () => ({ status: 200 }))).resolves.toEqual({ status: 200 });
  const failure = new Error('no answer');
  await expect(t.measureRequest('read', () => Promise.reject(failure))).rejects.toBe(failure);
}

it('without @opentelemetry/api, every call is a no-op that returns what it wraps and never throws', async () => {
  const load = jest.fn(missing);
  const t = createTelemetry({}, load);
  await exerciseEverything(t);
  expect(load).toHaveBeenCalledTimes(1); // tried once, not on every call
});

it('noTelemetry records nothing and never throws', async () => {
  await exerciseEverything(noTelemetry);
});

it('loads the API on the first recording, not when created or given a cache gauge', () => {
  const load = jest.fn(missing);
  const t = createTelemetry({}, load);
  t.cacheGauge(() => ({ entries: 0, bytes: 0 }));
  expect(load).not.toHaveBeenCalled();
  t.resolved('warm-hit');
  expect(load).toHaveBeenCalledTimes(1);
});

it('never loads the API when both providers are given', async () => {
  const otel = startOtelHarness();
  try {
    const load = jest.fn(missing);
    await exerciseEverything(createTelemetry({ meterProvider: otel.meterProvider, tracerProvider: otel.tracerProvider }, load));
    expect(load).not.toHaveBeenCalled();
  } finally {
    await otel.shutdown();
  }
});

it('a MeterProvider that throws never fails a call', async () => {
  const throwing = () => {
    throw new Error('meter broken');
  };
  const t = createTelemetry({ meterProvider: { getMeter: throwing }, tracerProvider: { getTracer: throwing } }, missing);
  await exerciseEverything(t);
});

it('by default records to the global MeterProvider and TracerProvider of @opentelemetry/api', async () => {
  const otel = startOtelHarness();
  metrics.setGlobalMeterProvider(otel.meterProvider);
  trace.setGlobalTracerProvider(otel.tracerProvider);
  try {
    const t = createTelemetry();
    t.cacheGauge(() => ({ entries: 3, bytes: 30 })); // before the first recording: registered when it binds
    t.resolved('miss');
    await t.measureRequest('health', async () => ({ status: 200 }));
    const collected = await otel.collect();
    expect(valueAt(collected.get(INSTRUMENTS.resolves.name), { 'vault.resolve.outcome': 'miss' })).toBe(1);
    expect(valueAt(collected.get(INSTRUMENTS.cacheEntries.name), {})).toBe(3);
    expect(otel.spans().map((s) => s.name)).toEqual(['vault.request']);
  } finally {
    metrics.disable();
    trace.disable();
    await otel.shutdown();
  }
});

describe('with @opentelemetry/api not installed (module resolution fails)', () => {
  beforeEach(() => {
    jest.resetModules();
    jest.doMock('@opentelemetry/api', missing);
  });
  afterEach(() => jest.dontMock('@opentelemetry/api'));

  it('the module imports, and the default loader turns the failure into no-ops', async () => {
    const fresh = jest.requireActual<typeof import('../../src/telemetry')>('../../src/telemetry');
    await exerciseEverything(fresh.createTelemetry());
  });
});

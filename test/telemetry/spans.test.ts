/**
 * One `vault.request` client span per Vault request, read back through the real trace SDK.
 */
import { context, Context, ContextManager, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { createTelemetry, INSTRUMENTS, Telemetry, TracerProviderLike } from '../../src/telemetry';
import { OtelHarness, pointsOf, startOtelHarness } from './otel-harness';

let otel: OtelHarness;
let telemetry: Telemetry;
const noApi = () => {
  throw new Error('not needed');
};

beforeEach(() => {
  otel = startOtelHarness();
  telemetry = createTelemetry({ meterProvider: otel.meterProvider, tracerProvider: otel.tracerProvider }, noApi);
});
afterEach(() => otel.shutdown());

it('wraps an answered request in a client span with the endpoint kind and status code', async () => {
  const res = await telemetry.measureRequest('read', async () => ({ status: 200, body: { data: {} } }));
  expect(res.status).toBe(200);
  const [span] = otel.spans();
  expect(otel.spans()).toHaveLength(1);
  expect(span.name).toBe('vault.request');
  expect(span.kind).toBe(SpanKind.CLIENT);
  expect(span.attributes).toEqual({ 'vault.endpoint': 'read', 'http.response.status_code': 200 });
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
  expect(span.ended).toBe(true);
});

it('marks a 4xx/5xx answer as an error with error.type = the status (HTTP client span conventions)', async () => {
  await telemetry.measureRequest('login', async () => ({ status: 403 }));
  const [span] = otel.spans();
  expect(span.attributes).toEqual({ 'vault.endpoint': 'login', 'http.response.status_code': 403, 'error.type': '403' });
  expect(span.status.code).toBe(SpanStatusCode.ERROR);
});

it('passes a network failure through unchanged, marking the span with the failure kind, and counts it as "network"', async () => {
  const failure = Object.assign(new Error('Vault request failed: timeout (ETIMEDOUT)'), { name: 'VaultNetworkError', failure: 'timeout' });
  await expect(telemetry.measureRequest('renew', () => Promise.reject(failure))).rejects.toBe(failure);
  const [span] = otel.spans();
  expect(span.attributes).toEqual({ 'vault.endpoint': 'renew', 'error.type': 'timeout' });
  expect(span.status.code).toBe(SpanStatusCode.ERROR);
  expect(span.events).toEqual([]); // no exception event: its message could carry Vault's text
  const requests = (await otel.collect()).get(INSTRUMENTS.requests.name);
  expect(pointsOf(requests)).toEqual([{ attributes: { 'vault.endpoint': 'renew', 'vault.status_class': 'network' }, value: 1 }]);
});

it('measureRequest also records the request count and its duration', async () => {
  await telemetry.measureRequest('mounts', async () => ({ status: 200 }));
  const metrics = await otel.collect();
  const attributes = { 'vault.endpoint': 'mounts', 'vault.status_class': '2xx', 'http.response.status_code': 200 };
  expect(pointsOf(metrics.get(INSTRUMENTS.requests.name))).toEqual([{ attributes, value: 1 }]);
  expect(pointsOf(metrics.get(INSTRUMENTS.requestDuration.name))).toEqual([{ attributes, value: expect.objectContaining({ count: 1 }) }]);
});

it('span() of a result without a status sets no status code', async () => {
  await expect(telemetry.span('other', async () => 'done')).resolves.toBe('done');
  expect(otel.spans()[0].attributes).toEqual({ 'vault.endpoint': 'other' });
});

/** A synchronous context manager: enough to see which span is active when the request starts. */
class StackContextManager implements ContextManager {
  private readonly stack: Context[] = [];
  active(): Context {
    return this.stack[this.stack.length - 1] ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    this.stack.push(ctx);
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.stack.pop();
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.stack.length = 0;
    return this;
  }
}

it('makes its span the active one when the request starts (a host HTTP span nests under it)', async () => {
  context.setGlobalContextManager(new StackContextManager());
  try {
    let inner: string | undefined;
    await telemetry.span('read', async () => {
      inner = trace.getSpan(context.active())?.spanContext().spanId;
      return { status: 200 };
    });
    expect(inner).toBeDefined();
    expect(inner).toBe(otel.spans()[0].spanContext().spanId);
  } finally {
    context.disable();
  }
});

it('runs the request exactly once when the tracer throws, and returns its answer', async () => {
  const broken: TracerProviderLike = {
    getTracer: () => ({
      startActiveSpan: () => {
        throw new Error('tracer broken');
      },
    }),
  };
  const send = jest.fn(async () => ({ status: 200 }));
  const t = createTelemetry({ tracerProvider: broken, meterProvider: otel.meterProvider }, noApi);
  await expect(t.measureRequest('read', send)).resolves.toEqual({ status: 200 });
  expect(send).toHaveBeenCalledTimes(1);
});

it('runs the request exactly once when the span fails after the request started', async () => {
  const throwing = () => {
    throw new Error('span broken');
  };
  const broken: TracerProviderLike = {
    getTracer: () => ({
      startActiveSpan: (_name, _options, fn) => {
        fn({ setAttribute: throwing, setStatus: throwing, end: throwing });
        throw new Error('context restore broken');
      },
    }),
  };
  const send = jest.fn(async () => ({ status: 500 }));
  const t = createTelemetry({ tracerProvider: broken, meterProvider: otel.meterProvider }, noApi);
  await expect(t.span('read', send)).resolves.toEqual({ status: 500 });
  expect(send).toHaveBeenCalledTimes(1);
});

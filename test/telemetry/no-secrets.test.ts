/**
 * No secret, path, credential or Vault text ever reaches a metric or span: planted values passed
 * everywhere a careless call site could pass them are searched for in everything exported.
 */
import { inspect } from 'node:util';
import { createTelemetry, Telemetry } from '../../src/telemetry';
import { planted } from '../security/planted';
import { OtelHarness, startOtelHarness } from './otel-harness';

let otel: OtelHarness;
let telemetry: Telemetry;

beforeEach(() => {
  otel = startOtelHarness();
  telemetry = createTelemetry({ meterProvider: otel.meterProvider, tracerProvider: otel.tracerProvider }, () => {
    throw new Error('not needed');
  });
});
afterEach(() => otel.shutdown());

it('reports none of the planted values, whatever a call site passes', async () => {
  const secret = planted('value');
  const path = `secret/data/${planted('path')}/key`;
  const secretId = planted('secretid');
  const token = `hvs.${planted('token')}`;
  const smuggled = [secret, path, secretId, token];
  const anything = (v: string) => v as never;

  for (const v of smuggled) {
    telemetry.resolved(anything(v));
    telemetry.resolved('error', v);
    telemetry.resolved('error', v.toUpperCase().replace(/[^A-Z0-9]/g, '_')); // looks like a code; still only a code
    telemetry.vaultRequest(anything(v), 200, 1);
    telemetry.login(anything(v));
    telemetry.renewal(anything(v));
    telemetry.invalidation(anything(v));
    await telemetry.measureRequest(anything(v), async () => ({ status: 200, body: { data: { data: { key: secret } } }, path, token }));
    const thrown = Object.assign(new Error(`invalid secret_id "${secretId}" at ${path}`), { name: v, failure: token });
    await expect(telemetry.measureRequest('login', () => Promise.reject(thrown))).rejects.toBe(thrown);
  }
  telemetry.cacheGauge(() => ({ entries: 1, bytes: 1 }));

  const exported = [inspect(await otel.collectRaw(), { depth: null }), inspect(otel.spans().map(spanView), { depth: null })].join('\n');
  const codeLike = smuggled.map((v) => v.toUpperCase().replace(/[^A-Z0-9]/g, '_'));
  for (const v of smuggled) expect(exported).not.toContain(v);
  // The code-shaped values are codes the caller chose: reported, as the code is meant to be;
  // the check above is that the raw values never are. The bound on distinct codes still holds:
  expect(codeLike.some((c) => exported.includes(c))).toBe(true);
  expect(otel.spans().length).toBe(2 * smuggled.length);
});

function spanView(span: ReturnType<OtelHarness['spans']>[number]): unknown {
  return { name: span.name, attributes: span.attributes, status: span.status, events: span.events, links: span.links, resource: span.resource.attributes };
}

it('keeps at most 32 distinct error codes; more become _OTHER (a caller bug cannot grow the series)', async () => {
  for (let i = 0; i < 100; i++) telemetry.resolved('error', `CODE_${i}`);
  const raw = await otel.collectRaw();
  const resolves = raw.scopeMetrics[0].metrics.find((m) => m.descriptor.name === 'activepieces.vault.resolves');
  const types = resolves!.dataPoints.map((p) => p.attributes['error.type']);
  expect(types).toHaveLength(33);
  expect(types).toContain('_OTHER');
});

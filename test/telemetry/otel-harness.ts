/**
 * Real OpenTelemetry SDK providers that keep what they record in memory, for the telemetry tests.
 * `shutdown()` ends both providers (no timer or exporter outlives a test).
 */
import { DataPoint, DataPointType, Histogram, MeterProvider, MetricData, MetricReader, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A reader that exports only when asked: `collect()` runs every observable callback once. */
class OnDemandReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export interface OtelHarness {
  readonly meterProvider: MeterProvider;
  readonly tracerProvider: BasicTracerProvider;
  /** Every metric the providers hold now, by instrument name. */
  collect(): Promise<Map<string, MetricData>>;
  /** The raw export, for checks over everything (names, descriptors, attributes). */
  collectRaw(): Promise<ResourceMetrics>;
  spans(): ReadableSpan[];
  shutdown(): Promise<void>;
}

export function startOtelHarness(): OtelHarness {
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const collectRaw = async (): Promise<ResourceMetrics> => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new Error(`collection failed: ${errors.map(String).join('; ')}`);
    return resourceMetrics;
  };
  return {
    meterProvider,
    tracerProvider,
    collectRaw,
    async collect() {
      const raw = await collectRaw();
      return new Map(raw.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
    },
    spans: () => exporter.getFinishedSpans(),
    async shutdown() {
      await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]);
    },
  };
}

/** The value of the data point whose attributes equal `attributes` exactly (undefined: no such point). */
export function valueAt(metric: MetricData | undefined, attributes: Record<string, unknown>): unknown {
  const point = (metric?.dataPoints as DataPoint<unknown>[] | undefined)?.find((p) => sameAttributes(p.attributes, attributes));
  return point?.value;
}

/** Every data point as `{ attributes, value }` (for whole-set comparisons). */
export function pointsOf(metric: MetricData | undefined): Array<{ attributes: Record<string, unknown>; value: unknown }> {
  return ((metric?.dataPoints ?? []) as DataPoint<unknown>[]).map((p) => ({ attributes: { ...p.attributes }, value: p.value }));
}

export function histogramAt(metric: MetricData | undefined, attributes: Record<string, unknown>): Histogram | undefined {
  return valueAt(metric, attributes) as Histogram | undefined;
}

function sameAttributes(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

export { DataPointType };

/**
 * The part of the `@opentelemetry/api` 1.x interfaces this package uses, written out structurally.
 * Our published declarations must not import `@opentelemetry/api`: it is an optional peer, and a
 * strict consumer without it (skipLibCheck false) could not compile them. A real MeterProvider and
 * TracerProvider from any 1.x SDK fit these shapes.
 */
export type AttributeValue = string | number | boolean;
export type Attributes = Readonly<Record<string, AttributeValue>>;

export interface InstrumentOptions {
  description?: string | undefined;
  unit?: string | undefined;
  /** Histogram bucket boundaries (API ≥ 1.7; older APIs ignore it). */
  advice?: { explicitBucketBoundaries?: number[] | undefined } | undefined;
}

export interface CounterLike {
  add(value: number, attributes?: Attributes): void;
}

export interface HistogramLike {
  record(value: number, attributes?: Attributes): void;
}

/** An asynchronous instrument (observable counter or gauge). */
export type ObservableLike = object;

export interface BatchObservableResultLike {
  observe(observable: ObservableLike, value: number, attributes?: Attributes): void;
}

export type BatchObservableCallbackLike = (result: BatchObservableResultLike) => void | Promise<void>;

export interface MeterLike {
  createCounter(name: string, options?: InstrumentOptions): CounterLike;
  createHistogram(name: string, options?: InstrumentOptions): HistogramLike;
  createObservableCounter(name: string, options?: InstrumentOptions): ObservableLike;
  createObservableGauge(name: string, options?: InstrumentOptions): ObservableLike;
  addBatchObservableCallback(callback: BatchObservableCallbackLike, observables: ObservableLike[]): void;
}

export interface MeterProviderLike {
  getMeter(name: string, version?: string): MeterLike;
}

/** `SpanKind.CLIENT` and `SpanStatusCode.ERROR` of the API: both 2, fixed for API 1.x. */
export const SPAN_KIND_CLIENT = 2;
export const SPAN_STATUS_ERROR = 2;

export interface SpanLike {
  setAttribute(key: string, value: AttributeValue): unknown;
  setStatus(status: { code: number }): unknown;
  end(): void;
}

export interface SpanOptionsLike {
  kind?: number | undefined;
  attributes?: Attributes | undefined;
}

export interface TracerLike {
  startActiveSpan<F extends (span: SpanLike) => unknown>(name: string, options: SpanOptionsLike, fn: F): ReturnType<F>;
}

export interface TracerProviderLike {
  getTracer(name: string, version?: string): TracerLike;
}

/** What we take from the API module itself: its global providers. */
export interface OpenTelemetryApiLike {
  metrics: { getMeterProvider(): MeterProviderLike };
  trace: { getTracerProvider(): TracerProviderLike };
}

/** Metrics and traces through `@opentelemetry/api` (an optional peer): see docs/telemetry.md. */
export { createTelemetry, noTelemetry } from './telemetry';
export type { Telemetry, TelemetryOptions } from './telemetry';
export type { CacheStats } from './instruments';
export { vaultEndpointKind } from './endpoint-kind';
export { INSTRUMENTS, SPAN_NAME } from './names';
export type { InvalidationSource, LoginOutcome, RenewalOutcome, ResolveOutcome, VaultRequestKind } from './names';
export type {
  AttributeValue,
  Attributes,
  BatchObservableCallbackLike,
  BatchObservableResultLike,
  CounterLike,
  HistogramLike,
  InstrumentOptions,
  MeterLike,
  MeterProviderLike,
  ObservableLike,
  SpanLike,
  SpanOptionsLike,
  TracerLike,
  TracerProviderLike,
} from './otel-types';
export type { InstrumentKind, InstrumentSpec } from './names';

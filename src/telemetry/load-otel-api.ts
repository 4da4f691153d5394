import type { OpenTelemetryApiLike } from './otel-types';

/** Loads `@opentelemetry/api`; throws when it is not installed. */
export type OpenTelemetryApiLoader = () => OpenTelemetryApiLike;

/**
 * `@opentelemetry/api` is an optional peer: required on the first recording, never at import, so a
 * host without it (or one that never resolves a secret) loads nothing. Resolved from this package,
 * which finds the host's copy, the one its SDK registered the global providers with.
 */
export const requireOpenTelemetryApi: OpenTelemetryApiLoader = () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@opentelemetry/api') as OpenTelemetryApiLike;

/** The API, or undefined when it cannot be loaded: telemetry then records nothing. */
export function tryLoadOpenTelemetryApi(load: OpenTelemetryApiLoader): OpenTelemetryApiLike | undefined {
  try {
    return load();
  } catch {
    return undefined;
  }
}

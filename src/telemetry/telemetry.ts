import { CacheSource, CacheStats, instrumentsFor, MeterInstruments } from './instruments';
import { OpenTelemetryApiLoader, requireOpenTelemetryApi, tryLoadOpenTelemetryApi } from './load-otel-api';
import type { InvalidationSource, LoginOutcome, RenewalOutcome, ResolveOutcome, VaultRequestKind } from './names';
import type { MeterProviderLike, OpenTelemetryApiLike, TracerLike, TracerProviderLike } from './otel-types';
import { INSTRUMENTATION_SCOPE, packageVersion } from './package-identity';
import { runInVaultSpan } from './vault-span';

export interface TelemetryOptions {
  /** Where metrics go. Default: the global MeterProvider of `@opentelemetry/api`, looked up on first use. */
  meterProvider?: MeterProviderLike | undefined;
  /** Where spans go. Default: the global TracerProvider of `@opentelemetry/api`. */
  tracerProvider?: TracerProviderLike | undefined;
}

/**
 * What the provider reports, at a handful of points. Every call is a no-op when
 * `@opentelemetry/api` is not installed, and none ever throws. No call takes a path, a value or a
 * credential: only outcomes, endpoint kinds and status codes from fixed lists.
 */
export interface Telemetry {
  /** One secret reference resolved. `errorCode`: the ActivepiecesError code, for `error` only. */
  resolved(outcome: ResolveOutcome, errorCode?: string): void;
  /** One HTTP request to Vault answered (`status`) or not (`'network'`) after `ms` milliseconds. */
  vaultRequest(kind: VaultRequestKind, status: number | 'network', ms: number): void;
  login(outcome: LoginOutcome): void;
  renewal(outcome: RenewalOutcome): void;
  /** A login held back to protect the role from Vault's lockout (docs/vault-behaviour.md §14.3). */
  lockoutBackoff(): void;
  invalidation(source: InvalidationSource): void;
  /** Reports the cache's size through two gauges; returns the unregistration (call it on close). */
  cacheGauge(read: () => CacheStats): () => void;
  /** Runs `fn` in a `vault.request` span; a result with a numeric `status` sets the status code. */
  span<T>(kind: VaultRequestKind, fn: () => Promise<T>): Promise<T>;
  /** `span` and `vaultRequest` in one: times `send`, a rejection counts as `'network'`. */
  measureRequest<T extends { status: number }>(kind: VaultRequestKind, send: () => Promise<T>): Promise<T>;
}

export function createTelemetry(options: TelemetryOptions = {}, loadApi: OpenTelemetryApiLoader = requireOpenTelemetryApi): Telemetry {
  return new LazyTelemetry(options, loadApi);
}

/** Binds to its providers on the first recording (not at creation: the main entry stays light). */
class LazyTelemetry implements Telemetry {
  /** undefined: not bound yet; null: nothing to record to. */
  #instruments: MeterInstruments | null | undefined;
  #tracer: TracerLike | null | undefined;
  #api: OpenTelemetryApiLike | null | undefined;
  /** Held strongly here (the instruments hold them weakly); the value unregisters, once bound. */
  readonly #cacheSources = new Map<CacheSource, (() => void) | undefined>();

  constructor(
    private readonly options: TelemetryOptions,
    private readonly loadApi: OpenTelemetryApiLoader,
  ) {}

  resolved(outcome: ResolveOutcome, errorCode?: string): void {
    const instruments = this.#instruments === undefined ? this.bindMeter() : this.#instruments;
    if (instruments !== null) instruments.countResolve(outcome, errorCode);
  }

  vaultRequest(kind: VaultRequestKind, status: number | 'network', ms: number): void {
    this.record((m) => m.recordRequest(kind, status, ms));
  }

  login(outcome: LoginOutcome): void {
    this.record((m) => m.countLogin(outcome));
  }

  renewal(outcome: RenewalOutcome): void {
    this.record((m) => m.countRenewal(outcome));
  }

  lockoutBackoff(): void {
    this.record((m) => m.countLockoutBackoff());
  }

  invalidation(source: InvalidationSource): void {
    this.record((m) => m.countInvalidation(source));
  }

  cacheGauge(read: () => CacheStats): () => void {
    const source: CacheSource = { read };
    // A given MeterProvider is bound now (that loads nothing); the global one waits for the first recording.
    const instruments = this.#instruments === undefined && this.options.meterProvider ? this.bindMeter() : this.#instruments;
    this.#cacheSources.set(source, instruments ? instruments.addCacheSource(source) : undefined);
    return () => {
      this.#cacheSources.get(source)?.();
      this.#cacheSources.delete(source);
    };
  }

  span<T>(kind: VaultRequestKind, fn: () => Promise<T>): Promise<T> {
    const tracer = this.#tracer === undefined ? this.bindTracer() : this.#tracer;
    return tracer === null ? fn() : runInVaultSpan(tracer, kind, fn);
  }

  measureRequest<T extends { status: number }>(kind: VaultRequestKind, send: () => Promise<T>): Promise<T> {
    return this.span(kind, async () => {
      const started = performance.now();
      try {
        const res = await send();
        this.vaultRequest(kind, res.status, performance.now() - started);
        return res;
      } catch (err) {
        this.vaultRequest(kind, 'network', performance.now() - started);
        throw err;
      }
    });
  }

  private record(write: (instruments: MeterInstruments) => void): void {
    const instruments = this.#instruments === undefined ? this.bindMeter() : this.#instruments;
    if (instruments === null) return;
    try {
      write(instruments);
    } catch {
      // A host's MeterProvider that throws never fails a resolve.
    }
  }

  private bindMeter(): MeterInstruments | null {
    try {
      const provider = this.options.meterProvider ?? this.api()?.metrics.getMeterProvider();
      this.#instruments = provider ? instrumentsFor(provider) : null;
    } catch {
      this.#instruments = null;
    }
    const instruments = this.#instruments;
    if (instruments) {
      for (const [source, unregister] of this.#cacheSources) if (!unregister) this.#cacheSources.set(source, instruments.addCacheSource(source));
    }
    return this.#instruments;
  }

  private bindTracer(): TracerLike | null {
    try {
      const provider = this.options.tracerProvider ?? this.api()?.trace.getTracerProvider();
      this.#tracer = provider ? provider.getTracer(INSTRUMENTATION_SCOPE, packageVersion()) : null;
    } catch {
      this.#tracer = null;
    }
    return this.#tracer;
  }

  private api(): OpenTelemetryApiLike | null {
    if (this.#api === undefined) this.#api = tryLoadOpenTelemetryApi(this.loadApi) ?? null;
    return this.#api;
  }
}

/** Records nothing, loads nothing: for hosts that turn telemetry off. */
export const noTelemetry: Telemetry = createTelemetry({}, () => {
  throw new Error('telemetry is off');
});

import {
  ErrorAttributeSets,
  invalidationAttributes,
  loginAttributes,
  NO_ATTRIBUTES,
  renewalAttributes,
  RequestAttributeSets,
  requestKindOf,
  resolveAttributes,
  resolveOutcomeOf,
} from './attributes';
import { DURATION_BUCKETS_S, INSTRUMENTS, InstrumentSpec, RESOLVE_OUTCOMES } from './names';
import type { BatchObservableResultLike, CounterLike, HistogramLike, InstrumentOptions, MeterLike, MeterProviderLike, ObservableLike } from './otel-types';
import { INSTRUMENTATION_SCOPE, packageVersion } from './package-identity';

export interface CacheStats {
  entries: number;
  bytes: number;
}

/** A registered cache reader; held weakly by the instruments, strongly by its Telemetry. */
export interface CacheSource {
  read: () => CacheStats;
}

const WARM_HIT = RESOLVE_OUTCOMES.indexOf('warm-hit');
/** Dead cache sources are swept when this many are registered (they also go at every collection). */
const SWEEP_AT = 64;

/**
 * The instruments of one MeterProvider, shared by every Telemetry recording to it: two providers in
 * one process add up instead of reporting over each other. Resolves are counted into plain numbers
 * and reported by an observable counter at collection, so the warm path costs one increment.
 */
export class MeterInstruments {
  private readonly meter: MeterLike;
  private readonly requests: CounterLike;
  private readonly requestDuration: HistogramLike;
  private readonly logins: CounterLike;
  private readonly renewals: CounterLike;
  private readonly lockoutBackoffs: CounterLike;
  private readonly invalidations: CounterLike;
  private readonly resolves: ObservableLike;
  private readonly cacheEntries: ObservableLike;
  private readonly cacheSize: ObservableLike;
  private readonly resolveCounts = RESOLVE_OUTCOMES.map(() => 0);
  private readonly errorSets = new ErrorAttributeSets();
  private readonly errorCounts = new Map<object, number>();
  private readonly requestSets = new RequestAttributeSets();
  private readonly cacheSources = new Set<WeakRef<CacheSource>>();

  constructor(meterProvider: MeterProviderLike) {
    this.meter = meterProvider.getMeter(INSTRUMENTATION_SCOPE, packageVersion());
    this.requests = this.meter.createCounter(INSTRUMENTS.requests.name, optionsOf(INSTRUMENTS.requests));
    this.requestDuration = this.meter.createHistogram(INSTRUMENTS.requestDuration.name, {
      ...optionsOf(INSTRUMENTS.requestDuration),
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
    });
    this.logins = this.meter.createCounter(INSTRUMENTS.logins.name, optionsOf(INSTRUMENTS.logins));
    this.renewals = this.meter.createCounter(INSTRUMENTS.renewals.name, optionsOf(INSTRUMENTS.renewals));
    this.lockoutBackoffs = this.meter.createCounter(INSTRUMENTS.lockoutBackoffs.name, optionsOf(INSTRUMENTS.lockoutBackoffs));
    this.invalidations = this.meter.createCounter(INSTRUMENTS.invalidations.name, optionsOf(INSTRUMENTS.invalidations));
    this.resolves = this.meter.createObservableCounter(INSTRUMENTS.resolves.name, optionsOf(INSTRUMENTS.resolves));
    this.cacheEntries = this.meter.createObservableGauge(INSTRUMENTS.cacheEntries.name, optionsOf(INSTRUMENTS.cacheEntries));
    this.cacheSize = this.meter.createObservableGauge(INSTRUMENTS.cacheSize.name, optionsOf(INSTRUMENTS.cacheSize));
    this.meter.addBatchObservableCallback((result) => this.observe(result), [this.resolves, this.cacheEntries, this.cacheSize]);
  }

  /** The warm path: one comparison and one increment, no allocation. */
  countResolve(outcome: unknown, errorCode: unknown): void {
    if (outcome === 'warm-hit') {
      this.resolveCounts[WARM_HIT]++;
      return;
    }
    const checked = resolveOutcomeOf(outcome);
    if (checked !== 'error') {
      this.resolveCounts[RESOLVE_OUTCOMES.indexOf(checked)]++;
      return;
    }
    const set = this.errorSets.get(errorCode);
    this.errorCounts.set(set, (this.errorCounts.get(set) ?? 0) + 1);
  }

  recordRequest(kind: unknown, status: number | 'network', ms: number): void {
    const attributes = this.requestSets.get(requestKindOf(kind), status);
    this.requests.add(1, attributes);
    if (Number.isFinite(ms) && ms >= 0) this.requestDuration.record(ms / 1000, attributes);
  }

  countLogin(outcome: unknown): void {
    this.logins.add(1, loginAttributes(outcome));
  }

  countRenewal(outcome: unknown): void {
    this.renewals.add(1, renewalAttributes(outcome));
  }

  countLockoutBackoff(): void {
    this.lockoutBackoffs.add(1, NO_ATTRIBUTES);
  }

  countInvalidation(source: unknown): void {
    this.invalidations.add(1, invalidationAttributes(source));
  }

  /** Registers a cache to report; returns its unregistration. Held weakly: a dropped provider goes by itself. */
  addCacheSource(source: CacheSource): () => void {
    if (this.cacheSources.size >= SWEEP_AT) this.sweep();
    const ref = new WeakRef(source);
    this.cacheSources.add(ref);
    return () => this.cacheSources.delete(ref);
  }

  private observe(result: BatchObservableResultLike): void {
    RESOLVE_OUTCOMES.forEach((outcome, i) => {
      if (this.resolveCounts[i] > 0) result.observe(this.resolves, this.resolveCounts[i], resolveAttributes(outcome));
    });
    for (const [, set] of this.errorSets.entries()) {
      const count = this.errorCounts.get(set);
      if (count) result.observe(this.resolves, count, set);
    }
    const totals = this.cacheTotals();
    if (totals) {
      result.observe(this.cacheEntries, totals.entries, NO_ATTRIBUTES);
      result.observe(this.cacheSize, totals.bytes, NO_ATTRIBUTES);
    }
  }

  /** Entries and bytes of every live cache, summed; undefined when none is registered. */
  private cacheTotals(): CacheStats | undefined {
    this.sweep();
    let totals: CacheStats | undefined;
    for (const ref of this.cacheSources) {
      const stats = readSafely(ref.deref());
      if (!stats) continue;
      totals ??= { entries: 0, bytes: 0 };
      totals.entries += stats.entries;
      totals.bytes += stats.bytes;
    }
    return totals;
  }

  private sweep(): void {
    for (const ref of this.cacheSources) if (!ref.deref()) this.cacheSources.delete(ref);
  }
}

/** A cache reader that throws or answers nonsense is skipped, never passed on to the SDK. */
function readSafely(source: CacheSource | undefined): CacheStats | undefined {
  if (!source) return undefined;
  try {
    const { entries, bytes } = source.read();
    return Number.isFinite(entries) && Number.isFinite(bytes) ? { entries, bytes } : undefined;
  } catch {
    return undefined;
  }
}

function optionsOf(spec: InstrumentSpec): InstrumentOptions {
  return { description: spec.description, unit: spec.unit };
}

const byProvider = new WeakMap<MeterProviderLike, MeterInstruments>();

/** The instruments of a MeterProvider, created on its first use. */
export function instrumentsFor(meterProvider: MeterProviderLike): MeterInstruments {
  let instruments = byProvider.get(meterProvider);
  if (!instruments) {
    instruments = new MeterInstruments(meterProvider);
    byProvider.set(meterProvider, instruments);
  }
  return instruments;
}

import { LRUCache } from 'lru-cache';
import { isTransientFailure } from '../activepieces/errors';
import type { Logger } from '../logger';
import type { SecretData } from '../vault/kv';
import { ConnectionShares } from './connection-shares';
import { estimateSize } from './size-estimate';

/** One KV secret as read, whole: every key of it is served from this one read. */
export interface CachedSecret {
  readonly data: SecretData;
  /** When Vault gave it (clock ms); bounds how long it may be served stale. */
  readonly fetchedAt: number;
  /** The connection's cache TTL when it was read; 0 = not to be reused (only to bridge failures). */
  readonly ttlMs: number;
  /** Served without asking Vault before this time (clock ms). */
  readonly freshUntil: number;
  /** From this time on, a hit also starts a background refresh (refresh-ahead). */
  readonly refreshFrom: number;
  /** The connection that read it: its bytes count against that connection's share. */
  readonly owner: string;
  /** Estimated heap bytes (see size-estimate.ts). */
  readonly size: number;
}

/** What one read of a secret needs; `isCurrent` turns false once its connection is invalidated, edited or gone. */
export interface SecretRead {
  owner: string;
  ttlMs: number;
  load: () => Promise<SecretData>;
  /** How old the value `load` gave is (read by another replica and shared); 0 when just read from Vault. */
  ageMs?: () => number;
  log: Logger;
  isCurrent: () => boolean;
}

export interface SecretCacheOptions {
  maxEntries: number;
  /** Estimated bytes of all cached secrets together. */
  maxBytes: number;
  /** Estimated bytes one connection may hold; an entry larger than this is served but not kept. */
  maxBytesPerConnection: number;
  /** The last part of a TTL in which a hit refreshes the value in the background (0 disables). */
  refreshAheadFraction: number;
  /** After the TTL, how long a value may still be served while Vault is failing transiently. */
  staleIfErrorMs: number;
  now: () => number;
  logger: Logger;
}

/** While serving stale (or after a failed refresh-ahead), ask Vault again this often rather than on every hit. */
const STALE_RECHECK_MS = 5_000;
/** How often a cold read sweeps out entries past TTL + stale window that nobody asked for again. */
const SWEEP_EVERY_MS = 60_000;
/** Key string, entry object and lru-cache slots: counted on top of the value's estimate. */
const ENTRY_OVERHEAD_BYTES = 256;
const SEP = '\u0000';

/**
 * The per-connection secret cache: bounded in entries and in estimated bytes (all connections,
 * and each connection's share), TTL'd, single-flight (concurrent misses of one key share one
 * Vault read) and refreshed ahead of expiry, mostly by `lru-cache`.
 *
 * Keys hold the connection id, its config fingerprint and its epoch (see Connection.epoch): an
 * invalidated, edited or disconnected connection reads under new keys, so a read still in flight
 * from before can never be served after (lru-cache's `keys()` skips in-flight entries, so
 * deleting them alone would not do).
 *
 * lru-cache's own TTL is when an entry is dead (TTL + stale window): a dead entry is deleted when
 * looked up, and swept by cold reads; no timer is involved.
 */
export class SecretCache {
  /** Keys whose background refresh is running. */
  private readonly refreshing = new Set<string>();
  private readonly lru: LRUCache<string, CachedSecret, SecretRead>;
  private readonly shares: ConnectionShares;
  private lastSweep: number;

  constructor(private readonly options: SecretCacheOptions) {
    this.shares = new ConnectionShares(options.maxBytesPerConnection);
    this.lastSweep = options.now();
    this.lru = new LRUCache<string, CachedSecret, SecretRead>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      maxEntrySize: options.maxBytesPerConnection,
      sizeCalculation: (entry) => entry.size,
      ttl: 1,
      perf: { now: options.now },
      allowStale: false,
      // Read the injected clock on every check (the default caches it per millisecond of real time).
      ttlResolution: 0,
      // A fetch whose key is deleted meanwhile still settles for its waiters (and is not stored).
      ignoreFetchAbort: true,
      onInsert: (entry, key) => this.shares.stored(entry.owner, key, entry.size),
      dispose: (entry, key) => this.shares.removed(entry.owner, key),
      fetchMethod: (key, stale, { options: fetchOptions, context }) => this.load(key, stale, fetchOptions, context),
    });
  }

  static key(connectionId: string, fingerprint: string, epoch: number, secretId: string): string {
    // join() makes one flat string; a template literal keeps a tree of its parts (V8 cons
    // strings), about 50 bytes more for every cached secret.
    return [connectionId, fingerprint, epoch, secretId].join(SEP);
  }

  /** A fresh entry, or undefined. Synchronous: the warm path never waits. */
  peek(key: string): CachedSecret | undefined {
    const hit = this.lru.get(key);
    return hit && this.options.now() < hit.freshUntil ? hit : undefined;
  }

  /** Whether a fresh hit is in the last part of its TTL, so it should be refreshed in the background. */
  refreshDue(hit: CachedSecret): boolean {
    return this.options.now() >= hit.refreshFrom;
  }

  /**
   * Reads Vault in the background and replaces the entry, while hits go on being served from it.
   * Single-flight: while one refresh (or read) of the key is running, this starts none.
   */
  refresh(key: string, makeRead: () => SecretRead): void {
    // Hits go on arriving while the refresh runs: they neither build a read nor join it.
    if (this.refreshing.has(key)) return;
    this.refreshing.add(key);
    this.lru
      .fetch(key, { context: makeRead(), forceRefresh: true, allowStale: true })
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(key));
  }

  /**
   * The entry, read from Vault (callers peek first). Every call that gets here reads Vault, or
   * joins the read already running for the key; the last value still bridges a failing Vault.
   */
  async fetch(key: string, read: SecretRead): Promise<CachedSecret> {
    this.sweepIfDue();
    const value = await this.lru.fetch(key, { context: read, forceRefresh: true, allowStale: false });
    // fetchMethod never resolves undefined, and a rejection has thrown above.
    return value as CachedSecret;
  }

  /** Drops every entry of a connection now (all its fingerprints and epochs; in-flight reads are not stored). */
  dropConnection(connectionId: string): void {
    for (const key of this.shares.keysOf(connectionId)) this.lru.delete(key);
    this.shares.forget(connectionId);
  }

  clear(): void {
    this.lru.clear();
    this.shares.clear();
  }

  /** Estimated bytes held, all connections (`lru-cache`'s calculatedSize), or one connection's. */
  bytes(connectionId?: string): number {
    return connectionId === undefined ? this.lru.calculatedSize : this.shares.bytesOf(connectionId);
  }

  private async load(
    key: string,
    stale: CachedSecret | undefined,
    fetchOptions: LRUCache.FetcherFetchOptions<string, CachedSecret, SecretRead>,
    read: SecretRead,
  ): Promise<CachedSecret> {
    try {
      const data = await read.load();
      return this.stored(key, data, fetchOptions, read);
    } catch (err) {
      const now = this.options.now();
      if (stale && now < stale.freshUntil) return this.keptAfterFailedRefresh(stale, fetchOptions, read, now);
      const serveFor = stale && read.isCurrent() && isTransientFailure(err) ? this.staleWindowLeft(stale, now) : 0;
      if (serveFor <= 0) throw err;
      fetchOptions.ttl = serveFor;
      read.log.warn({ ageSeconds: Math.round((now - stale!.fetchedAt) / 1000) }, 'vault: unavailable; serving the last value read (stale-if-error)');
      // With a 0 s TTL a value is never served from the cache, even stale: every call asks Vault.
      const freshUntil = stale!.ttlMs > 0 ? now + Math.min(serveFor, STALE_RECHECK_MS) : now;
      return { ...stale!, freshUntil, refreshFrom: freshUntil };
    }
  }

  private stored(key: string, data: SecretData, fetchOptions: LRUCache.FetcherFetchOptions<string, CachedSecret, SecretRead>, read: SecretRead): CachedSecret {
    const now = this.options.now();
    const size = ENTRY_OVERHEAD_BYTES + estimateSize(data, this.options.maxBytesPerConnection);
    const { ttlMs } = read;
    // A value another replica read earlier lives out the TTL it started then, not a new one.
    const fetchedAt = now - Math.min(ttlMs, read.ageMs?.() ?? 0);
    const entry: CachedSecret = { data, fetchedAt, ttlMs, freshUntil: fetchedAt + ttlMs, refreshFrom: fetchedAt + ttlMs - Math.floor(ttlMs * this.options.refreshAheadFraction), owner: read.owner, size };
    if (!read.isCurrent()) {
      // Read for a connection invalidated meanwhile: its waiters get it, the cache does not keep it.
      fetchOptions.ttl = 1;
      return entry;
    }
    // lru-cache reads ttl 0 as "never expires"; dead = past TTL and stale window.
    fetchOptions.ttl = Math.max(1, fetchedAt + ttlMs + this.options.staleIfErrorMs - now);
    for (const older of this.shares.over(read.owner, key, size)) {
      if (!this.lru.delete(older)) this.shares.removed(read.owner, older);
    }
    return entry;
  }

  /** A refresh-ahead failed while the value is still fresh: keep serving it to its TTL, try again later. */
  private keptAfterFailedRefresh(stale: CachedSecret, fetchOptions: LRUCache.FetcherFetchOptions<string, CachedSecret, SecretRead>, read: SecretRead, now: number): CachedSecret {
    fetchOptions.ttl = read.isCurrent() ? Math.max(1, stale.fetchedAt + stale.ttlMs + this.options.staleIfErrorMs - now) : 1;
    read.log.warn({ ageSeconds: Math.round((now - stale.fetchedAt) / 1000) }, 'vault: refreshing a value ahead of its expiry failed; the cached value is served until its TTL');
    return { ...stale, refreshFrom: now + STALE_RECHECK_MS };
  }

  private staleWindowLeft(stale: CachedSecret, now: number): number {
    return stale.fetchedAt + stale.ttlMs + this.options.staleIfErrorMs - now;
  }

  /** Entries past TTL + stale window go when looked up; this drops those nobody looks up again. */
  private sweepIfDue(): void {
    const now = this.options.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    this.lru.purgeStale();
  }

  /** Entries and estimated bytes held now, all connections (read by the telemetry's cache gauges at collection). */
  stats(): { entries: number; bytes: number } {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize };
  }
}

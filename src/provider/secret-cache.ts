import { LRUCache } from 'lru-cache';
import { isTransientFailure } from '../activepieces/errors';
import type { Logger } from '../logger';
import type { SecretData } from '../vault/kv';

/** One KV secret as read, whole: every key of it is served from this one read. */
export interface CachedSecret {
  readonly data: SecretData;
  /** When Vault gave it (clock ms); bounds how long it may be served stale. */
  readonly fetchedAt: number;
  /** The connection's cache TTL when it was read; 0 = not to be reused (only to bridge failures). */
  readonly ttlMs: number;
}

export interface SecretCacheOptions {
  maxEntries: number;
  /** After the TTL, how long a value may still be served while Vault is failing transiently. */
  staleIfErrorMs: number;
  now: () => number;
  logger: Logger;
}

interface FetchContext {
  ttlMs: number;
  /** The cache's generation when the read started; a drop since then forbids serving stale. */
  generation: number;
  load: () => Promise<SecretData>;
  log: Logger;
}

/** While serving stale, ask Vault again this often rather than once per request or once per window. */
const STALE_RECHECK_MS = 5_000;
const SEP = '\u0000';

/**
 * The per-connection secret cache: LRU-bounded, TTL'd and single-flight (concurrent misses of one
 * key share one Vault read), all by `lru-cache`. Keys start with the connection id and the config
 * fingerprint, so an edited connection never sees values read with old credentials.
 */
export class SecretCache {
  private readonly lru: LRUCache<string, CachedSecret, FetchContext>;
  /**
   * Bumped by every drop and clear. A read that began before an invalidate or disconnect and then
   * fails must not bring back the value that was dropped meanwhile. (One counter for all
   * connections: at worst an unrelated in-flight read misses one stale serve.)
   */
  private generation = 0;

  constructor(private readonly options: SecretCacheOptions) {
    this.lru = new LRUCache<string, CachedSecret, FetchContext>({
      max: options.maxEntries,
      ttl: 1,
      perf: { now: options.now },
      // Entries whose TTL passed stay (until evicted) so a failing Vault can be bridged.
      ttlAutopurge: false,
      noDeleteOnStaleGet: true,
      // Iteration (dropConnection) must see stale entries too; reads pass allowStale: false.
      allowStale: true,
      // Read the injected clock on every check (the default caches it per millisecond of real time).
      ttlResolution: 0,
      // A fetch whose key is invalidated meanwhile still settles for its waiters.
      ignoreFetchAbort: true,
      fetchMethod: (_key, stale, { options: fetchOptions, context }) => this.load(stale, fetchOptions, context),
    });
  }

  static key(connectionId: string, fingerprint: string, secretId: string): string {
    // join() makes one flat string; a template literal keeps a tree of its parts (V8 cons
    // strings), about 50 bytes more for every cached secret.
    return [connectionId, fingerprint, secretId].join(SEP);
  }

  /** A fresh entry, or undefined. Synchronous: the warm path never waits. */
  peek(key: string): CachedSecret | undefined {
    const hit = this.lru.get(key, { allowStale: false });
    return hit && hit.ttlMs > 0 ? hit : undefined;
  }

  /**
   * The entry, read from Vault when missing or expired. With a 0 s TTL every call reads Vault
   * (lru-cache's forceRefresh), but concurrent calls still share one read and the last value
   * still bridges a failing Vault.
   */
  async fetch(key: string, ttlMs: number, load: () => Promise<SecretData>, log: Logger): Promise<CachedSecret> {
    const value = await this.lru.fetch(key, {
      context: { ttlMs, load, log, generation: this.generation },
      allowStale: false,
      forceRefresh: ttlMs === 0,
    });
    // fetchMethod never resolves undefined, and a rejection has thrown above.
    return value as CachedSecret;
  }

  /** Drops every entry of a connection (all its fingerprints); stale ones too, so none is served after. */
  dropConnection(connectionId: string): void {
    this.generation++;
    const prefix = `${connectionId}${SEP}`;
    for (const key of [...this.lru.keys()]) {
      if (key.startsWith(prefix)) this.lru.delete(key);
    }
  }

  clear(): void {
    this.generation++;
    this.lru.clear();
  }

  private async load(stale: CachedSecret | undefined, fetchOptions: LRUCache.FetcherFetchOptions<string, CachedSecret, FetchContext>, ctx: FetchContext): Promise<CachedSecret> {
    try {
      const data = await ctx.load();
      // lru-cache reads ttl 0 as "never expires": a 0 s cache TTL means expire at once instead.
      fetchOptions.ttl = Math.max(1, ctx.ttlMs);
      return { data, fetchedAt: this.options.now(), ttlMs: ctx.ttlMs };
    } catch (err) {
      const dropped = ctx.generation !== this.generation;
      const serveFor = stale && !dropped && isTransientFailure(err) ? this.staleWindowLeft(stale, ctx.ttlMs) : 0;
      if (serveFor <= 0) throw err;
      fetchOptions.ttl = Math.min(serveFor, STALE_RECHECK_MS);
      ctx.log.warn({ ageSeconds: Math.round((this.options.now() - stale!.fetchedAt) / 1000) }, 'vault: unavailable; serving the last value read (stale-if-error)');
      return stale!;
    }
  }

  private staleWindowLeft(stale: CachedSecret, ttlMs: number): number {
    return stale.fetchedAt + ttlMs + this.options.staleIfErrorMs - this.options.now();
  }
}

import { withFields, type Logger } from '../logger';
import { openRedisLayer, singleFlight, type RedisLayer, type RedisOptions, type SharedCacheKey } from '../redis';
import type { SecretData } from '../vault/kv';

/** What an invalidation covers: one connection (all its configs), or every connection. */
export type SharedScope = { readonly connectionId: string } | 'all';

/** One L1 miss, as the provider hands it to the shared tier. */
export interface SharedRead {
  readonly connectionId: string;
  /** The connection's config fingerprint: an edited identity never meets values read with the old one. */
  readonly fingerprint: string;
  /** Which secret (not which key of it): `secretAddressOf(location)`. */
  readonly secretAddress: string;
  /** The connection's cache TTL: how long the value lives in Redis. 0 = Redis is not used. */
  readonly ttlMs: number;
  /** How long this replica may wait for another one's read before reading Vault itself (the request timeout). */
  readonly maxWaitMs: number;
  /**
   * A value in Redis older than this is not taken (the Vault read happens instead): the TTL for
   * an L1 miss; for a refresh-ahead, the part of the TTL before the refresh window, so the value
   * refreshed is new and not the one that is being refreshed.
   */
  readonly maxAgeMs: number;
  /** The Vault read. */
  readonly load: () => Promise<SecretData>;
}

/** A secret from the shared tier, with how long ago it was read from Vault (by whichever replica). */
export interface SharedSecret {
  readonly data: SecretData;
  readonly ageMs: number;
}

/**
 * The Redis side of the provider, for several replicas: an L2 cache every replica shares, one
 * Vault read per secret across the cluster, and invalidations that reach every replica.
 */
export interface SharedTier {
  /** The secret from Redis, else read once across the cluster and stored there. Redis failing: `load()` alone. */
  read(request: SharedRead): Promise<SharedSecret>;
  /**
   * Orphans the scope's entries in Redis and tells the other replicas to drop theirs.
   * `reached: false` (and one warning) when Redis did not take both steps.
   */
  invalidate(scope: SharedScope): Promise<{ reached: boolean }>;
  /**
   * `drop` runs for every invalidation published by another replica, once per connection of
   * `held()` it concerns (or once with 'all'). Messages name connections by a keyed hash only.
   */
  onRemoteInvalidation(held: () => Iterable<string>, drop: (scope: SharedScope) => void): void;
  /** `dropAll` runs when the subscription came back after a loss: invalidations may have been missed. */
  onResubscribed(dropAll: () => void): void;
  close(): Promise<void>;
}

/** How often a replica waiting on another one's read looks for the value in Redis. */
const POLL_MS = 10;
/** A crashed lock holder blocks the others for at most this beyond the wait it was given. */
const LOCK_MARGIN_MS = 1000;
const SEP = '\u0000';

/** What is sealed into Redis: the secret and when it was read from Vault (wall clock, ms). */
interface StoredPayload {
  readonly readAt: number;
  readonly data: SecretData;
}

/** Opens the Redis link (ioredis is loaded here, not before); throws validationFailed on bad options. */
export function createSharedTier(options: RedisOptions, logger: Logger): SharedTier {
  return new RedisSharedTier(openRedisLayer(options, logger), withFields(logger, { component: 'redis' }));
}

class RedisSharedTier implements SharedTier {
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly redis: RedisLayer,
    private readonly log: Logger,
  ) {}

  async read(request: SharedRead): Promise<SharedSecret> {
    const fromVault = async (): Promise<SharedSecret> => ({ data: await request.load(), ageMs: 0 });
    if (request.ttlMs <= 0) return fromVault();
    await this.redis.link.whenStarted();
    const secretId = [request.fingerprint, request.secretAddress].join(SEP);
    // The slot is read once, before Vault: a value read while someone invalidates lands under the old name.
    const slot = await this.redis.cache.slotFor(request.connectionId, secretId);
    if (slot === undefined) return fromVault();
    const stored = await this.lookUp(slot, request.maxAgeMs);
    if (stored !== undefined) return stored;
    const readShared = async (): Promise<SharedSecret | undefined> => {
      const current = await this.redis.cache.slotFor(request.connectionId, secretId);
      return current === undefined ? undefined : this.lookUp(current, request.maxAgeMs);
    };
    const loadAndStore = async (): Promise<SharedSecret> => {
      const data = await request.load();
      const payload: StoredPayload = { readAt: Date.now(), data };
      await this.redis.cache.set(slot, JSON.stringify(payload), request.ttlMs);
      return { data, ageMs: 0 };
    };
    const lockKey = this.redis.lock.keyFor(request.connectionId, secretId);
    return singleFlight(this.redis.lock, lockKey, readShared, loadAndStore, {
      lockTtlMs: request.maxWaitMs + LOCK_MARGIN_MS,
      maxWaitMs: request.maxWaitMs,
      pollMs: POLL_MS,
    });
  }

  async invalidate(scope: SharedScope): Promise<{ reached: boolean }> {
    // Epoch first: a replica that gets the message must not find the old value in Redis.
    const epoch = scope === 'all' ? await this.redis.cache.bumpGlobalEpoch() : await this.redis.cache.bumpEpoch(scope.connectionId);
    const published = epoch === undefined ? { reached: false } : await this.redis.bus.publish(scope);
    if (!published.reached) {
      this.log.warn({ scope: scope === 'all' ? 'all' : 'connection' }, 'Redis did not take the invalidation: other replicas may serve cached values until their TTL ends');
    }
    return published;
  }

  onRemoteInvalidation(held: () => Iterable<string>, drop: (scope: SharedScope) => void): void {
    this.unsubscribe.push(this.redis.bus.subscribe((scope) => {
      if (scope === 'all') return drop('all');
      for (const connectionId of [...held()]) {
        if (this.redis.bus.concerns(scope, connectionId)) drop({ connectionId });
      }
    }));
  }

  onResubscribed(dropAll: () => void): void {
    this.unsubscribe.push(this.redis.link.onReconnect(dropAll));
  }

  async close(): Promise<void> {
    for (const stop of this.unsubscribe.splice(0)) stop();
    await this.redis.close();
  }

  /** The stored secret and its age; undefined on a miss, a Redis failure, a value too old, or anything that is not a secret we stored. */
  private async lookUp(slot: SharedCacheKey, maxAgeMs: number): Promise<SharedSecret | undefined> {
    const raw = await this.redis.cache.get(slot);
    if (raw === undefined) return undefined;
    let payload: Partial<StoredPayload>;
    try {
      payload = JSON.parse(raw.toString('utf8')) as Partial<StoredPayload>;
    } catch {
      return undefined;
    }
    const { data, readAt } = payload ?? {};
    if (typeof data !== 'object' || data === null || Array.isArray(data) || typeof readAt !== 'number') return undefined;
    // Replicas' clocks may differ a little: a value "from the future" counts as just read.
    const ageMs = Math.max(0, Date.now() - readAt);
    return ageMs < maxAgeMs ? { data, ageMs } : undefined;
  }
}

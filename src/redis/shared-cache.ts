import type { RedisLink } from './redis-link';
import type { Sealer } from './sealing';

/** The Redis key of one cached secret: `<prefix>v1:s:<hmac>`. Only `slotFor` makes one. */
export type SharedCacheKey = string & { readonly __sharedCacheKey: unique symbol };

/**
 * The L2 cache every replica shares: whole secrets, sealed, under keyed-hash names.
 *
 * Dropping every entry of one connection (or all of them) on every replica at once, without
 * listing keys: each key's hash covers a per-connection epoch and a global epoch kept in Redis
 * (`<prefix>v1:e:<hmac(scope)>`, `<prefix>v1:e:all`). Bumping an epoch (INCR) changes the name
 * every later lookup computes, so old entries are never read again and expire by their TTL.
 *
 * A caller reads the key once (`slotFor`) before loading from Vault and writes to that same key:
 * a value loaded while someone bumped the epoch lands under the old name, where nobody looks.
 */
export class SharedCache {
  constructor(
    private readonly link: RedisLink,
    private readonly sealer: Sealer,
  ) {}

  /**
   * The key of `secretId` in `connectionScope` under the current epochs, or undefined when
   * Redis did not answer. `connectionScope` should change when the connection's config does.
   */
  async slotFor(connectionScope: string, secretId: string): Promise<SharedCacheKey | undefined> {
    const result = await this.link.run((redis) => redis.mget(this.globalEpochKey(), this.epochKey(connectionScope)));
    if (!result.ok) return undefined;
    const [globalEpoch, connectionEpoch] = result.value.map(epochValue);
    const hash = this.sealer.keyFor('secret', String(globalEpoch), connectionScope, String(connectionEpoch), secretId);
    return `${this.link.keyPrefix}v1:s:${hash}` as SharedCacheKey;
  }

  /** The cached value; undefined on a miss, when Redis fails, or when the stored value does not open. */
  async get(key: SharedCacheKey): Promise<Buffer | undefined> {
    const result = await this.link.run((redis) => redis.get(key));
    if (!result.ok || result.value === null) return undefined;
    return this.sealer.open(result.value, key);
  }

  /** SET PX of the sealed value; false when Redis did not take it. */
  async set(key: SharedCacheKey, value: Buffer | string, ttlMs: number): Promise<boolean> {
    const ttl = Math.max(1, Math.floor(ttlMs));
    const result = await this.link.run((redis) => redis.set(key, this.sealer.seal(value, key), 'PX', ttl));
    return result.ok;
  }

  /** DEL; false when Redis did not take it. */
  async delete(keys: readonly SharedCacheKey[]): Promise<boolean> {
    if (keys.length === 0) return true;
    const result = await this.link.run((redis) => redis.del(...keys));
    return result.ok;
  }

  /** The connection's epoch (0 until first bumped); undefined when Redis did not answer. */
  async epochOf(connectionScope: string): Promise<number | undefined> {
    return this.readEpoch(this.epochKey(connectionScope));
  }

  /** Orphans every entry of the connection, on every replica; the new epoch, or undefined when Redis did not take it. */
  async bumpEpoch(connectionScope: string): Promise<number | undefined> {
    return this.incrementEpoch(this.epochKey(connectionScope));
  }

  async globalEpoch(): Promise<number | undefined> {
    return this.readEpoch(this.globalEpochKey());
  }

  /** Orphans every entry of every connection. */
  async bumpGlobalEpoch(): Promise<number | undefined> {
    return this.incrementEpoch(this.globalEpochKey());
  }

  private async readEpoch(key: string): Promise<number | undefined> {
    const result = await this.link.run((redis) => redis.get(key));
    return result.ok ? epochValue(result.value) : undefined;
  }

  // Epoch keys have no TTL: one small counter per connection that was ever invalidated. Letting
  // one expire would reset it to 0 and could bring back entries written under epoch 0.
  private async incrementEpoch(key: string): Promise<number | undefined> {
    const result = await this.link.run((redis) => redis.incr(key));
    return result.ok ? result.value : undefined;
  }

  private epochKey(connectionScope: string): string {
    return `${this.link.keyPrefix}v1:e:${this.sealer.keyFor('epoch', connectionScope)}`;
  }

  private globalEpochKey(): string {
    return `${this.link.keyPrefix}v1:e:all`;
  }
}

/** An epoch as stored: a missing key is epoch 0; anything that is not a counter is treated as 0 too. */
function epochValue(raw: string | null): number {
  const value = raw === null ? 0 : Number(raw);
  return Number.isSafeInteger(value) ? value : 0;
}

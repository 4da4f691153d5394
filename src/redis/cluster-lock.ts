import { randomBytes } from 'node:crypto';
import type { RedisLink } from './redis-link';
import type { Sealer } from './sealing';

/** A held lock: its key and the random token that proves who holds it. */
export interface Lock {
  readonly key: string;
  readonly token: string;
}

/** `won`: the lock is ours; `lost`: someone else holds it; `unavailable`: Redis did not answer. */
export type LockAttempt = { outcome: 'won'; lock: Lock } | { outcome: 'lost' } | { outcome: 'unavailable' };

// Compare-and-delete in one step: a holder whose lock expired and was taken by another replica
// must not delete the new holder's lock (the fencing check).
const RELEASE_IF_OURS = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** A cluster-wide mutual exclusion with expiry: `SET key token NX PX ttl`. */
export class ClusterLock {
  constructor(
    private readonly link: RedisLink,
    private readonly sealer: Sealer,
  ) {}

  /** The lock key for `parts` (e.g. connection scope and secret id): `<prefix>v1:l:<hmac>`. */
  keyFor(...parts: string[]): string {
    return `${this.link.keyPrefix}v1:l:${this.sealer.keyFor('lock', ...parts)}`;
  }

  /** The lock, or undefined when someone else holds it or Redis did not answer. */
  async acquire(key: string, ttlMs: number): Promise<Lock | undefined> {
    const attempt = await this.attempt(key, ttlMs);
    return attempt.outcome === 'won' ? attempt.lock : undefined;
  }

  /** Like acquire, telling "held by someone else" from "Redis did not answer". */
  async attempt(key: string, ttlMs: number): Promise<LockAttempt> {
    const token = randomBytes(16).toString('hex');
    const ttl = Math.max(1, Math.floor(ttlMs));
    const result = await this.link.run((redis) => redis.set(key, token, 'PX', ttl, 'NX'));
    if (!result.ok) return { outcome: 'unavailable' };
    return result.value === 'OK' ? { outcome: 'won', lock: { key, token } } : { outcome: 'lost' };
  }

  /** Deletes the lock if it is still ours; true when it was. */
  async release(lock: Lock): Promise<boolean> {
    const result = await this.link.run((redis) => redis.eval(RELEASE_IF_OURS, 1, lock.key, lock.token));
    return result.ok && result.value === 1;
  }

  /** Whether the lock is still ours (not expired, not taken over). False when Redis did not answer. */
  async isHeld(lock: Lock): Promise<boolean> {
    const result = await this.link.run((redis) => redis.get(lock.key));
    return result.ok && result.value === lock.token;
  }
}

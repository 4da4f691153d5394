import type { Logger } from '../logger';
import { ClusterLock } from './cluster-lock';
import { InvalidationBus } from './invalidation-bus';
import { resolveRedisOptions, type RedisOptions } from './options';
import { RedisLink } from './redis-link';
import { Sealer } from './sealing';
import { SharedCache } from './shared-cache';

export type { RedisOptions, ResolvedRedisOptions } from './options';
export type { RedisResult } from './redis-link';
export type { SharedCacheKey } from './shared-cache';
export type { InvalidationScope, InvalidationHandler, InvalidationMessage } from './invalidation-bus';
export type { Lock, LockAttempt } from './cluster-lock';
export type { SingleFlightOptions } from './single-flight';
export { resolveRedisOptions, RedisLink, Sealer, SharedCache, InvalidationBus, ClusterLock };
export { singleFlight } from './single-flight';

/** The pieces one replica uses, over one link; `close` ends the link (a host's client stays open). */
export interface RedisLayer {
  readonly link: RedisLink;
  readonly cache: SharedCache;
  readonly bus: InvalidationBus;
  readonly lock: ClusterLock;
  close(): Promise<void>;
}

/** Validates the options (ActivepiecesError validationFailed when wrong), loads ioredis and starts connecting. */
export function openRedisLayer(options: RedisOptions, logger: Logger): RedisLayer {
  const resolved = resolveRedisOptions(options);
  const sealer = new Sealer(resolved.encryptionKey);
  const link = RedisLink.open(resolved, logger);
  return {
    link,
    cache: new SharedCache(link, sealer),
    bus: new InvalidationBus(link, sealer),
    lock: new ClusterLock(link, sealer),
    close: () => link.close(),
  };
}

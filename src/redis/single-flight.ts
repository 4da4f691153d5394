import type { ClusterLock, Lock } from './cluster-lock';

export interface SingleFlightOptions {
  /** How long the lock lives if its holder never releases it (crash); longer than a normal load. */
  readonly lockTtlMs: number;
  /** How long a replica that lost the race waits for the winner's value before loading itself. */
  readonly maxWaitMs: number;
  /** How often it looks for that value meanwhile. */
  readonly pollMs: number;
}

/**
 * One load per key across the cluster. The replica that wins the lock runs `load` (which must
 * store its value where `readShared` finds it before resolving) and releases; the others poll
 * `readShared` until the value appears, taking the lock over if the winner released without
 * storing (its load failed), and load themselves after `maxWaitMs`. When Redis does not answer,
 * everyone simply loads: the lock saves work, it is never needed for correctness.
 */
export async function singleFlight<T>(
  lock: ClusterLock,
  lockKey: string,
  readShared: () => Promise<T | undefined>,
  load: () => Promise<T>,
  options: SingleFlightOptions,
): Promise<T> {
  const deadline = Date.now() + options.maxWaitMs;
  for (let first = true; ; first = false) {
    if (!first) {
      await sleep(Math.max(0, Math.min(options.pollMs, deadline - Date.now())));
      const shared = await readShared();
      if (shared !== undefined) return shared;
      if (Date.now() >= deadline) return load();
    }
    const attempt = await lock.attempt(lockKey, options.lockTtlMs);
    if (attempt.outcome === 'unavailable') return load();
    if (attempt.outcome === 'won') return loadHolding(lock, attempt.lock, readShared, load);
  }
}

async function loadHolding<T>(lock: ClusterLock, held: Lock, readShared: () => Promise<T | undefined>, load: () => Promise<T>): Promise<T> {
  try {
    // The previous holder may have stored and released between our last look and our win.
    return (await readShared()) ?? (await load());
  } finally {
    await lock.release(held);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

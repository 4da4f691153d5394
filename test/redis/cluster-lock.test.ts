import { singleFlight, type RedisLayer } from '../../src/redis';
import { describeWithRedis, RedisServer } from '../support/redis-server';
import { delay, withFreshRedis } from '../support/redis-layers';

const FLIGHT = { lockTtlMs: 2000, maxWaitMs: 1500, pollMs: 20 };

describeWithRedis('ClusterLock and singleFlight against a real redis-server', () => {
  const redis = withFreshRedis(() => RedisServer.start());

  it('lets one of two contenders win; release frees it', async () => {
    const a = await redis.replicas.replica();
    const b = await redis.replicas.replica();
    const key = a.lock.keyFor('conn-1', 'db/password');
    const [la, lb] = await Promise.all([a.lock.acquire(key, 5000), b.lock.acquire(key, 5000)]);
    expect([la, lb].filter(Boolean)).toHaveLength(1);
    const winner = (la ?? lb)!;
    expect(await a.lock.isHeld(winner)).toBe(true);
    expect(await b.lock.attempt(key, 5000)).toEqual({ outcome: 'lost' });
    expect(await a.lock.release(winner)).toBe(true);
    expect(await a.lock.isHeld(winner)).toBe(false);
    expect(await b.lock.acquire(key, 5000)).toBeDefined();
  });

  it('expires', async () => {
    const a = await redis.replicas.replica();
    const key = a.lock.keyFor('k');
    const lock = (await a.lock.acquire(key, 100))!;
    expect(await a.lock.acquire(key, 100)).toBeUndefined();
    await delay(200);
    expect(await a.lock.isHeld(lock)).toBe(false);
    expect(await a.lock.acquire(key, 100)).toBeDefined();
  });

  it('fencing: a holder whose lock expired and was re-acquired by someone else does not delete theirs', async () => {
    const a = await redis.replicas.replica();
    const b = await redis.replicas.replica();
    const key = a.lock.keyFor('k');
    const stale = (await a.lock.acquire(key, 100))!;
    await delay(200);
    const fresh = (await b.lock.acquire(key, 5000))!;
    expect(await a.lock.release(stale)).toBe(false);
    expect(await b.lock.isHeld(fresh)).toBe(true);
    expect(await a.lock.isHeld(stale)).toBe(false);
  });

  it('reports unavailable (not lost) when Redis is down', async () => {
    const a = await redis.replicas.replica();
    await redis.server.kill();
    try {
      expect(await a.lock.attempt(a.lock.keyFor('k'), 1000)).toEqual({ outcome: 'unavailable' });
    } finally {
      await redis.server.restart();
    }
  });

  describe('singleFlight', () => {
    /** Two replicas sharing one "store" in Redis, counting loads. */
    async function cluster(load: (n: number) => Promise<string>) {
      const layers = [await redis.replicas.replica(), await redis.replicas.replica()];
      let loads = 0;
      const flight = async (layer: RedisLayer): Promise<string> => {
        const slot = (await layer.cache.slotFor('conn-1', 'db/password'))!;
        const readShared = async () => (await layer.cache.get(slot))?.toString();
        return singleFlight(layer.lock, layer.lock.keyFor('conn-1', 'db/password'), readShared, async () => {
          const value = await load(++loads);
          await layer.cache.set(slot, value, 60_000);
          return value;
        }, FLIGHT);
      };
      return { layers, flight, loads: () => loads };
    }

    it('two replicas asking at once: one loads, the other gets its value from the shared cache', async () => {
      const c = await cluster(async () => {
        await delay(150);
        return 'VAL-xyz';
      });
      const results = await Promise.all([c.flight(c.layers[0]), c.flight(c.layers[1]), c.flight(c.layers[1])]);
      expect(results).toEqual(['VAL-xyz', 'VAL-xyz', 'VAL-xyz']);
      expect(c.loads()).toBe(1);
    });

    it('when the winner fails, a waiter takes the lock over without waiting out maxWaitMs', async () => {
      const c = await cluster(async (n) => {
        await delay(100);
        if (n === 1) throw new Error('vault down');
        return 'VAL-second';
      });
      const started = Date.now();
      const [first, second] = await Promise.allSettled([c.flight(c.layers[0]), delay(20).then(() => c.flight(c.layers[1]))]);
      expect(first.status).toBe('rejected');
      expect(second).toEqual({ status: 'fulfilled', value: 'VAL-second' });
      expect(c.loads()).toBe(2);
      expect(Date.now() - started).toBeLessThan(FLIGHT.maxWaitMs);
      const layer = c.layers[0];
      expect(await layer.lock.acquire(layer.lock.keyFor('conn-1', 'db/password'), 100)).toBeDefined();
    });

    it('a waiter loads by itself after maxWaitMs when the holder never stores', async () => {
      const a = await redis.replicas.replica();
      const key = a.lock.keyFor('stuck');
      await a.lock.acquire(key, 10_000);
      let loads = 0;
      const started = Date.now();
      const value = await singleFlight(a.lock, key, async () => undefined, async () => `loaded-${++loads}`, { lockTtlMs: 1000, maxWaitMs: 300, pollMs: 50 });
      expect(value).toBe('loaded-1');
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('degrades to a plain load when Redis is down', async () => {
      const a = await redis.replicas.replica();
      await redis.server.kill();
      try {
        const started = Date.now();
        const value = await singleFlight(a.lock, a.lock.keyFor('k'), async () => undefined, async () => 'direct', FLIGHT);
        expect(value).toBe('direct');
        expect(Date.now() - started).toBeLessThan(500);
      } finally {
        await redis.server.restart();
      }
    });
  });
});

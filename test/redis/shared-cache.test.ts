import { describeWithRedis, RedisServer } from '../support/redis-server';
import { delay, withFreshRedis } from '../support/redis-layers';

describeWithRedis('SharedCache against a real redis-server', () => {
  const redis = withFreshRedis(() => RedisServer.start());

  it('shares a value between replicas; a miss is undefined', async () => {
    const a = await redis.replicas.replica();
    const b = await redis.replicas.replica();
    const keyA = (await a.cache.slotFor('conn-1', 'db/password'))!;
    expect(await a.cache.get(keyA)).toBeUndefined();
    expect(await a.cache.set(keyA, '{"password":"VAL-xyz"}', 60_000)).toBe(true);
    const keyB = (await b.cache.slotFor('conn-1', 'db/password'))!;
    expect(keyB).toBe(keyA);
    expect((await b.cache.get(keyB))?.toString()).toBe('{"password":"VAL-xyz"}');
    expect(await b.cache.get((await b.cache.slotFor('conn-1', 'db/other'))!)).toBeUndefined();
    expect(await b.cache.get((await b.cache.slotFor('conn-2', 'db/password'))!)).toBeUndefined();
    expect(keyA).toMatch(/^ap-vault:v1:s:[0-9a-f]{64}$/);
  });

  it('stores with SET PX: the TTL is set and the entry expires', async () => {
    const a = await redis.replicas.replica();
    const raw = await redis.replicas.raw();
    const key = (await a.cache.slotFor('conn-1', 's'))!;
    await a.cache.set(key, 'VAL-xyz', 150);
    const ttl = await raw.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(150);
    await delay(250);
    expect(await a.cache.get(key)).toBeUndefined();
  });

  it("bumping a connection's epoch orphans its entries on every replica, and only its own", async () => {
    const a = await redis.replicas.replica();
    const b = await redis.replicas.replica();
    const old1 = (await a.cache.slotFor('conn-1', 's'))!;
    const old2 = (await a.cache.slotFor('conn-2', 's'))!;
    await a.cache.set(old1, 'one', 60_000);
    await a.cache.set(old2, 'two', 60_000);
    expect(await a.cache.epochOf('conn-1')).toBe(0);
    expect(await a.cache.bumpEpoch('conn-1')).toBe(1);
    expect(await b.cache.epochOf('conn-1')).toBe(1);
    const new1 = (await b.cache.slotFor('conn-1', 's'))!;
    expect(new1).not.toBe(old1);
    expect(await b.cache.get(new1)).toBeUndefined();
    expect((await b.cache.get((await b.cache.slotFor('conn-2', 's'))!))?.toString()).toBe('two');
    // A write that read its slot before the bump lands where nobody looks any more.
    await a.cache.set(old1, 'stale', 60_000);
    expect(await b.cache.get((await b.cache.slotFor('conn-1', 's'))!)).toBeUndefined();
  });

  it('bumping the global epoch orphans every connection', async () => {
    const a = await redis.replicas.replica();
    const k1 = (await a.cache.slotFor('conn-1', 's'))!;
    const k2 = (await a.cache.slotFor('conn-2', 's'))!;
    await a.cache.set(k1, 'one', 60_000);
    await a.cache.set(k2, 'two', 60_000);
    expect(await a.cache.globalEpoch()).toBe(0);
    expect(await a.cache.bumpGlobalEpoch()).toBe(1);
    expect(await a.cache.get((await a.cache.slotFor('conn-1', 's'))!)).toBeUndefined();
    expect(await a.cache.get((await a.cache.slotFor('conn-2', 's'))!)).toBeUndefined();
  });

  it('deletes entries', async () => {
    const a = await redis.replicas.replica();
    const k1 = (await a.cache.slotFor('conn-1', 's1'))!;
    const k2 = (await a.cache.slotFor('conn-1', 's2'))!;
    await a.cache.set(k1, 'one', 60_000);
    await a.cache.set(k2, 'two', 60_000);
    expect(await a.cache.delete([k1, k2])).toBe(true);
    expect(await a.cache.get(k1)).toBeUndefined();
    expect(await a.cache.get(k2)).toBeUndefined();
    expect(await a.cache.delete([])).toBe(true);
  });

  it('treats a stored value that does not open as a miss: garbage, or a value moved from another key', async () => {
    const a = await redis.replicas.replica();
    const raw = await redis.replicas.raw();
    const k1 = (await a.cache.slotFor('conn-1', 's1'))!;
    const k2 = (await a.cache.slotFor('conn-1', 's2'))!;
    await a.cache.set(k1, 'one', 60_000);
    await raw.set(k2, (await raw.get(k1))!);
    expect(await a.cache.get(k2)).toBeUndefined();
    await raw.set(k1, 'garbage');
    expect(await a.cache.get(k1)).toBeUndefined();
    const otherKey = await redis.replicas.replica(undefined, { encryptionKey: 'a-different-encryption-key-32chars' });
    const k3 = (await otherKey.cache.slotFor('conn-1', 's1'))!;
    await otherKey.cache.set(k3, 'other', 60_000);
    expect(await a.cache.get(k3 as never)).toBeUndefined();
  });

  it('answers undefined / false quickly when Redis is down', async () => {
    const a = await redis.replicas.replica();
    const key = (await a.cache.slotFor('conn-1', 's'))!;
    await redis.server.kill();
    try {
      const started = Date.now();
      expect(await a.cache.slotFor('conn-1', 's')).toBeUndefined();
      expect(await a.cache.get(key)).toBeUndefined();
      expect(await a.cache.set(key, 'v', 1000)).toBe(false);
      expect(await a.cache.delete([key])).toBe(false);
      expect(await a.cache.bumpEpoch('conn-1')).toBeUndefined();
      expect(await a.cache.epochOf('conn-1')).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await redis.server.restart();
    }
  });
});

import { singleFlight } from '../../src/redis';
import { CapturingLogger } from '../support/capturing-logger';
import { describeWithRedis, RedisServer } from '../support/redis-server';
import { eventually, RedisReplicas } from '../support/redis-layers';

// Distinctive strings in every role the provider will give them: value, Role ID, Secret ID, path, connection.
const PLANTED = {
  value: 'VAL-xyz-9f3k2',
  roleId: 'ROLE-ID-7c1e4d',
  secretId: 'SECRET-ID-a8b2c0',
  path: 'kv/data/PLANTED-PATH/db',
  connection: 'CONN-ID-55aa77',
  url: 'https://PLANTED-VAULT.example:8200',
};

describeWithRedis('nothing reaches Redis in clear', () => {
  let server: RedisServer;
  let replicas: RedisReplicas;

  beforeAll(async () => {
    server = await RedisServer.start();
    replicas = new RedisReplicas(server);
  });
  afterAll(async () => {
    await replicas.closeAll();
    await server.stop();
  });

  it('every key, value and pub/sub message is free of planted strings', async () => {
    const logger = new CapturingLogger();
    const a = await replicas.replica(logger);
    const b = await replicas.replica(logger);
    const raw = await replicas.raw();
    const wire: string[] = [];
    const spy = await replicas.raw();
    spy.on('message', (channel: string, message: string) => wire.push(`${channel} ${message}`));
    await spy.subscribe(a.bus.channel);
    b.bus.subscribe(() => undefined);

    const scope = `${PLANTED.connection}|${PLANTED.url}|${PLANTED.roleId}|${PLANTED.secretId}`;
    const secretValue = JSON.stringify({ password: PLANTED.value, roleId: PLANTED.roleId, secretId: PLANTED.secretId });
    const slot = (await a.cache.slotFor(scope, PLANTED.path))!;
    await a.cache.set(slot, secretValue, 60_000);
    const lockKey = a.lock.keyFor(scope, PLANTED.path);
    const held = (await a.lock.acquire(lockKey, 60_000))!;
    await singleFlight(b.lock, b.lock.keyFor(scope, `${PLANTED.path}/2`), async () => undefined, async () => {
      await b.cache.set((await b.cache.slotFor(scope, `${PLANTED.path}/2`))!, secretValue, 60_000);
      return secretValue;
    }, { lockTtlMs: 60_000, maxWaitMs: 100, pollMs: 10 });
    await a.cache.bumpEpoch(scope);
    await a.cache.set((await a.cache.slotFor(scope, PLANTED.path))!, secretValue, 60_000);
    await a.bus.publish({ connectionId: PLANTED.connection });
    await a.bus.publish('all');
    await eventually(() => wire.length === 2);

    const stored: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'COUNT', 100);
      cursor = next;
      for (const key of keys) stored.push(key, (await raw.get(key)) ?? '');
    } while (cursor !== '0');
    // Value, two sealed entries after the bump, lock, epoch: the scan saw what was written.
    expect(stored.length).toBeGreaterThanOrEqual(2 * 4);
    expect(stored).toContain(held.token);

    const everything = [...stored, ...wire, logger.renderAll()].join('\n');
    for (const planted of Object.values(PLANTED)) {
      expect(everything).not.toContain(planted);
      expect(everything).not.toContain(Buffer.from(planted).toString('base64'));
    }
  });
});

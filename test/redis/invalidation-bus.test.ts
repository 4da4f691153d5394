import type { InvalidationScope } from '../../src/redis';
import { describeWithRedis, RedisServer } from '../support/redis-server';
import { delay, eventually, RedisReplicas } from '../support/redis-layers';

describeWithRedis('InvalidationBus against a real redis-server', () => {
  let server: RedisServer;
  let replicas: RedisReplicas;

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  beforeEach(() => {
    replicas = new RedisReplicas(server);
  });
  afterEach(() => replicas.closeAll());
  afterAll(() => server.stop());

  async function listening(): Promise<{ layer: Awaited<ReturnType<RedisReplicas['replica']>>; received: InvalidationScope[] }> {
    const layer = await replicas.replica();
    const received: InvalidationScope[] = [];
    layer.bus.subscribe((scope) => received.push(scope));
    return { layer, received };
  }

  it("reaches the other replica, not itself; the receiver matches connections by hashing its own ids", async () => {
    const a = await listening();
    const b = await listening();
    await eventually(async () => (await a.layer.link.publish(a.layer.bus.channel, 'probe')) === 2);

    expect(await a.layer.bus.publish({ connectionId: 'conn-1' })).toEqual({ reached: true });
    expect(await a.layer.bus.publish('all')).toEqual({ reached: true });
    await eventually(() => b.received.length === 2);
    expect(b.layer.bus.concerns(b.received[0], 'conn-1')).toBe(true);
    expect(b.layer.bus.concerns(b.received[0], 'conn-2')).toBe(false);
    expect(b.received[1]).toBe('all');
    expect(b.layer.bus.concerns('all', 'conn-2')).toBe(true);
    await delay(100);
    expect(a.received).toEqual([]);
  });

  it('puts no connection id on the wire, and ignores malformed messages', async () => {
    const b = await listening();
    const a = await replicas.replica();
    const spy = await replicas.raw();
    const wire: string[] = [];
    spy.on('message', (_channel: string, message: string) => wire.push(message));
    await spy.subscribe(a.bus.channel);

    for (const junk of ['not json', '{}', '{"origin":"x","scope":{"connection":"conn-1"}}', '{"origin":1,"scope":"all"}', 'null']) {
      await (await replicas.raw()).publish(a.bus.channel, junk);
    }
    await a.bus.publish({ connectionId: 'CONNECTION-ID-planted' });
    await eventually(() => b.received.length === 1 && wire.length === 6);
    expect(wire[5]).not.toContain('CONNECTION-ID-planted');
    expect(JSON.parse(wire[5])).toEqual({ origin: a.bus.origin, scope: { connection: a.bus.connectionTag('CONNECTION-ID-planted') } });
  });

  it('says reached:false, quickly, when Redis is down', async () => {
    const a = await replicas.replica();
    await server.kill();
    try {
      const started = Date.now();
      expect(await a.bus.publish('all')).toEqual({ reached: false });
      expect(await a.bus.publish({ connectionId: 'conn-1' })).toEqual({ reached: false });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await server.restart();
    }
  });

  it('says reached:false within the timeout when Redis is frozen', async () => {
    const a = await replicas.replica();
    server.pause();
    try {
      const started = Date.now();
      expect(await a.bus.publish('all')).toEqual({ reached: false });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      server.resume();
    }
  });
});

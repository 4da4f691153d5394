import { Redis } from 'ioredis';
import { resolveRedisOptions, type RedisOptions } from '../../src/redis/options';
import { RedisLink } from '../../src/redis/redis-link';
import { CapturingLogger } from '../support/capturing-logger';
import { describeWithRedis, RedisServer } from '../support/redis-server';

const ENCRYPTION_KEY = 'k'.repeat(32);
const TIMEOUT_MS = 200;
// Generous for a loaded 2-core machine; a call that is not bounded takes seconds or forever.
const BOUND_MS = TIMEOUT_MS + 600;

describeWithRedis('RedisLink against a real redis-server', () => {
  let server: RedisServer;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    while (closers.length > 0) await closers.pop()!();
  });
  afterAll(async () => {
    await server.stop();
  });

  function openLink(logger: CapturingLogger, options: Partial<RedisOptions> = {}): RedisLink {
    const link = RedisLink.open(resolveRedisOptions({ encryptionKey: ENCRYPTION_KEY, commandTimeoutMs: TIMEOUT_MS, ...(options.client ? {} : { url: server.url }), ...options }), logger);
    closers.push(() => link.close());
    return link;
  }

  function hostClient(): Redis {
    const client = new Redis({ host: '127.0.0.1', port: server.port });
    client.on('error', () => undefined);
    closers.push(async () => client.disconnect());
    return client;
  }

  async function untilUp(link: RedisLink): Promise<void> {
    await eventually(async () => (await link.run((r) => r.ping())).ok);
  }

  async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
    const started = Date.now();
    const result = await call();
    return { result, ms: Date.now() - started };
  }

  async function connectionCounter(): Promise<() => Promise<number>> {
    const admin = hostClient();
    await admin.ping();
    return async () => ((await admin.client('LIST')) as string).trim().split('\n').length - 1; // minus admin itself
  }

  it('runs commands; an error reply is "rejected" and is no outage', async () => {
    const logger = new CapturingLogger();
    const link = openLink(logger);
    await untilUp(link);
    await expect(link.run((r) => r.set('plain', '1'))).resolves.toEqual({ ok: true, value: 'OK' });
    await expect(link.run((r) => r.lpush('plain', 'x'))).resolves.toEqual({ ok: false, failure: 'rejected' });
    expect(logger.find(/unreachable/)).toHaveLength(0);
  });

  it('while Redis is dead every call returns within the timeout, and the outage is logged once each way', async () => {
    const logger = new CapturingLogger();
    const link = openLink(logger);
    await untilUp(link);
    await server.kill();
    for (let i = 0; i < 20; i++) {
      const { result, ms } = await timed(() => link.run((r) => r.get('k')));
      expect(result).toEqual({ ok: false, failure: 'unavailable' });
      expect(ms).toBeLessThan(BOUND_MS);
    }
    expect(logger.find(/unreachable/, 'warn')).toHaveLength(1);
    await server.restart();
    await untilUp(link);
    for (let i = 0; i < 5; i++) expect((await link.run((r) => r.ping())).ok).toBe(true);
    expect(logger.find(/reachable again/, 'info')).toHaveLength(1);
    expect(logger.find(/unreachable/, 'warn')).toHaveLength(1);
  });

  it('while Redis is frozen (SIGSTOP) calls are still bounded, one probe at a time; it recovers on SIGCONT', async () => {
    const logger = new CapturingLogger();
    const link = openLink(logger);
    await untilUp(link);
    server.pause();
    try {
      const calls = await Promise.all(Array.from({ length: 10 }, () => timed(() => link.run((r) => r.get('k')))));
      for (const { result, ms } of calls) {
        expect(result.ok).toBe(false);
        expect(ms).toBeLessThan(BOUND_MS);
      }
      // Now known down: one call probes (and waits out the timeout), the others fail at once.
      const later = await Promise.all(Array.from({ length: 10 }, () => timed(() => link.run((r) => r.get('k')))));
      expect(later.every(({ result }) => !result.ok)).toBe(true);
      expect(later.filter(({ ms }) => ms >= TIMEOUT_MS / 2)).toHaveLength(1);
      expect(Math.max(...later.map(({ ms }) => ms))).toBeLessThan(BOUND_MS);
      expect(logger.find(/unreachable/, 'warn')).toHaveLength(1);
    } finally {
      server.resume();
    }
    await untilUp(link);
    expect(logger.find(/reachable again/, 'info')).toHaveLength(1);
  });

  it("bounds calls on a host's client that has no commandTimeout and an offline queue, frozen Redis included", async () => {
    const logger = new CapturingLogger();
    const client = hostClient();
    await client.ping();
    const link = openLink(logger, { client });
    server.pause();
    try {
      const { result, ms } = await timed(() => link.run((r) => r.get('k')));
      expect(result).toEqual({ ok: false, failure: 'unavailable' });
      expect(ms).toBeLessThan(BOUND_MS);
    } finally {
      server.resume();
    }
    await untilUp(link);
  });

  it('fires onReconnect when the pub/sub connection is subscribed again after a restart, and delivers again', async () => {
    const logger = new CapturingLogger();
    const link = openLink(logger);
    const received: string[] = [];
    link.subscribe('chan', (m) => received.push(m));
    let reconnects = 0;
    link.onReconnect(() => reconnects++);
    await untilUp(link);
    await eventually(async () => (await link.publish('chan', 'before')) === 1);
    await eventually(async () => received.includes('before'));
    expect(reconnects).toBe(0);

    await server.kill();
    await server.restart();
    await eventually(async () => reconnects === 1);
    await untilUp(link);
    await link.publish('chan', 'after');
    await eventually(async () => received.includes('after'));
    expect(reconnects).toBe(1);
  });

  it("never quits a host's client; closes the pub/sub duplicate and its own connections", async () => {
    const connectionCount = await connectionCounter();
    const baseline = await connectionCount();
    const client = hostClient();
    await client.ping();
    const link = openLink(new CapturingLogger(), { client });
    link.subscribe('chan', () => undefined);
    await eventually(async () => (await connectionCount()) === baseline + 2);
    await link.close();
    await expect(client.ping()).resolves.toBe('PONG');
    await eventually(async () => (await connectionCount()) === baseline + 1);

    const owned = openLink(new CapturingLogger());
    owned.subscribe('chan', () => undefined);
    await untilUp(owned);
    await eventually(async () => (await connectionCount()) === baseline + 3);
    await owned.close();
    await eventually(async () => (await connectionCount()) === baseline + 1);
    await expect(owned.run((r) => r.ping())).resolves.toEqual({ ok: false, failure: 'unavailable' });
  });
});

async function eventually(check: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

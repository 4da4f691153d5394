import { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../../src/logger';
import { openRedisLayer, type RedisLayer, type RedisOptions } from '../../src/redis';
import type { RedisServer } from './redis-server';

export const TEST_ENCRYPTION_KEY = 'test-encryption-key-0123456789abcdef';

/** Replicas (layers) and raw clients on one test server, all closed by `closeAll`. */
export class RedisReplicas {
  private readonly closers: Array<() => Promise<unknown>> = [];

  constructor(private readonly server: RedisServer) {}

  /** One replica's Redis layer, connected. */
  async replica(logger: Logger = silentLogger, options: Partial<RedisOptions> = {}): Promise<RedisLayer> {
    const layer = openRedisLayer({ url: this.server.url, encryptionKey: TEST_ENCRYPTION_KEY, ...options }, logger);
    this.closers.push(() => layer.close());
    await eventually(async () => (await layer.link.run((r) => r.ping())).ok);
    return layer;
  }

  /** A plain client for looking at what is stored. */
  async raw(): Promise<Redis> {
    const client = new Redis({ host: '127.0.0.1', port: this.server.port });
    client.on('error', () => undefined);
    this.closers.push(async () => client.disconnect());
    await client.ping();
    return client;
  }

  async closeAll(): Promise<void> {
    while (this.closers.length > 0) await this.closers.pop()!();
  }
}

export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(25);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What `withFreshRedis` gives a suite: its redis-server, and replicas made anew (on an emptied Redis) for each test. */
export interface FreshRedis {
  readonly server: RedisServer;
  readonly replicas: RedisReplicas;
}

/**
 * The usual hooks of a Redis suite: one real redis-server for the file, emptied before each test,
 * with fresh replicas that are closed after it. Call inside `describeWithRedis`.
 */
export function withFreshRedis(start: () => Promise<RedisServer>): FreshRedis {
  const state: { server?: RedisServer; replicas?: RedisReplicas } = {};
  beforeAll(async () => {
    state.server = await start();
  });
  beforeEach(async () => {
    state.replicas = new RedisReplicas(state.server!);
    await (await state.replicas.raw()).flushall();
  });
  afterEach(() => state.replicas?.closeAll());
  afterAll(() => state.server?.stop());
  return {
    get server() {
      return state.server!;
    },
    get replicas() {
      return state.replicas!;
    },
  };
}

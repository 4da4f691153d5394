/**
 * The baseline with the built-in's shared Redis cache, as upstream has it since March 2026
 * (activepieces/activepieces, packages/server/api/src/app/ee/secret-managers/: the service's cache
 * moved from node-cache to Redis so that clearing it reaches every replica): a key per platform,
 * connection and full path, 1 hour, checked and filled around the provider's `getSecret` (login
 * + sys/mounts + read per miss) with no single-flight, so replicas that miss at once all go to
 * Vault. The refresh icon deletes the connection's keys.
 * Left out, in the baseline's favour: the encryption of the cached value.
 */
import { Redis } from 'ioredis';
import { BaselineHashicorpProvider, BaselineHttp, failed, type BaselineConnection } from './baseline-provider';
import { ErrorCode } from '../test/support/activepieces';

const ONE_HOUR_SECONDS = 3600;

export class BaselineRedisSecretManagers {
  private readonly http = new BaselineHttp();
  private readonly provider = new BaselineHashicorpProvider(this.http);
  private readonly redis: Redis;

  constructor(
    private readonly platformId: string,
    private readonly connections: ReadonlyMap<string, BaselineConnection>,
    redisUrl: string,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
  }

  async getSecret({ connectionId, path }: { connectionId: string; path: string }): Promise<string> {
    const connection = this.connections.get(connectionId);
    if (!connection) throw failed(ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, 'Connection is not accessible');
    const key = this.cacheKey(connectionId, path);
    const cached = await this.redis.get(key);
    if (cached !== null) return cached;
    const secret = await this.provider.getSecret(path, connection.config);
    await this.redis.set(key, secret, 'EX', ONE_HOUR_SECONDS);
    return secret;
  }

  /** The refresh icon: every cached path of the connection, on every replica (they share the keys). */
  async clearConnection(connectionId: string): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.cacheKey(connectionId, '')}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await this.redis.del(...keys);
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    this.http.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private cacheKey(connectionId: string, path: string): string {
    return `${this.platformId}:secret:${connectionId}:${path}`;
  }
}

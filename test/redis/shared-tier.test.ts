/**
 * The provider with the redis option, two replicas in this process: the parts the four-process
 * suite does not pin down (warnings per outage, TTL in Redis, a 0 s TTL, a value that does not open).
 */
import type { HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { createHashicorpVaultProvider } from '../../src';
import type { VaultDouble } from '../../src/testing/vault-double';
import type { VaultAdmin } from '../../src/testing/vault-admin';
import { CapturingLogger } from '../support/capturing-logger';
import { startProvisionedDouble } from '../support/fixtures';
import { RedisReplicas, TEST_ENCRYPTION_KEY } from '../support/redis-layers';
import { describeWithRedis, RedisServer } from '../support/redis-server';
import { vaultCounts, type VaultCounts } from '../support/vault-counts';

describeWithRedis('the shared tier in the provider', () => {
  let server: RedisServer;
  let double: VaultDouble;
  let admin: VaultAdmin;
  let kvMount: string;
  let config: HashicorpVaultConfig;
  let counts: VaultCounts;
  let inspector: RedisReplicas;
  const providers: HashicorpVaultProvider[] = [];
  const replica = (logger = new CapturingLogger()): HashicorpVaultProvider => {
    const provider = createHashicorpVaultProvider({ logger, redis: { url: server.url, encryptionKey: TEST_ENCRYPTION_KEY, commandTimeoutMs: 200 } });
    providers.push(provider);
    return provider;
  };
  const path = (name: string): string => `${kvMount}/data/app/${name}/password`;

  beforeAll(async () => {
    const vault = await startProvisionedDouble();
    ({ double, admin } = vault.target);
    kvMount = vault.kvMount;
    config = vault.config;
    counts = vaultCounts(double, kvMount);
    for (const name of ['a', 'b', 'c', 'd', 'e']) await admin.putKv2(kvMount, `app/${name}`, { password: `pw-${name}` });
    server = await RedisServer.start();
    inspector = new RedisReplicas(server);
  });

  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await inspector.closeAll();
    await server.stop();
    await double.stop();
  });

  it('stores a value with the connection TTL, and a second replica reads it without Vault', async () => {
    const raw = await inspector.raw();
    const ttlConfig = { ...config, cacheTtlSeconds: 120 };
    expect(await replica().resolve({ connectionId: 'ttl', config: ttlConfig, path: path('a') })).toBe('pw-a');
    const keys = await raw.keys('ap-vault:v1:s:*');
    expect(keys).toHaveLength(1);
    const ttl = await raw.pttl(keys[0]);
    expect(ttl).toBeGreaterThan(110_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
    double.clearRequests();
    expect(await replica().resolve({ connectionId: 'ttl', config: ttlConfig, path: path('a') })).toBe('pw-a');
    expect(counts.total()).toBe(0);
  });

  it('with a 0 s TTL, nothing goes to Redis', async () => {
    const raw = await inspector.raw();
    await raw.flushall();
    expect(await replica().resolve({ connectionId: 'zero', config: { ...config, cacheTtlSeconds: 0 }, path: path('b') })).toBe('pw-b');
    expect(await raw.keys('ap-vault:v1:s:*')).toHaveLength(0);
  });

  it('a stored value that does not open (tampered, other key) is a miss: Vault is read', async () => {
    const raw = await inspector.raw();
    await raw.flushall();
    const first = replica();
    await first.resolve({ connectionId: 'tamper', config, path: path('c') });
    const [key] = await raw.keys('ap-vault:v1:s:*');
    await raw.set(key, `${(await raw.get(key))!.slice(0, -4)}AAAA`);
    double.clearRequests();
    expect(await replica().resolve({ connectionId: 'tamper', config, path: path('c') })).toBe('pw-c');
    expect(counts.reads('app/c')).toBe(1);
  });

  it('closing a replica is no invalidation: the values the others share stay', async () => {
    const raw = await inspector.raw();
    await raw.flushall();
    const leaving = replica();
    await leaving.resolve({ connectionId: 'leaving', config, path: path('d') });
    await leaving.close();
    expect(await raw.keys('ap-vault:v1:e:*')).toEqual([]);
    double.clearRequests();
    expect(await replica().resolve({ connectionId: 'leaving', config, path: path('d') })).toBe('pw-d');
    expect(counts.total()).toBe(0);
  });

  it('while Redis is down: resolves read Vault, one outage warning in all, and each invalidate says the others were not reached', async () => {
    const logger = new CapturingLogger();
    const provider = replica(logger);
    await provider.resolve({ connectionId: 'down', config, path: path('a') });
    await server.kill();
    try {
      for (const name of ['b', 'c', 'd', 'e']) expect(await provider.resolve({ connectionId: 'down', config, path: path(name) })).toBe(`pw-${name}`);
      expect(await provider.invalidate({ connectionId: 'down' })).toEqual({ otherReplicasReached: false });
      expect(await provider.invalidate()).toEqual({ otherReplicasReached: false });
      expect(await provider.resolve({ connectionId: 'down', config, path: path('a') })).toBe('pw-a');
      expect(logger.find(/Redis unreachable/, 'warn')).toHaveLength(1);
      expect(logger.find(/did not take the invalidation/, 'warn')).toHaveLength(2);
    } finally {
      await server.restart();
    }
    expect(await createHashicorpVaultProvider().invalidate()).toEqual({ otherReplicasReached: true });
  });
});

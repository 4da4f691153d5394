/**
 * Four replica processes, one redis-server, the Vault double in this process (issue 10 item 6):
 * one Vault read for a cold secret across replicas, invalidation that reaches every replica,
 * resolves that go on while Redis is gone, coherence once it is back, and nothing in clear in Redis.
 */
import type { Redis } from 'ioredis';
import type { HashicorpVaultConfig } from '../../src';
import type { VaultDouble } from '../../src/testing/vault-double';
import type { VaultAdmin } from '../../src/testing/vault-admin';
import { startProvisionedDouble } from '../support/fixtures';
import { RedisReplicas, TEST_ENCRYPTION_KEY } from '../support/redis-layers';
import { describeWithRedis, RedisServer } from '../support/redis-server';
import { ReplicaProcess, startReplicas, stopReplicas } from '../support/replica-processes';
import { vaultCounts, type VaultCounts } from '../support/vault-counts';

const CONNECTION_ID = 'conn-replicas';
const PLANTED = ['PLANTED-value-q7w1x', 'PLANTED-value-r2d9k', 'PLANTED-value-z5m3n', 'PLANTED-other-b8c4v'];

describeWithRedis('four replicas over one Redis', () => {
  let server: RedisServer;
  let double: VaultDouble;
  let admin: VaultAdmin;
  let kvMount: string;
  let config: HashicorpVaultConfig;
  let counts: VaultCounts;
  let replicas: ReplicaProcess[] = [];
  let inspector: RedisReplicas;
  const path = (secret: string): string => `${kvMount}/data/${secret}/password`;
  const resolveAll = (secret: string): Promise<string[]> => Promise.all(replicas.map((r) => r.resolve(CONNECTION_ID, config, path(secret))));

  beforeAll(async () => {
    const vault = await startProvisionedDouble();
    double = vault.target.double;
    admin = vault.target.admin;
    kvMount = vault.kvMount;
    config = vault.config;
    counts = vaultCounts(double, kvMount);
    await admin.putKv2(kvMount, 'app/db', { password: PLANTED[0] });
    server = await RedisServer.start();
    inspector = new RedisReplicas(server);
    replicas = await startReplicas(4, { redisUrl: server.url, encryptionKey: TEST_ENCRYPTION_KEY });
  }, 60_000);

  afterAll(async () => {
    await stopReplicas(replicas);
    await inspector?.closeAll();
    await server?.stop();
    await double?.stop();
  }, 30_000);

  it('4 replicas resolving one cold secret at once cause one Vault read and one login', async () => {
    double.clearRequests();
    expect(await resolveAll('app/db')).toEqual(Array(4).fill(PLANTED[0]));
    expect(counts.reads('app/db')).toBe(1);
    // The replicas that found the value in Redis never needed a token.
    expect(counts.logins()).toBe(1);
  });

  it('an invalidate on one replica makes every other one serve the new value', async () => {
    await admin.putKv2(kvMount, 'app/db', { password: PLANTED[1] });
    double.clearRequests();
    const result = await replicas[0].invalidate(CONNECTION_ID);
    const returned = process.hrtime.bigint();
    expect(result).toEqual({ otherReplicasReached: true });
    const served = await Promise.all(replicas.slice(1).map((r) => r.watch({ connectionId: CONNECTION_ID, config, path: path('app/db'), expected: PLANTED[1], everyMs: 2 })));
    const worstMs = Number(served.reduce((a, b) => (a > b ? a : b)) - returned) / 1e6;
    console.info(`replicas: invalidate reached 3 other replicas; the last served the new value ${Math.max(0, worstMs).toFixed(1)} ms after invalidate returned`);
    expect(worstMs).toBeLessThan(1000);
    // The three re-reads shared one Vault read (the invalidating replica had not re-read yet).
    expect(counts.reads('app/db')).toBe(1);
    expect(await replicas[0].resolve(CONNECTION_ID, config, path('app/db'))).toBe(PLANTED[1]);
  });

  it('Redis holds no value, Role ID, Secret ID or token in clear', async () => {
    const raw = await inspector.raw();
    const stored = await everythingStored(raw);
    const secrets = [...PLANTED.slice(0, 2), String(config.roleId), String(config.secretId), ...double.issuedTokens()];
    expect(double.issuedTokens().length).toBeGreaterThan(0);
    // Sealed values, epoch, nothing else: the scan saw what the replicas wrote.
    expect(stored.length).toBeGreaterThanOrEqual(4);
    const everything = stored.join('\n');
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(Buffer.from(secret).toString('base64'));
    }
  });

  it('with Redis killed, resolves go on from the in-process cache and from Vault, and invalidate says it did not reach the others', async () => {
    await admin.putKv2(kvMount, 'app/other', { password: PLANTED[3] });
    await server.kill();
    const started = Date.now();
    expect(await resolveAll('app/db')).toEqual(Array(4).fill(PLANTED[1]));
    expect(await resolveAll('app/other')).toEqual(Array(4).fill(PLANTED[3]));
    // Well within the request deadline (10 s): each Redis call is bounded to 200 ms and skipped while Redis is known down.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await replicas[2].invalidate(CONNECTION_ID)).toEqual({ otherReplicasReached: false });
  });

  it('once Redis is back, replicas that lost their subscription dropped their cache, and invalidations reach every replica again', async () => {
    await admin.putKv2(kvMount, 'app/db', { password: PLANTED[2] });
    await server.restart();
    // No invalidation was sent: only a replica that dropped its in-process cache on resubscribing reads the new value.
    await Promise.all(replicas.map((r) => r.watch({ connectionId: CONNECTION_ID, config, path: path('app/db'), expected: PLANTED[2], everyMs: 20 })));

    await admin.putKv2(kvMount, 'app/other', { password: 'PLANTED-other-after' });
    const outcome = await replicas[3].invalidate(CONNECTION_ID);
    expect(outcome).toEqual({ otherReplicasReached: true });
    await Promise.all(replicas.slice(0, 3).map((r) => r.watch({ connectionId: CONNECTION_ID, config, path: path('app/other'), expected: 'PLANTED-other-after', everyMs: 5 })));
  }, 20_000);
});

/** Every key and its value (GET for strings, DUMP for the rest), via SCAN. */
async function everythingStored(raw: Redis): Promise<string[]> {
  const stored: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'COUNT', 100);
    cursor = next;
    for (const key of keys) {
      const type = await raw.type(key);
      const value = type === 'string' ? await raw.get(key) : (await raw.dumpBuffer(key))?.toString('latin1');
      stored.push(key, value ?? '');
    }
  } while (cursor !== '0');
  return stored;
}

/**
 * A value shared through Redis keeps the age it had when another replica read it from Vault:
 * it lives out the TTL started then (not a new one per replica), and a refresh-ahead does not
 * take a shared value as old as the one it refreshes. Real time, short TTLs (2 s).
 */
import type { HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { createHashicorpVaultProvider } from '../../src';
import type { VaultDouble } from '../../src/testing/vault-double';
import type { VaultAdmin } from '../../src/testing/vault-admin';
import { startProvisionedDouble } from '../support/fixtures';
import { TEST_ENCRYPTION_KEY } from '../support/redis-layers';
import { describeWithRedis, RedisServer } from '../support/redis-server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithRedis('the age of a shared value', () => {
  let server: RedisServer;
  let double: VaultDouble;
  let admin: VaultAdmin;
  let kvMount: string;
  let config: HashicorpVaultConfig;
  const providers: HashicorpVaultProvider[] = [];
  const replica = (refreshAheadFraction: number): HashicorpVaultProvider => {
    const provider = createHashicorpVaultProvider({ refreshAheadFraction, redis: { url: server.url, encryptionKey: TEST_ENCRYPTION_KEY } });
    providers.push(provider);
    return provider;
  };
  const reads = (name: string) => double.count({ admin: false, method: 'GET', path: `/v1/${kvMount}/data/age/${name}` });

  beforeAll(async () => {
    const vault = await startProvisionedDouble();
    ({ double, admin } = vault.target);
    kvMount = vault.kvMount;
    config = { ...vault.config, cacheTtlSeconds: 2 };
    server = await RedisServer.start();
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await server.stop();
    await double.stop();
  });

  it('a second replica does not keep a shared value past the TTL the first read started', async () => {
    await admin.putKv2(kvMount, 'age/one', { v: 'AGE-OLD-1' });
    const [a, b] = [replica(0), replica(0)];
    const path = `${kvMount}/data/age/one/v`;
    expect(await a.resolve({ connectionId: 'c', config, path })).toBe('AGE-OLD-1');
    await sleep(1200);
    expect(await b.resolve({ connectionId: 'c', config, path })).toBe('AGE-OLD-1'); // from Redis, 1.2 s old
    expect(reads('one')).toBe(1);
    await admin.putKv2(kvMount, 'age/one', { v: 'AGE-NEW-1' });
    await sleep(1100); // 2.3 s after the Vault read: its TTL is over, for every replica
    expect(await b.resolve({ connectionId: 'c', config, path })).toBe('AGE-NEW-1');
  });

  it('a refresh-ahead on a replica holding a shared value reads Vault, not the same old value from Redis', async () => {
    await admin.putKv2(kvMount, 'age/two', { v: 'AGE-OLD-2' });
    const [a, b] = [replica(0), replica(0.5)];
    const path = `${kvMount}/data/age/two/v`;
    expect(await a.resolve({ connectionId: 'c', config, path })).toBe('AGE-OLD-2');
    await sleep(1100); // past the first half of the 2 s TTL: b's copy is due for a refresh
    await admin.putKv2(kvMount, 'age/two', { v: 'AGE-NEW-2' });
    expect(await b.resolve({ connectionId: 'c', config, path })).toBe('AGE-OLD-2'); // from Redis
    expect(await b.resolve({ connectionId: 'c', config, path })).toBe('AGE-OLD-2'); // a hit: starts the refresh
    let value = '';
    for (let i = 0; i < 50 && value !== 'AGE-NEW-2'; i++) {
      await sleep(10);
      value = await b.resolve({ connectionId: 'c', config, path });
    }
    expect(value).toBe('AGE-NEW-2'); // before the 2 s TTL ends
    expect(reads('two')).toBe(2);
  });
});

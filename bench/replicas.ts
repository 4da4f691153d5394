/**
 * The replica scenarios (issue 10 item 7), ours and the baseline side by side: replica processes
 * (bench/replica-bench-worker.ts) over one redis-server, the Vault double in this process.
 * Ours: the provider with the redis option. Baseline: the built-in's service over its shared
 * Redis cache (bench/baseline-redis-cache.ts).
 *
 * Alone: `node -r ts-node/register/transpile-only bench/replicas.ts` prints the table.
 */
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { VaultAdmin } from '../src/testing/vault-admin';
import { RedisServer } from '../test/support/redis-server';
import { RedisReplicas } from '../test/support/redis-layers';
import { ReplicaProcess, startReplicas, stopReplicas } from '../test/support/replica-processes';
import { vaultCounts } from '../test/support/vault-counts';
import { CONNECTION_ID, KV_MOUNT, PLATFORM_ID, startBenchVault, type BenchVault } from './fixture';
import { median, repeat } from './measure';
import { jsonLine, table } from './report';
import type { BenchReplicaStart, Side } from './replica-bench-worker';
import type { Row } from './scenarios';
import { FIVE_SECRETS } from './scenarios';

const REPLICA_COUNTS = [1, 4, 16] as const;
const INVALIDATION_REPLICAS = 8;
const INVALIDATIONS = 40;
const COUNT_REPETITIONS = 3;
const ENCRYPTION_KEY = 'bench-encryption-key-0123456789abcdef';
const SIDES: readonly Side[] = ['ours', 'baseline'];
const FIVE_PATHS = Object.keys(FIVE_SECRETS).map((secret) => `${KV_MOUNT}/data/${secret}/user`);

/** Rows 6a-6c (Vault requests of R cold replicas) and 7a-7b (invalidation reaching 8 replicas). */
export async function replicaScenarios(): Promise<Row[]> {
  const vault = await startBenchVault({}, FIVE_SECRETS);
  const server = await RedisServer.start();
  const inspector = new RedisReplicas(server);
  let replicas: ReplicaProcess[] = [];
  try {
    const start: BenchReplicaStart = { redisUrl: server.url, encryptionKey: ENCRYPTION_KEY, platformId: PLATFORM_ID, connectionId: CONNECTION_ID, config: vault.config };
    replicas = await startReplicas(Math.max(...REPLICA_COUNTS, INVALIDATION_REPLICAS), start, join(__dirname, 'replica-bench-worker.ts'));
    const raw = await inspector.raw();
    const rows: Row[] = [];
    for (const count of REPLICA_COUNTS) rows.push(await coldReplicas(vault, raw, replicas, count));
    rows.push(...(await invalidationReach(vault, raw, replicas.slice(0, INVALIDATION_REPLICAS))));
    return rows;
  } finally {
    await stopReplicas(replicas);
    await inspector.closeAll();
    await server.stop();
    await vault.stop();
  }
}

/** Every replica cold (new provider, new baseline service, empty Redis), the double's count cleared. */
async function coldStart(vault: BenchVault, raw: Redis, replicas: readonly ReplicaProcess[]): Promise<void> {
  await Promise.all(replicas.map((r) => r.request({ kind: 'fresh' })));
  await raw.flushall();
  vault.clearRequests();
}

/** 6. `count` replicas resolve the five secrets at once, cold: what reaches Vault (median of the repetitions). */
async function coldReplicas(vault: BenchVault, raw: Redis, all: readonly ReplicaProcess[], count: number): Promise<Row> {
  const replicas = all.slice(0, count);
  const counts = vaultCounts(vault.double, KV_MOUNT);
  const figures = { ours: { total: [] as number[], reads: [] as number[], logins: [] as number[] }, baseline: { total: [] as number[], reads: [] as number[], logins: [] as number[] } };
  await repeat(COUNT_REPETITIONS, async () => {
    for (const side of SIDES) {
      await coldStart(vault, raw, all);
      const results = (await Promise.all(replicas.map((r) => r.request({ kind: 'resolve', side, paths: FIVE_PATHS })))) as string[][];
      if (!results.every((values) => values.every((v, i) => v === `user-${i}`))) throw new Error(`${side}: resolved values differ from those written to Vault`);
      figures[side].total.push(counts.total());
      figures[side].reads.push(counts.reads());
      figures[side].logins.push(counts.logins());
    }
  });
  const medians = (side: Side) => ({ total: median(figures[side].total), reads: median(figures[side].reads), logins: median(figures[side].logins) });
  const ours = medians('ours');
  const baseline = medians('baseline');
  return {
    id: `6${'abc'[REPLICA_COUNTS.indexOf(count as (typeof REPLICA_COUNTS)[number])]}`,
    scenario: `${count} replica${count === 1 ? '' : 's'} x 5 secrets, cold, concurrent`,
    unit: 'Vault requests',
    ours: ours.total,
    baseline: baseline.total,
    target: '5 KV reads, <= 5 logins',
    met: ours.reads === 5 && ours.logins <= 5,
    detail: { ours, baseline },
  };
}

/**
 * 7. A new value in Vault, every replica resolving it every 2 ms, one replica invalidates: the time
 * from `invalidate` returning to the last replica serving the new value (process.hrtime is one
 * monotonic clock for all processes of the machine). 0 when every replica had it before.
 */
async function invalidationReach(vault: BenchVault, raw: Redis, replicas: readonly ReplicaProcess[]): Promise<Row[]> {
  const path = `${KV_MOUNT}/data/app/s0/user`;
  const latencies: Record<Side, number[]> = { ours: [], baseline: [] };
  const admin = new VaultAdmin(vault.double.url, vault.double.rootToken);
  await coldStart(vault, raw, replicas);
  for (const side of SIDES) {
    await Promise.all(replicas.map((r) => r.request({ kind: 'resolve', side, paths: [path] })));
    await repeat(INVALIDATIONS, async (round) => {
      const expected = `user-0-${side}-${round}`;
      await admin.putKv2(KV_MOUNT, 'app/s0', { user: expected, password: 'password-0' });
      const served = replicas.map((r) => r.request({ kind: 'watch', side, path, expected, everyMs: 2 }) as Promise<string>);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const returned = BigInt((await replicas[0].request({ kind: 'invalidate', side })) as string);
      const last = (await Promise.all(served)).map(BigInt).reduce((a, b) => (a > b ? a : b));
      latencies[side].push(Math.max(0, Number(last - returned) / 1e6));
    });
  }
  const p50 = { ours: percentile(latencies.ours, 50), baseline: percentile(latencies.baseline, 50) };
  const p99 = { ours: percentile(latencies.ours, 99), baseline: percentile(latencies.baseline, 99) };
  const scenario = `invalidation reaching ${replicas.length} replicas (${INVALIDATIONS} times)`;
  return [
    { id: '7a', scenario, unit: 'p50 ms', ours: round1(p50.ours), baseline: round1(p50.baseline), target: '<= 250', met: p50.ours <= 250 },
    { id: '7b', scenario, unit: 'p99 ms', ours: round1(p99.ours), baseline: round1(p99.baseline), target: '<= 250', met: p99.ours <= 250 },
  ];
}

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

if (require.main === module) {
  replicaScenarios().then(
    (rows) => {
      console.log(table(rows));
      console.log(jsonLine(rows, { bench: 'replicas' }));
      if (!rows.every((r) => r.met)) process.exitCode = 1;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}

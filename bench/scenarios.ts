/**
 * The five scenarios of the benchmark (issue 3), each run on both sides against the same double.
 * Each gives one or two rows: our figure, the baseline's, and the target ours must meet.
 */
import { Worker } from 'node:worker_threads';
import { createHashicorpVaultProvider } from '../src';
import { BaselineSecretManagers } from './baseline-provider';
import { assertResolved, BenchVault, CONNECTION_ID, coldSides, KV_MOUNT, PLATFORM_ID, reference, Sides, startBenchVault } from './fixture';
import { heapSecret, HeapVaultReady } from './heap-vault-worker';
import { forEachConcurrently, liveHeapBytes, median, nsPerCall, repeat, timePerCall, wallMs } from './measure';

export interface Row {
  id: string;
  scenario: string;
  unit: string;
  ours: number;
  baseline: number;
  /** Human form of the target, and whether ours meets it. */
  target: string;
  met: boolean;
  /** Further figures for the JSON line. */
  detail?: Record<string, unknown>;
}

/** Repetitions of each cold scenario; the table shows the median. Request counts vary little. */
const REPETITIONS = 5;
const COUNT_REPETITIONS = 3;

/** Five secrets of two keys each, and a connection value referencing all ten keys. */
export const FIVE_SECRETS = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`app/s${i}`, { user: `user-${i}`, password: `password-${i}` }]));

function tenReferences(): { value: { type: string; props: Record<string, string> }; expected: { type: string; props: Record<string, string> } } {
  const props: Record<string, string> = {};
  const expected: Record<string, string> = {};
  for (let i = 0; i < 5; i++) {
    for (const key of ['user', 'password']) {
      props[`${key}${i}`] = reference(`app/s${i}`, key);
      expected[`${key}${i}`] = `${key}-${i}`;
    }
  }
  return { value: { type: 'CUSTOM_AUTH', props }, expected: { type: 'CUSTOM_AUTH', props: expected } };
}

/**
 * Requests both sides make for `run`, each from a cold start (new provider, new baseline
 * service), median of the repetitions. A first, uncounted round warms the JIT of both sides.
 */
async function coldRequests(vault: BenchVault, repetitions: number, run: (side: 'ours' | 'baseline', sides: Sides, warmUp: boolean) => Promise<void>): Promise<{ ours: number; baseline: number }> {
  const counts = { ours: [] as number[], baseline: [] as number[] };
  await repeat(repetitions + 1, async (round) => {
    for (const side of ['ours', 'baseline'] as const) {
      const sides = coldSides(vault);
      vault.clearRequests();
      await settle();
      await run(side, sides, round === 0);
      if (round > 0) counts[side].push(vault.requests());
      await sides.close();
    }
  });
  return { ours: median(counts.ours), baseline: median(counts.baseline) };
}

/**
 * Lets the previous run's aftermath pass before the next starts: both sides share one process
 * and one double, and the baseline leaves hundreds of sockets closing behind. (No forced GC here:
 * a full collection ages the bytecode of code that ran once, and the next cold run recompiles it.)
 */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
}

/** 1. One connection value, 10 references over 5 secrets, cold. */
export async function coldConnectionValue(vault: BenchVault): Promise<Row> {
  const { value, expected } = tenReferences();
  const { ours, baseline } = await coldRequests(vault, COUNT_REPETITIONS, async (side, sides) => {
    assertResolved(side, await sides[side].resolve(value), expected);
  });
  return { id: '1', scenario: 'cold: 1 value, 10 refs in 5 secrets', unit: 'Vault requests', ours, baseline, target: '<= 6', met: ours <= 6 };
}

/** 2. 1,000 concurrent cold resolves of the same reference. */
export async function concurrentColdResolves(vault: BenchVault): Promise<Row> {
  const value = { token: reference('app/s0', 'user') };
  const { ours, baseline } = await coldRequests(vault, COUNT_REPETITIONS, async (side, sides) => {
    const results = await Promise.all(Array.from({ length: 1000 }, () => sides[side].resolve(value)));
    for (const r of results) assertResolved(side, r, { token: 'user-0' });
  });
  return { id: '2', scenario: '1,000 concurrent cold resolves, 1 ref', unit: 'Vault requests', ours, baseline, target: '<= 2', met: ours <= 2 };
}

/**
 * 3. Warm resolve of the 10-reference value: each resolve timed on its own; the figure is the
 * median resolve divided by its 10 references (the mean, GC pauses and all, goes in the JSON).
 */
export async function warmResolve(vault: BenchVault): Promise<Row> {
  const { value, expected } = tenReferences();
  const sides = coldSides(vault);
  vault.clearRequests();
  try {
    assertResolved('ours', await sides.ours.resolve(value), expected);
    assertResolved('baseline', await sides.baseline.resolve(value), expected);
    const perReference = async (resolve: () => Promise<unknown>, iterations: number): Promise<{ median: number; mean: number }> => {
      await nsPerCall(iterations, resolve); // JIT warm-up
      const { medianNs, meanNs } = await timePerCall(iterations, resolve);
      return { median: medianNs / 10, mean: meanNs / 10 };
    };
    const ours = await perReference(() => sides.ours.resolve(value), 50_000);
    const baseline = await perReference(() => sides.baseline.resolve(value), 10_000);
    if (vault.requests() !== 6 + 30) throw new Error('warm resolves went to Vault');
    return {
      id: '3', scenario: 'warm: 1 value, 10 refs', unit: 'ns per reference', ours: Math.round(ours.median), baseline: Math.round(baseline.median), target: '<= 1,000', met: ours.median <= 1000,
      detail: { meanNsPerReference: { ours: Math.round(ours.mean), baseline: Math.round(baseline.mean) } },
    };
  } finally {
    await sides.close();
  }
}

/** 4. 200 flow runs at once, 3 references into 2 secrets each, cold, on a loaded Vault. */
export async function burstOnLoadedVault(): Promise<Row[]> {
  const vault = await startBenchVault({ latencyMs: 2, maxConcurrent: 8 }, { 'app/db': { user: 'svc', password: 'p@ss' }, 'app/api': { key: 'k-1' } });
  try {
    const value = { type: 'CUSTOM_AUTH', props: { user: reference('app/db', 'user'), password: reference('app/db', 'password'), apiKey: reference('app/api', 'key') } };
    const expected = { type: 'CUSTOM_AUTH', props: { user: 'svc', password: 'p@ss', apiKey: 'k-1' } };
    const wall = { ours: [] as number[], baseline: [] as number[] };
    const requests = await coldRequests(vault, REPETITIONS, async (side, sides, warmUp) => {
      let results: unknown[] = [];
      const ms = await wallMs(async () => (results = await Promise.all(Array.from({ length: 200 }, () => sides[side].resolve(value)))));
      if (!warmUp) wall[side].push(ms);
      for (const r of results) assertResolved(side, r, expected);
    });
    const ours = median(wall.ours);
    const baseline = median(wall.baseline);
    return [
      { id: '4a', scenario: 'burst: 200 runs x 3 refs, loaded Vault', unit: 'wall ms', ours: round1(ours), baseline: round1(baseline), target: '>= 20x faster', met: baseline / ours >= 20 },
      { id: '4b', scenario: 'burst: 200 runs x 3 refs, loaded Vault', unit: 'Vault requests', ours: requests.ours, baseline: requests.baseline, target: '<= 3', met: requests.ours <= 3 },
    ];
  } finally {
    await vault.stop();
  }
}

const HEAP_SECRETS = Number(process.env.BENCH_HEAP_SECRETS ?? 100_000);
const MIB = 2 ** 20;

/**
 * 5. Heap growth with 100,000 cached secrets: ours fills its cache by resolving one key of each
 * secret from Vault; the baseline's value cache is filled directly with the same 100,000 values
 * (after 100,000 resolves that cache is all it keeps: no token, no client state).
 */
export async function heapWithManySecrets(): Promise<Row> {
  const worker = new Worker(require.resolve('./heap-vault-worker.ts'), {
    workerData: { secrets: HEAP_SECRETS },
    execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
  });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  const ask = <T>(message?: string): Promise<T> =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      if (message) worker.postMessage(message);
    });
  try {
    const ready = await ask<HeapVaultReady>();
    const config = { url: ready.url, roleId: ready.roleId, secretId: ready.secretId };
    const indexes = Array.from({ length: HEAP_SECRETS }, (_, i) => i);
    const path = (i: number) => `${KV_MOUNT}/data/${heapSecret(i).path}/password`;

    const before = liveHeapBytes();
    // One connection holds them all: lift the byte bound and the connection's share above their
    // estimated size (the default 64 MiB / a quarter would evict most of them, as designed).
    const provider = createHashicorpVaultProvider({
      maxCacheEntries: HEAP_SECRETS, maxCacheBytes: 256 * MIB, maxCacheBytesPerConnection: 256 * MIB, allowedNetworks: ['127.0.0.1/32'],
    });
    await forEachConcurrently(indexes, 32, async (i) => {
      if ((await provider.resolve({ connectionId: CONNECTION_ID, config, path: path(i) })) !== heapSecret(i).data.password) throw new Error('ours: wrong value');
    });
    const ours = median([liveHeapBytes(), liveHeapBytes(), liveHeapBytes()]) - before;
    // Every secret must still be cached: resolving them all again costs no request.
    const requests = await ask<number>('requests');
    await forEachConcurrently(indexes, 32, async (i) => void (await provider.resolve({ connectionId: CONNECTION_ID, config, path: path(i) })));
    if ((await ask<number>('requests')) !== requests) throw new Error('ours: some of the 100,000 secrets were not kept in the cache');
    await provider.close();

    const baselineBefore = liveHeapBytes();
    const service = new BaselineSecretManagers(PLATFORM_ID, new Map());
    for (const i of indexes) service.remember(CONNECTION_ID, path(i), heapSecret(i).data.password);
    const baseline = median([liveHeapBytes(), liveHeapBytes(), liveHeapBytes()]) - baselineBefore;
    service.close();

    const oursMiB = ours / MIB;
    return { id: '5', scenario: 'heap growth, 100,000 cached secrets', unit: 'MiB', ours: round1(oursMiB), baseline: round1(baseline / MIB), target: '<= 64', met: oursMiB <= 64 };
  } finally {
    worker.postMessage('stop');
    await exited;
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

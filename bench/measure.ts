import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `once` `times` times, one after the other, and gives the results. */
export async function repeat<T>(times: number, once: (round: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let round = 0; round < times; round++) results.push(await once(round));
  return results;
}

/** Wall time of `body` in milliseconds. */
export async function wallMs(body: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await body();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Every call of `body` timed on its own, one after the other: the median (a call another process
 * on the machine did not interrupt) and the mean (with everything: GC pauses, preemption).
 */
export async function timePerCall(iterations: number, body: () => Promise<unknown>): Promise<{ medianNs: number; meanNs: number }> {
  const times = new Float64Array(iterations);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await body();
    times[i] = Number(process.hrtime.bigint() - t0);
  }
  const meanNs = Number(process.hrtime.bigint() - start) / iterations;
  return { medianNs: median(Array.from(times)), meanNs };
}

/** Nanoseconds per call of `body`, over `iterations` calls one after the other. */
export async function nsPerCall(iterations: number, body: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await body();
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** The garbage collector, from `--expose-gc` or, failing that, switched on at run time. */
const collectGarbage: () => void =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  })();

/** Live heap after full collections (several, so weak references and finalisers settle too). */
export function liveHeapBytes(): number {
  for (let i = 0; i < 4; i++) collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Runs `body` on `items` with at most `concurrency` in flight. */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, body: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await body(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

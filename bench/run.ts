/**
 * `npm run bench`: ours versus a faithful re-implementation of the built-in provider, side by
 * side in one process against the local Vault double. Prints a table and one JSON line; exits 1
 * when a target is missed.
 */
import os from 'node:os';
import { startBenchVault } from './fixture';
import { replicaScenarios } from './replicas';
import { jsonLine, table } from './report';
import { startupRows } from './startup';
import { ttlBoundary } from './ttl-boundary';
import {
  burstOnLoadedVault, coldConnectionValue, concurrentColdResolves, FIVE_SECRETS, heapWithManySecrets, Row, warmResolve,
} from './scenarios';

/** Runs one scenario, telling the waiting reader (on stderr) how long it took. */
async function timed<T>(name: string, scenario: () => Promise<T>): Promise<T> {
  const start = Date.now();
  const result = await scenario();
  console.error(`bench: ${name} done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

async function main(): Promise<void> {
  const started = Date.now();
  const rows: Row[] = [];
  const vault = await startBenchVault({}, FIVE_SECRETS);
  try {
    rows.push(await timed('1 cold connection value', () => coldConnectionValue(vault)));
    rows.push(await timed('2 concurrent cold resolves', () => concurrentColdResolves(vault)));
    rows.push(await timed('3 warm resolve', () => warmResolve(vault)));
  } finally {
    await vault.stop();
  }
  rows.push(...(await timed('4 burst on a loaded Vault', burstOnLoadedVault)));
  rows.push(await timed('5 heap with 100,000 secrets', heapWithManySecrets));
  rows.push(...(await timed('6-7 replicas over Redis', replicaScenarios)));
  rows.push(...(await timed('8 TTL boundary', ttlBoundary)));
  rows.push(...(await timed('9 start-up', async () => startupRows())));

  console.log(table(rows));
  console.log(jsonLine(rows, { bench: 'hashicorp-vault-provider', node: process.version, cpus: os.cpus().length, seconds: Math.round((Date.now() - started) / 1000) }));
  if (!rows.every((r) => r.met)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

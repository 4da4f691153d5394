/**
 * Scenario 5's Vault: a double in a worker thread holding 100,000 secrets. In a worker, its own
 * memory stays out of the heap the main thread measures, and it serves on the second core.
 *
 * Writing 100,000 secrets over HTTP would take most of the time budget, so they are written
 * through the double's own request pipeline in-process (the same router, root token, ACL and
 * KV v2 write as an HTTP request, minus the socket). The reads being measured go over HTTP.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DoubleState } from '../src/testing/vault-double/state';
import { Router } from '../src/testing/vault-double/router';
import { KV_MOUNT, startBenchVault } from './fixture';

export interface HeapVaultReady {
  url: string;
  roleId: string;
  secretId: string;
}

/** Secret `i` of scenario 5: a service account, the usual shape of a connection's secret. */
export function heapSecret(i: number): { path: string; data: { username: string; password: string } } {
  return { path: `heap/s${i}`, data: { username: `svc-user-${i}`, password: `pw-${i.toString(36).padStart(8, '0')}-0123456789abcdefghij` } };
}

async function main(): Promise<void> {
  const { secrets } = workerData as { secrets: number };
  const vault = await startBenchVault({}, {});
  const state = (vault.double as unknown as { state?: DoubleState }).state;
  if (!state) throw new Error('heap-vault-worker: the double no longer keeps its state in `state`; update the in-process seeding');
  const router = new Router(state);
  for (let i = 0; i < secrets; i++) {
    const { path, data } = heapSecret(i);
    const reply = router.handle({
      method: 'POST',
      url: `/v1/${KV_MOUNT}/data/${path}`,
      headers: { 'x-vault-token': vault.double.rootToken, 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ data })),
      remoteIp: '127.0.0.1',
    });
    if (reply.status !== 200) throw new Error(`heap-vault-worker: writing ${path} answered ${reply.status}`);
  }
  vault.clearRequests();
  const port = parentPort!;
  port.on('message', (message: 'requests' | 'stop') => {
    if (message === 'requests') port.postMessage(vault.requests());
    else void vault.stop().then(() => port.close());
  });
  const ready: HeapVaultReady = { url: vault.config.url, roleId: vault.config.roleId, secretId: vault.config.secretId };
  port.postMessage(ready);
}

if (parentPort) void main();

import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { HashicorpVaultConfig } from '../../src';
import type { ReplicaAnswer, ReplicaCommand } from './replica-worker';

type CommandBody<K extends ReplicaCommand['kind']> = Omit<Extract<ReplicaCommand, { kind: K }>, 'id' | 'kind'>;

/** ts-node compiles the worker on the fly: a generous bound, so a hung replica fails instead of hanging. */
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 5_000;

/** One forked replica process (test/support/replica-worker.ts) and the commands it takes. */
export class ReplicaProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (answer: ReplicaAnswer) => {
      const waiter = this.pending.get(answer.id);
      if (!waiter) return;
      this.pending.delete(answer.id);
      if (answer.ok) waiter.resolve(answer.value);
      else waiter.reject(new Error(answer.message));
    });
    child.once('exit', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('replica exited'));
      this.pending.clear();
    });
  }

  /**
   * Forks a replica and waits until it says it is ready. `script` is another worker speaking the
   * same IPC (`{ id, ... }` in, ReplicaAnswer out), e.g. the bench's; its commands go through `request`.
   */
  static async start(start: unknown, script = join(__dirname, 'replica-worker.ts')): Promise<ReplicaProcess> {
    const child = fork(script, [JSON.stringify(start)], {
      execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // The test's environment (with its loopback allowance), not the jest worker's own.
      env: { ...process.env },
    });
    const replica = new ReplicaProcess(child);
    const ready = new Promise<unknown>((resolve, reject) => replica.pending.set(0, { resolve, reject }));
    const timer = setTimeout(() => child.kill('SIGKILL'), READY_TIMEOUT_MS);
    try {
      await ready;
    } finally {
      clearTimeout(timer);
    }
    return replica;
  }

  resolve(connectionId: string, config: HashicorpVaultConfig, path: string): Promise<string> {
    return this.send('resolve', { connectionId, config, path }) as Promise<string>;
  }

  invalidate(connectionId?: string): Promise<{ otherReplicasReached: boolean }> {
    return this.send('invalidate', connectionId === undefined ? {} : { connectionId }) as Promise<{ otherReplicasReached: boolean }>;
  }

  /** The monotonic time (ns, process.hrtime) at which this replica first served `expected`. */
  async watch(body: CommandBody<'watch'>): Promise<bigint> {
    return BigInt((await this.send('watch', body)) as string);
  }

  /** Closes the provider and waits for the process to exit (killed if it does not in time). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ id: this.nextId++, kind: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private send<K extends ReplicaCommand['kind']>(kind: K, body: CommandBody<K>): Promise<unknown> {
    return this.request({ ...body, kind });
  }

  /** Sends `{ ...command, id }` and waits for the answer with that id. */
  request(command: { readonly kind: string; readonly [field: string]: unknown }): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...command, id });
    });
  }
}

/** `count` replicas started together. */
export async function startReplicas(count: number, start: unknown, script?: string): Promise<ReplicaProcess[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => ReplicaProcess.start(start, script)));
  const replicas = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stopReplicas(replicas);
    throw (failed as PromiseRejectedResult).reason;
  }
  return replicas;
}

export async function stopReplicas(replicas: readonly ReplicaProcess[]): Promise<void> {
  await Promise.all(replicas.map((r) => r.stop()));
}

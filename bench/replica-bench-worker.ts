/**
 * One app replica of the replica scenarios (bench/replicas.ts), in its own process: ours (the
 * provider with the redis option) or the baseline (the built-in's service over the shared Redis
 * cache), made fresh (cold) on demand, driven over IPC (test/support/replica-processes.ts).
 */
import { createHashicorpVaultProvider, type HashicorpVaultConfig, type HashicorpVaultProvider } from '../src';
import { BaselineRedisSecretManagers } from './baseline-redis-cache';

export interface BenchReplicaStart {
  readonly redisUrl: string;
  readonly encryptionKey: string;
  readonly platformId: string;
  readonly connectionId: string;
  readonly config: HashicorpVaultConfig;
}

export type Side = 'ours' | 'baseline';

type Command =
  | { id: number; kind: 'fresh' }
  | { id: number; kind: 'resolve'; side: Side; paths: string[] }
  | { id: number; kind: 'invalidate'; side: Side }
  /** Resolves every `everyMs` until `path` gives `expected`; answers the monotonic time (ns) it first did. */
  | { id: number; kind: 'watch'; side: Side; path: string; expected: string; everyMs: number }
  | { id: number; kind: 'stop' };

const WATCH_TIMEOUT_MS = 10_000;

class BenchReplica {
  private ours: HashicorpVaultProvider | undefined;
  private baseline: BaselineRedisSecretManagers | undefined;

  constructor(private readonly start: BenchReplicaStart) {}

  async fresh(): Promise<void> {
    await this.close();
    const { redisUrl, encryptionKey, platformId, connectionId, config } = this.start;
    this.ours = createHashicorpVaultProvider({ redis: { url: redisUrl, encryptionKey }, allowedNetworks: ['127.0.0.1/32'] });
    this.baseline = new BaselineRedisSecretManagers(platformId, new Map([[connectionId, { id: connectionId, config: { url: config.url, roleId: String(config.roleId), secretId: String(config.secretId) } }]]), redisUrl);
  }

  resolve(side: Side, path: string): Promise<string> {
    const { connectionId, config } = this.start;
    return side === 'ours' ? this.ours!.resolve({ connectionId, config, path }) : this.baseline!.getSecret({ connectionId, path });
  }

  /** The monotonic time (ns) when the invalidation returned. */
  async invalidate(side: Side): Promise<string> {
    if (side === 'ours') {
      const result = await this.ours!.invalidate({ connectionId: this.start.connectionId });
      if (!result.otherReplicasReached) throw new Error('ours: the invalidation did not reach the other replicas');
    } else {
      await this.baseline!.clearConnection(this.start.connectionId);
    }
    return String(process.hrtime.bigint());
  }

  async watch(side: Side, path: string, expected: string, everyMs: number): Promise<string> {
    for (const deadline = Date.now() + WATCH_TIMEOUT_MS; Date.now() < deadline; ) {
      if ((await this.resolve(side, path)) === expected) return String(process.hrtime.bigint());
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    throw new Error(`${side}: the new value was not served within ${WATCH_TIMEOUT_MS} ms`);
  }

  async close(): Promise<void> {
    await Promise.all([this.ours?.close(), this.baseline?.close()]);
    this.ours = undefined;
    this.baseline = undefined;
  }
}

function main(start: BenchReplicaStart): void {
  const replica = new BenchReplica(start);
  const run = async (command: Command): Promise<unknown> => {
    switch (command.kind) {
      case 'fresh':
        return replica.fresh();
      case 'resolve':
        return Promise.all(command.paths.map((path) => replica.resolve(command.side, path)));
      case 'invalidate':
        return replica.invalidate(command.side);
      case 'watch':
        return replica.watch(command.side, command.path, command.expected, command.everyMs);
      case 'stop':
        await replica.close();
        process.disconnect();
        return undefined;
    }
  };
  process.on('message', (command: Command) => {
    run(command).then(
      (value) => command.kind !== 'stop' && process.send!({ id: command.id, ok: true, value: value ?? null }),
      (err: unknown) => process.send!({ id: command.id, ok: false, message: err instanceof Error ? err.message : String(err) }),
    );
  });
  process.send!({ id: 0, ok: true, value: 'ready' });
}

if (require.main === module && process.send) main(JSON.parse(process.argv[2]) as BenchReplicaStart);

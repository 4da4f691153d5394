/**
 * One app replica in its own process (child_process.fork, ts-node transpile-only): a provider
 * with the Redis option, driven over IPC by the test or bench that forked it.
 */
import { createHashicorpVaultProvider, type HashicorpVaultConfig } from '../../src';

export interface ReplicaStart {
  readonly redisUrl: string;
  readonly encryptionKey: string;
}

export type ReplicaCommand =
  | { id: number; kind: 'resolve'; connectionId: string; config: HashicorpVaultConfig; path: string }
  | { id: number; kind: 'invalidate'; connectionId?: string }
  /** Resolves every `everyMs` until the value is `expected`; answers the monotonic time (ns) it first was. */
  | { id: number; kind: 'watch'; connectionId: string; config: HashicorpVaultConfig; path: string; expected: string; everyMs: number }
  | { id: number; kind: 'stop' };

export type ReplicaAnswer = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

/** For debugging a replica: REPLICA_LOG=1 prints its log lines (the provider logs no secret). */
const stderrLogger = {
  debug: (fields: object, msg: string) => console.error(process.pid, 'debug', msg, JSON.stringify(fields)),
  info: (fields: object, msg: string) => console.error(process.pid, 'info', msg, JSON.stringify(fields)),
  warn: (fields: object, msg: string) => console.error(process.pid, 'warn', msg, JSON.stringify(fields)),
  error: (fields: object, msg: string) => console.error(process.pid, 'error', msg, JSON.stringify(fields)),
};

const WATCH_TIMEOUT_MS = 10_000;

function startReplica(start: ReplicaStart): void {
  // Redis calls bounded tight, so an outage costs a resolve little.
  const provider = createHashicorpVaultProvider({ logger: process.env.REPLICA_LOG === '1' ? stderrLogger : undefined, redis: { url: start.redisUrl, encryptionKey: start.encryptionKey, commandTimeoutMs: 200, connectTimeoutMs: 200 } });
  const answer = (message: ReplicaAnswer): void => void process.send!(message);
  const run = async (command: ReplicaCommand): Promise<unknown> => {
    switch (command.kind) {
      case 'resolve':
        return provider.resolve(command);
      case 'invalidate':
        return provider.invalidate(command.connectionId === undefined ? {} : { connectionId: command.connectionId });
      case 'watch':
        for (const deadline = Date.now() + WATCH_TIMEOUT_MS; Date.now() < deadline; ) {
          if ((await provider.resolve(command).catch(() => undefined)) === command.expected) return String(process.hrtime.bigint());
          await new Promise((resolve) => setTimeout(resolve, command.everyMs));
        }
        throw new Error(`watch: the expected value was not served within ${WATCH_TIMEOUT_MS} ms`);
      case 'stop':
        await provider.close();
        process.disconnect();
        return undefined;
    }
  };
  process.on('message', (command: ReplicaCommand) => {
    run(command).then(
      (value) => command.kind !== 'stop' && answer({ id: command.id, ok: true, value }),
      (err: unknown) => answer({ id: command.id, ok: false, message: err instanceof Error ? err.message : String(err) }),
    );
  });
  answer({ id: 0, ok: true, value: 'ready' });
}

if (require.main === module && process.send) startReplica(JSON.parse(process.argv[2]) as ReplicaStart);

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real redis-server for tests: 127.0.0.1, a free port, a throwaway directory, no persistence.
 * `pause`/`resume` freeze and thaw it (SIGSTOP/SIGCONT); `restart` brings it back on the same port.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private paused = false;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const dir = mkdtempSync(join(tmpdir(), 'ap-vault-redis-'));
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const server = new RedisServer(await freePort(), dir);
      try {
        await server.launch();
        return server;
      } catch (err) {
        lastError = err; // most likely another process took the port between probe and bind
      }
    }
    rmSync(dir, { recursive: true, force: true });
    throw lastError;
  }

  pause(): void {
    this.signal('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    this.signal('SIGCONT');
    this.paused = false;
  }

  /** SIGKILL: the connections drop at once, as in a crash. */
  async kill(): Promise<void> {
    await this.terminate('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.terminate('SIGTERM');
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        await this.launch();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await delay(100);
      }
    }
  }

  /** Stops the server and removes its directory. */
  async stop(): Promise<void> {
    await this.terminate('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', ''];
    const child = spawn(redisServerBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code) => reject(new Error(`redis-server exited (code ${code}) before serving:\n${output}`)));
      child.once('error', reject);
    });
    this.child = child;
    this.paused = false;
    try {
      await Promise.race([waitUntilServing(this.port, child.pid!, 5000), exited]);
    } catch (err) {
      await this.terminate('SIGKILL');
      throw err;
    }
    exited.catch(() => undefined);
  }

  private signal(name: NodeJS.Signals): void {
    if (!this.child || this.child.exitCode !== null) throw new Error('redis-server is not running');
    this.child.kill(name);
  }

  private async terminate(name: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (this.paused) child.kill('SIGCONT'); // a stopped process does not act on SIGTERM
    this.paused = false;
    child.kill(name);
    await exit;
  }
}

/** The binary: $REDIS_SERVER or `redis-server` on PATH. */
function redisServerBinary(): string {
  return process.env.REDIS_SERVER ?? 'redis-server';
}

let binaryPresent: boolean | undefined;
function hasRedisServer(): boolean {
  binaryPresent ??= spawnSync(redisServerBinary(), ['--version'], { stdio: 'ignore' }).status === 0;
  return binaryPresent;
}

let noticePrinted = false;

/**
 * `describe` for suites that need a real redis-server. Without the binary the suite is skipped
 * with a notice, except on CI (CI=true), where it fails: a CI that silently skips proves nothing.
 */
export function describeWithRedis(name: string, fn: () => void): void {
  if (hasRedisServer()) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs redis-server', () => {
        throw new Error(`redis-server was not found (${redisServerBinary()}): install it (apt-get install redis-server) or set REDIS_SERVER to its path.`);
      });
    });
    return;
  }
  if (!noticePrinted) {
    noticePrinted = true;
    console.warn(`redis-server not found: skipping the Redis suites (install redis-server, or set REDIS_SERVER).`);
  }
  describe.skip(name, fn);
}

/** A port nothing listens on right now: bind port 0, read it, release it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Until the server on `port` answers, and is ours (its process id), not one that took the port first. */
async function waitUntilServing(port: number, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await servingPid(port)) !== pid) {
    if (Date.now() > deadline) throw new Error(`redis-server (pid ${pid}) did not answer on port ${port} within ${timeoutMs} ms`);
    await delay(25);
  }
}

/** The process id in `INFO server`, or undefined when nothing (or something else) answers. */
function servingPid(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = (pid: number | undefined): void => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(500, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.startsWith('-')) return done(undefined); // e.g. LOADING
      const match = /\r\nprocess_id:(\d+)\r\n/.exec(answer);
      if (match) done(Number(match[1]));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

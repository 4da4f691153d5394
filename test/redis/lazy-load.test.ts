import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Loads modules in a fresh Node (ts-node) and says whether ioredis got loaded. */
function ioredisLoadedAfter(script: string): boolean {
  const probe = `${script}; process.stdout.write(String(Object.keys(require.cache).some((p) => p.includes('/node_modules/ioredis/'))));`;
  return execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', probe], { cwd: root, encoding: 'utf8' }) === 'true';
}

describe('ioredis is optional', () => {
  it('is not loaded by importing the Redis modules, nor by the package entry point', () => {
    expect(ioredisLoadedAfter("require('./src/redis'); require('./src/index')")).toBe(false);
  });

  it('is loaded once Redis options are given', () => {
    expect(ioredisLoadedAfter(
      "const l = require('./src/redis').openRedisLayer({ url: 'redis://127.0.0.1:1', encryptionKey: 'x'.repeat(32), connectTimeoutMs: 50 }, require('./src/logger').silentLogger); l.close()",
    )).toBe(true);
  });
});

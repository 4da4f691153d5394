/**
 * `ap-vault` as a real process (through ts-node, as a fresh clone runs it): --version, and a
 * reader that leaves early (`ap-vault check | head -1`) ends it quietly with exit code 0.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExitCode, main } from '../../src/cli';
import { processExitCode } from '../../src/cli';
import { packageVersion } from '../../src/cli/version';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { unusedLocalUrl, type VaultDouble } from '../../src/testing/vault-double';
import { startDouble, type VaultTarget } from '../support/vault-target';
import { captureIo } from './capture-io';

const REPO = resolve(__dirname, '..', '..');
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const SPAWN_TIMEOUT_MS = 45_000;
const CLI = [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'src/cli.ts'];

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

let target: VaultTarget & { double: VaultDouble };
let env: Record<string, string>;
let versionRun: Promise<Finished>;
let headRun: Promise<Finished>;
let closedRun: Promise<Finished>;

beforeAll(async () => {
  target = await startDouble();
  const setup = await provisionAppRole(target.admin, { approleMount: 'approle' });
  env = { VAULT_ADDR: target.url, VAULT_ROLE_ID: setup.credentials.roleId, VAULT_SECRET_ID: setup.credentials.secretId };
  const unused = await unusedLocalUrl();
  versionRun = run(process.execPath, [...CLI, '--version'], {});
  // The shell's own pipe into head; PIPESTATUS[0] is ap-vault's exit code.
  const quoted = [process.execPath, ...CLI, 'check'].map((a) => `'${a}'`).join(' ');
  headRun = run('bash', ['-c', `${quoted} | head -1; echo "ap-vault exit code: \${PIPESTATUS[0]}"`], env);
  // Both pipes closed before ap-vault writes a byte: every write fails with EPIPE. Vault unreachable (normally exit 3).
  closedRun = run(process.execPath, [...CLI, 'check', '--url', unused], { VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' }, { closeAtOnce: true });
  await Promise.all([versionRun, headRun, closedRun]);
}, SPAWN_TIMEOUT_MS);
afterAll(async () => target.stop());

describe('--version', () => {
  it('prints the version in package.json, from ts-node', async () => {
    const { code, stdout, stderr } = await versionRun;
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it.each([[['--version']], [['-v']], [['check', '--version']]])('%j in process', async (argv) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(ExitCode.OK);
    expect(io.out).toEqual([VERSION]);
  });

  it('--version --json: one JSON document', async () => {
    const io = captureIo();
    await main(['--version', '--json'], io);
    expect(JSON.parse(io.stdoutText())).toEqual({ ok: true, version: VERSION });
  });

  it('finds package.json from the compiled layout (dist/src/cli/) as well as from src/cli/', () => {
    const root = mkdtempSync(join(tmpdir(), 'ap-vault-version-'));
    try {
      writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'x', version: '9.8.7' }));
      mkdirSync(join(root, 'dist', 'src', 'cli'), { recursive: true });
      mkdirSync(join(root, 'src', 'cli'), { recursive: true });
      expect(packageVersion(join(root, 'dist', 'src', 'cli'))).toBe('9.8.7');
      expect(packageVersion(join(root, 'src', 'cli'))).toBe('9.8.7');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the usage lists it', async () => {
    const io = captureIo();
    await main(['--help'], io);
    expect(io.stdoutText()).toMatch(/^ {2}--version {16}Print the version of ap-vault \(also -v\)\.$/m);
  });
});

describe('a reader that leaves early', () => {
  it('ap-vault check | head -1: the first line, no stack trace, exit code 0', async () => {
    const { stdout, stderr } = await headRun;
    expect(stdout).toBe(`Checking Vault at ${target.url} (namespace: root, AppRole mount: approle)\nap-vault exit code: 0\n`);
    expect(stderr).toBe('');
  });

  it('stdout and stderr both closed before the first write: exit code 0 (not 1 from an EPIPE crash, not 3)', async () => {
    expect((await closedRun).code).toBe(0);
  });

  it.each([
    [ExitCode.UNAVAILABLE, 'reader-left', ExitCode.OK],
    [ExitCode.OK, 'failed', ExitCode.INTERNAL],
    [ExitCode.FAILED, 'failed', ExitCode.FAILED],
    [ExitCode.FAILED, 'ok', ExitCode.FAILED],
  ] as const)('exit code %s with output %s → %s', (code, output, expected) => {
    expect(processExitCode(code, output)).toBe(expected);
  });
});

function run(command: string, args: string[], extraEnv: Record<string, string>, options: { closeAtOnce?: boolean } = {}): Promise<Finished> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VAULT_')));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: REPO, env: { ...base, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (options.closeAtOnce) {
      child.stdout.destroy();
      child.stderr.destroy();
    } else {
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), SPAWN_TIMEOUT_MS - 5_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

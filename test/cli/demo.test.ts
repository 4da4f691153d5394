/**
 * `npm start` / `ap-vault demo`, and `ap-vault check` as a real process. The spawned runs go
 * through ts-node exactly as a fresh clone would; they start together to keep the suite short.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ExitCode, main } from '../../src/cli';
import { unusedLocalUrl, type VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import { captureIo } from './capture-io';

const REPO = resolve(__dirname, '..', '..');
/** ts-node compiles on the fly: generous, and a hung process fails the test instead of the run. */
const SPAWN_TIMEOUT_MS = 45_000;

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let target: VaultTarget & { double: VaultDouble };
let limited: Awaited<ReturnType<typeof provisionAppRole>>;
let npmStart: Promise<Finished>;
let spawnedCheck: Promise<Finished>;
let spawnedUnreachable: Promise<Finished>;
let unusedUrl: string;

beforeAll(async () => {
  target = await startDouble();
  limited = await provisionAppRole(target.admin, { policy: 'path "kv-x/data/*" { capabilities = ["read"] }' });
  npmStart = run('npm', ['start'], {});
  spawnedCheck = run(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'src/cli.ts', 'check', '--approle-mount', limited.approleMount], {
    VAULT_ADDR: target.url, VAULT_ROLE_ID: limited.credentials.roleId, VAULT_SECRET_ID: limited.credentials.secretId,
  });
  unusedUrl = await unusedLocalUrl();
  // Retries wait on unref'd timers: the process must still wait for them and report (it once exited silently with 0).
  spawnedUnreachable = run(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'src/cli.ts', 'check', '--url', unusedUrl], {
    VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's',
  });
  await Promise.all([npmStart, spawnedCheck, spawnedUnreachable]);
}, 2 * SPAWN_TIMEOUT_MS);
afterAll(async () => target.stop());

describe('npm start (the demo on the in-process double), as a real process', () => {
  it('exits by itself with code 0', async () => {
    const { code, signal, stderr } = await npmStart;
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: expect.not.stringMatching(/Error/) });
  });

  it('walks the steps: double, provisioning, validate, a two-reference connection value resolved, cache', async () => {
    const { stdout } = await npmStart;
    expect(stdout).toMatch(/^1\. Started the Vault double in this process at http:\/\/127\.0\.0\.1:\d+$/m);
    expect(stdout).toMatch(/^2\. Provisioned it with the root token: AppRole at auth\/approle, KV v2 at secret\//m);
    expect(stdout).toMatch(/^3\. Validated the connection .*: ✓ service token, policies default, policy-\S+; KV mounts secret\/ \(v2\)$/m);
    expect(stdout).toMatch(/^ {5}props\.api_key: \{\{[A-Za-z0-9_-]{21}\|ap_sep_v1\|secret\/data\/demo\/acme-crm\/api_key\}\} → \*{8} \(40 characters\) ✓ the value stored$/m);
    expect(stdout).toMatch(/^ {5}props\.subdomain: \{\{[A-Za-z0-9_-]{21}\|ap_sep_v1\|secret\/data\/demo\/acme-crm\/subdomain\}\} → \*{8} \(9 characters\) ✓ the value stored$/m);
    expect(stdout).toMatch(/^Stopped the double\.$/m);
  });

  it('counts what reached Vault: one login per token, one read for both references, nothing for the cached resolves', async () => {
    const { stdout } = await npmStart;
    const section = stdout.slice(stdout.indexOf('Requests that reached the double'));
    expect(section.split('\n').slice(0, 5)).toEqual([
      'Requests that reached the double: 6',
      '      2 × POST /v1/auth/approle/login',
      '      1 × GET  /v1/sys/mounts',
      '      2 × POST /v1/auth/token/revoke-self',
      '      1 × GET  /v1/secret/data/demo/acme-crm',
    ]);
  });

  it('shows no secret value', async () => {
    const { stdout } = await npmStart;
    expect(stdout).not.toMatch(/sk_demo_[0-9a-f]/);
    expect(stdout).not.toMatch(/→ acme-/);
  });
});

describe('ap-vault check as a real process', () => {
  it('a policy without sys/mounts: ✗ with its fix, exit code 1', async () => {
    const { code, stdout } = await spawnedCheck;
    expect(code).toBe(ExitCode.FAILED);
    const lines = stdout.split('\n');
    const at = lines.indexOf('✗ sys/mounts readable');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^ {4}Logged in, but .* may not read sys\/mounts on http:\S+\. .*policy.*: path "sys\/mounts" \{ capabilities = \["read"\] \}$/);
    expect(lines).toContain('- KV mounts found: needs sys/mounts');
    expect(stdout).not.toContain(limited.credentials.secretId);
  });

  it('Vault unreachable: waits out the retries, prints ✗ with the fix, exit code 3', async () => {
    const { code, stdout } = await spawnedUnreachable;
    expect(code).toBe(ExitCode.UNAVAILABLE);
    const [line, fix] = stdout.split('\n').slice(1, 3);
    expect(line).toBe('✗ Vault reachable');
    expect(fix.startsWith(`    Cannot reach Vault at ${unusedUrl}: connection refused.`)).toBe(true);
  });
});

describe('ap-vault demo on your Vault (VAULT_* set): reads only, in-process', () => {
  let good: Awaited<ReturnType<typeof provisionAppRole>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    good = await provisionAppRole(target.admin, { approleMount: 'approle' });
    await target.admin.putKv2(good.kvMount, 'crm', { api_key: 'k-1', user: 'u-1' });
    env = { VAULT_ADDR: target.url, VAULT_ROLE_ID: good.credentials.roleId, VAULT_SECRET_ID: good.credentials.secretId };
  });
  beforeEach(() => target.double.clearRequests());

  it('resolves the two named secrets, and its own request count matches what reached Vault', async () => {
    const io = captureIo(env);
    const code = await main(['demo', '--path', `${good.kvMount}/data/crm/api_key`, '--path', `${good.kvMount}/data/crm/user`], io);
    expect(code).toBe(ExitCode.OK);
    expect(io.out[0]).toBe(`1. Using your Vault at ${target.url} (from flags / VAULT_*); the demo writes nothing to it.`);
    const first = io.out.find((l) => l.startsWith('     props.first: {{'));
    expect(first).toMatch(/^ {5}props\.first: \{\{[A-Za-z0-9_-]{21}\|ap_sep_v1\|/);
    expect(first).toContain(`|ap_sep_v1|${good.kvMount}/data/crm/api_key}} → ******** (3 characters)`);
    const counted = io.out.find((l) => l.startsWith('Requests that were sent to Vault: '));
    expect(counted).toBe(`Requests that were sent to Vault: ${target.double.count({ admin: false })}`);
    expect(target.double.count({ admin: false, method: 'POST' })).toBeGreaterThan(0);
    expect(target.double.count({ admin: false, method: 'PUT' })).toBe(0);
  });

  it('without two --path: exit code 2 and nothing sent', async () => {
    const io = captureIo(env);
    expect(await main(['demo'], io)).toBe(ExitCode.USAGE);
    expect(io.stderrText()).toMatch(/name two secrets/);
    expect(target.double.count({ admin: false })).toBe(0);
  });

  it('a connection that fails validation: the reason, and its exit code', async () => {
    const io = captureIo({ ...env, VAULT_SECRET_ID: 'wrong-secret-id-123' });
    const code = await main(['demo', '--path', `${good.kvMount}/data/crm/api_key`, '--path', `${good.kvMount}/data/crm/user`], io);
    expect(code).toBe(ExitCode.FAILED);
    expect(io.stdoutText()).toMatch(/✗ Vault at .* rejected the Role ID or Secret ID/);
    expect(io.stdoutText()).not.toContain('wrong-secret-id-123');
  });
});

function run(command: string, args: string[], extraEnv: Record<string, string>): Promise<Finished> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VAULT_')));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: REPO, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), SPAWN_TIMEOUT_MS);
    timer.unref();
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/**
 * `ap-vault check`, `resolve` and `demo` apply the Activepieces server's network rule: the double
 * listens on loopback, which is refused unless AP_SSRF_ALLOW_LIST (read from the command's own
 * environment, io.env) or --allow-network allows it. A refusal sends nothing.
 */
import { ExitCode, main } from '../../src/cli';
import type { VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import { captureIo } from './capture-io';

const VALUE = 'pw-guard-7d2a';
/** No allow list at all: the jest setup's AP_SSRF_ALLOW_LIST is in process.env, which the CLI must not read. */
const NO_ALLOW_LIST = { AP_SSRF_ALLOW_LIST: undefined };

let target: VaultTarget & { double: VaultDouble };
let setup: Awaited<ReturnType<typeof provisionAppRole>>;

const flags = (url = target.url) => ['--url', url, '--role-id', setup.credentials.roleId, '--secret-id', setup.credentials.secretId, '--approle-mount', setup.approleMount];
const secretPath = () => `${setup.kvMount}/data/app/db/password`;
const sentToVault = () => target.double.count({ admin: false });

async function run(argv: string[], env: Record<string, string | undefined> = NO_ALLOW_LIST) {
  const io = captureIo(env);
  const code = await main(argv, io);
  return { code, out: io.out, stdout: io.stdoutText(), stderr: io.stderrText() };
}

/**
 * Runs `fn` with the jest setup's allow list out of process.env, so a part of a command that read
 * process.env instead of io.env (e.g. a provider created without `environment`) is refused.
 */
async function withoutProcessAllowList<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.AP_SSRF_ALLOW_LIST;
  delete process.env.AP_SSRF_ALLOW_LIST;
  try {
    return await fn();
  } finally {
    process.env.AP_SSRF_ALLOW_LIST = saved;
  }
}

beforeAll(async () => {
  expect(process.env.AP_SSRF_ALLOW_LIST).toMatch(/127\.0\.0\.1/); // what the CLI must ignore
  target = await startDouble();
  setup = await provisionAppRole(target.admin, { approleMount: 'approle' });
  await target.admin.putKv2(setup.kvMount, 'app/db', { password: VALUE });
});
afterAll(async () => target.stop());
beforeEach(() => target.double.clearRequests());

describe('check', () => {
  it('loopback not allowed: ✗ Vault reachable naming loopback, the server-side fix and the flag; exit code 2; nothing sent', async () => {
    const { code, out, stdout } = await run(['check', ...flags()]);
    expect(code).toBe(ExitCode.USAGE);
    const i = out.indexOf('✗ Vault reachable');
    expect(i).toBeGreaterThan(0);
    const fix = out[i + 1];
    expect(fix).toMatch(/^ {4}Not connecting: 127\.0\.0\.1 is a loopback address\./);
    expect(fix).toContain('The Activepieces server would refuse this address as well');
    expect(fix).toContain('AP_SSRF_ALLOW_LIST');
    expect(fix).toContain('allowedNetworks');
    expect(fix).toMatch(/add --allow-network 127\.0\.0\.1\/32\.$/);
    expect(out.filter((l) => /^[✓✗-] /.test(l))).toEqual(['✗ Vault reachable']);
    expect(stdout).toMatch(/1 of 1 checks failed \(exit code 2\)\.$/);
    expect(sentToVault()).toBe(0);
  });

  it('a name that resolves to loopback is refused the same way, host named, nothing sent', async () => {
    const { code, out } = await run(['check', ...flags(target.url.replace('127.0.0.1', 'localhost'))]);
    expect(code).toBe(ExitCode.USAGE);
    expect(out[out.indexOf('✗ Vault reachable') + 1]).toMatch(/^ {4}Not connecting to localhost: (127\.0\.0\.1|::1) is a loopback address\./);
    expect(sentToVault()).toBe(0);
  });

  it('--allow-network 127.0.0.1/32: every step passes, the --path read through the provider too', async () => {
    const { code, out } = await withoutProcessAllowList(() => run(['check', ...flags(), '--allow-network', '127.0.0.1/32', '--path', secretPath()]));
    expect(code).toBe(ExitCode.OK);
    expect(out).toContain(`✓ Read ${secretPath()}: ******** (${VALUE.length} characters)`);
    expect(sentToVault()).toBeGreaterThan(0);
  });

  it('--allow-network is repeatable and takes comma-separated lists', async () => {
    const { code } = await run(['check', ...flags(), '--allow-network', '10.0.0.0/8', '--allow-network', '::1/128,127.0.0.0/8']);
    expect(code).toBe(ExitCode.OK);
  });

  it('AP_SSRF_ALLOW_LIST in the command\'s environment allows it, as on the server', async () => {
    const { code } = await run(['check', ...flags()], { AP_SSRF_ALLOW_LIST: ' 10.1.0.0/16 , 127.0.0.1 ' });
    expect(code).toBe(ExitCode.OK);
  });

  it('--allow-network that is not an IP or CIDR: usage error, exit code 2, nothing sent', async () => {
    const { code, stderr } = await run(['check', ...flags(), '--allow-network', 'vault.internal']);
    expect(code).toBe(ExitCode.USAGE);
    expect(stderr).toContain('ap-vault: --allow-network has an entry that is not an IP address or CIDR: "vault.internal".');
    expect(sentToVault()).toBe(0);
  });

  it('--json: the refusal is a failed step with its fix', async () => {
    const { code, stdout } = await run(['check', ...flags(), '--json']);
    expect(code).toBe(ExitCode.USAGE);
    const doc = JSON.parse(stdout) as { ok: boolean; exitCode: number; steps: Array<{ id: string; status: string; detail: string }> };
    expect(doc.ok).toBe(false);
    expect(doc.exitCode).toBe(ExitCode.USAGE);
    expect(doc.steps).toHaveLength(1);
    expect(doc.steps[0]).toMatchObject({ id: 'reachable', status: 'fail' });
    expect(doc.steps[0].detail).toContain('--allow-network 127.0.0.1/32');
  });
});

describe('resolve', () => {
  it('loopback not allowed: the refusal with the way to test anyway, exit code 2, nothing sent', async () => {
    const { code, stdout, stderr } = await run(['resolve', secretPath(), ...flags()]);
    expect(code).toBe(ExitCode.USAGE);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^ap-vault: Not connecting: 127\.0\.0\.1 is a loopback address\./);
    expect(stderr).toContain('--allow-network <that address or its CIDR>');
    expect(sentToVault()).toBe(0);
  });

  it('--allow-network 127.0.0.1/32: the value', async () => {
    const { code, stdout } = await withoutProcessAllowList(() => run(['resolve', secretPath(), ...flags(), '--allow-network', '127.0.0.1/32', '--reveal']));
    expect(code).toBe(ExitCode.OK);
    expect(stdout).toBe(`${secretPath()} = ${VALUE}`);
  });
});

describe('demo on your Vault', () => {
  const demoArgs = () => ['demo', ...flags(), '--path', secretPath(), '--path', secretPath()];

  it('loopback not allowed: ✗ with the refusal, exit code 2, nothing sent', async () => {
    const { code, stdout } = await run(demoArgs());
    expect(code).toBe(ExitCode.USAGE);
    expect(stdout).toMatch(/✗ Not connecting: 127\.0\.0\.1 is a loopback address\./);
    expect(sentToVault()).toBe(0);
  });

  it('--allow-network 127.0.0.1/32: runs', async () => {
    const { code } = await withoutProcessAllowList(() => run([...demoArgs(), '--allow-network', '127.0.0.1/32']));
    expect(code).toBe(ExitCode.OK);
  });
});

describe('demo on the in-process double', () => {
  it('allows its own loopback address explicitly, with no allow list in the environment', async () => {
    const { code } = await withoutProcessAllowList(() => run(['demo']));
    expect(code).toBe(ExitCode.OK);
  });
});

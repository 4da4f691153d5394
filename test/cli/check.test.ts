/**
 * `ap-vault check` end to end against the Vault double, through `main(argv, io)`.
 */
import { ExitCode, main } from '../../src/cli';
import { unusedLocalUrl, VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole, uniqueName } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import { captureIo } from './capture-io';

let target: VaultTarget & { double: VaultDouble };
let good: Awaited<ReturnType<typeof provisionAppRole>>;

const flagsFor = (s: { approleMount: string; credentials: { roleId: string; secretId: string } }, url = target.url) => [
  '--url', url, '--role-id', s.credentials.roleId, '--secret-id', s.credentials.secretId, '--approle-mount', s.approleMount,
];
const logins = () => target.double.count({ method: 'POST', path: /\/login$/, admin: false });

async function run(argv: string[], env: Record<string, string> = {}) {
  const io = captureIo(env);
  const code = await main(argv, io);
  return { code, out: io.out, stdout: io.stdoutText(), stderr: io.stderrText() };
}

/** The line of a step and, for a ✗, the fix printed under it. */
function stepLines(out: string[], title: string): [string, string] {
  const i = out.findIndex((l) => l.slice(2).startsWith(title));
  if (i < 0) throw new Error(`no line for "${title}" in:\n${out.join('\n')}`);
  return [out[i], out[i + 1] ?? ''];
}

beforeAll(async () => {
  target = await startDouble();
  good = await provisionAppRole(target.admin);
  await target.admin.putKv2(good.kvMount, 'app/db', { password: 'pw-4f1c2e', user: 'svc' });
});
afterAll(async () => target.stop());
beforeEach(() => target.double.clearRequests());

describe('a working connection', () => {
  it('every step passes, exit code 0', async () => {
    const { code, out, stdout } = await run(['check', ...flagsFor(good)]);
    expect(code).toBe(ExitCode.OK);
    expect(out[0]).toBe(`Checking Vault at ${target.url} (namespace: root, AppRole mount: ${good.approleMount})`);
    expect(stepLines(out, 'Vault reachable')[0]).toMatch(/^✓ Vault reachable: Vault 1\.21\.0\+ent at http:\/\/127\.0\.0\.1:\d+$/);
    expect(stepLines(out, 'Vault unsealed')[0]).toBe('✓ Vault unsealed: unsealed');
    expect(stepLines(out, 'Vault node serves requests')[0]).toBe('✓ Vault node serves requests: active node');
    expect(stepLines(out, 'AppRole login')[0]).toBe(`✓ AppRole login at auth/${good.approleMount}: service token, lease 1h`);
    expect(stepLines(out, 'Token TTL')[0]).toMatch(new RegExp(`^✓ Token TTL and policies \\(lookup-self\\): service token, TTL (59m \\d+s|1h), renewable; policies: default, ${good.policyName}$`));
    expect(stepLines(out, 'sys/mounts readable')[0]).toMatch(/^✓ sys\/mounts readable: \d+ mounts listed$/);
    expect(stepLines(out, 'KV mounts found')[0]).toBe(`✓ KV mounts found: ${good.kvMount}/ (v2)`);
    expect(stdout).toMatch(/All 7 checks passed\.$/);
    expect(out.filter((l) => l.startsWith('✓ Namespace'))).toEqual([]);
  });

  it('--path reads one value through the provider and shows it masked', async () => {
    const { code, out, stdout } = await run(['check', ...flagsFor(good), '--path', `${good.kvMount}/data/app/db/password`]);
    expect(code).toBe(ExitCode.OK);
    expect(stepLines(out, 'Read ')[0]).toBe(`✓ Read ${good.kvMount}/data/app/db/password: ******** (9 characters)`);
    expect(stdout).not.toContain('pw-4f1c2e');
  });

  it('reads the connection from VAULT_* variables when no flags are given', async () => {
    const env = { VAULT_ADDR: target.url, VAULT_ROLE_ID: good.credentials.roleId, VAULT_SECRET_ID: good.credentials.secretId };
    const { code } = await run(['check', '--approle-mount', good.approleMount], env);
    expect(code).toBe(ExitCode.OK);
  });

  it('--namespace: login, lookup and mounts in that namespace', async () => {
    await target.admin.createNamespace('team-a');
    const scoped = await provisionAppRole(target.admin, { namespace: 'team-a' });
    const { code, out } = await run(['check', ...flagsFor(scoped), '--namespace', 'team-a']);
    expect(code).toBe(ExitCode.OK);
    expect(out[0]).toBe(`Checking Vault at ${target.url} (namespace: team-a, AppRole mount: ${scoped.approleMount})`);
    expect(stepLines(out, 'KV mounts found')[0]).toBe(`✓ KV mounts found: ${scoped.kvMount}/ (v2)`);
    expect(stepLines(out, 'Namespace honoured')[0]).toBe('✓ Namespace honoured: Vault Enterprise 1.21.0+ent: namespaces apply');
    const { code: rootCode } = await run(['check', ...flagsFor(scoped)]);
    expect(rootCode).toBe(ExitCode.FAILED);
  });

  it('revokes the tokens it logged in with', async () => {
    await run(['check', ...flagsFor(good), '--path', `${good.kvMount}/data/app/db/user`]);
    expect(logins()).toBe(2);
    expect(target.double.count({ method: 'POST', path: '/v1/auth/token/revoke-self' })).toBe(2);
  });

  it('prints neither the Role ID nor the Secret ID, whatever happens', async () => {
    const outputs = await Promise.all([
      run(['check', ...flagsFor(good)]),
      run(['check', ...flagsFor({ ...good, credentials: { ...good.credentials, secretId: 'wrong-secret-id-123' } })]),
      run(['check', ...flagsFor(good), '--json']),
    ]);
    for (const { stdout, stderr } of outputs) {
      for (const secret of [good.credentials.roleId, good.credentials.secretId, 'wrong-secret-id-123']) {
        expect(stdout + stderr).not.toContain(secret);
      }
    }
  });
});

describe('each ✗ comes with its fix', () => {
  it('a policy without sys/mounts: ✗ with the HCL line to add, KV step skipped, exit code 1; reads still work', async () => {
    const limited = await provisionAppRole(target.admin, { policy: `path "${'kv-nomounts'}/data/*" { capabilities = ["read"] }` });
    await target.admin.putKv2(limited.kvMount, 'x', { k: 'v' });
    await target.admin.writePolicy(limited.policyName, `path "${limited.kvMount}/data/*" { capabilities = ["read"] }`);
    const { code, out, stdout } = await run(['check', ...flagsFor(limited), '--path', `${limited.kvMount}/data/x/k`]);
    expect(code).toBe(ExitCode.FAILED);
    const [line, fix] = stepLines(out, 'sys/mounts readable');
    expect(line).toBe('✗ sys/mounts readable');
    expect(fix).toMatch(/^ {4}Logged in, but the AppRole's token may not read sys\/mounts on http:\S+\. .*policy.*: path "sys\/mounts" \{ capabilities = \["read"\] \}$/);
    expect(stepLines(out, 'KV mounts found')[0]).toBe('- KV mounts found: needs sys/mounts');
    expect(stepLines(out, 'Read ')[0]).toMatch(/^✓ Read /);
    expect(stdout).toMatch(/1 of 8 checks failed \(exit code 1\)\.$/);
  });

  it('unreachable: ✗ Vault reachable, exit code 3, nothing else tried', async () => {
    const url = await unusedLocalUrl();
    const { code, out } = await run(['check', ...flagsFor(good, url)]);
    expect(code).toBe(ExitCode.UNAVAILABLE);
    const [line, fix] = stepLines(out, 'Vault reachable');
    expect(line).toBe('✗ Vault reachable');
    expect(fix.startsWith(`    Cannot reach Vault at ${url}: connection refused.`)).toBe(true);
    expect(fix).toMatch(/Check the URL and port/);
    expect(out.filter((l) => /^[✓✗-] /.test(l))).toHaveLength(1);
  });

  it('sealed: ✗ Vault unsealed with the unseal command, exit code 3, no login attempted', async () => {
    target.double.seal();
    try {
      const { code, out } = await run(['check', ...flagsFor(good)]);
      expect(code).toBe(ExitCode.UNAVAILABLE);
      const [line, fix] = stepLines(out, 'Vault unsealed');
      expect(line).toBe('✗ Vault unsealed');
      expect(fix).toMatch(/^ {4}Vault at http:\S+ is sealed\. .*vault operator unseal/);
      expect(logins()).toBe(0);
    } finally {
      target.double.unseal();
    }
  });

  it('a wrong Secret ID: ✗ AppRole login with how to issue a new one, exit code 1', async () => {
    const { code, out } = await run(['check', ...flagsFor({ ...good, credentials: { ...good.credentials, secretId: 'wrong-secret-id-123' } })]);
    expect(code).toBe(ExitCode.FAILED);
    const [line, fix] = stepLines(out, 'AppRole login');
    expect(line).toBe(`✗ AppRole login at auth/${good.approleMount}`);
    expect(fix).toMatch(/^ {4}Vault at http:\S+ rejected the Role ID or Secret ID .*vault write -f auth\/.*\/role\/<role>\/secret-id$/);
  });

  it('the wrong AppRole mount: ✗ with the enable command', async () => {
    const { code, out } = await run(['check', ...flagsFor({ ...good, approleMount: 'elsewhere' })]);
    expect(code).toBe(ExitCode.FAILED);
    expect(stepLines(out, 'AppRole login')[1]).toMatch(/^ {4}AppRole is not enabled at auth\/elsewhere\/.*vault auth enable -path=elsewhere approle/);
  });

  it('a role whose tokens carry only the default policy: ✗ on the token step with the command to attach one', async () => {
    const bare = await target.admin.createRole(good.approleMount, uniqueName('bare'), { token_policies: [] });
    const { code, out } = await run(['check', ...flagsFor({ approleMount: good.approleMount, credentials: bare })]);
    expect(code).toBe(ExitCode.FAILED);
    const [line, fix] = stepLines(out, 'Token TTL');
    expect(line).toBe('✗ Token TTL and policies (lookup-self)');
    expect(fix).toMatch(/policies: default\. The AppRole's token has no policy but "default".*vault write auth\/.*\/role\/<role> token_policies=<policy>$/);
  });

  it('a role with token_no_default_policy: lookup-self refused, ✗ with the fix', async () => {
    const strict = await target.admin.createRole(good.approleMount, uniqueName('strict'), { token_policies: [good.policyName], token_no_default_policy: true } as never);
    const { out } = await run(['check', ...flagsFor({ approleMount: good.approleMount, credentials: strict })]);
    expect(stepLines(out, 'Token TTL')[1]).toMatch(/token_no_default_policy.*path "auth\/token\/lookup-self" \{ capabilities = \["read"\] \}$/);
    expect(stepLines(out, 'sys/mounts readable')[0]).toMatch(/^✓/);
  });

  it('a missing key on --path: ✗ naming the keys there are', async () => {
    const { code, out } = await run(['check', ...flagsFor(good), '--path', `${good.kvMount}/data/app/db/nope`]);
    expect(code).toBe(ExitCode.FAILED);
    expect(stepLines(out, 'Read ')[1]).toMatch(new RegExp(`^ {4}Secret "${good.kvMount}/data/app/db" has no key "nope"\\. Keys in it: password, user\\.`));
  });
});

describe('--json', () => {
  it('one JSON document with every step, for scripts', async () => {
    const { code, stdout } = await run(['check', ...flagsFor(good), '--json']);
    const doc = JSON.parse(stdout);
    expect(code).toBe(ExitCode.OK);
    expect(doc).toMatchObject({ ok: true, exitCode: 0, url: target.url, namespace: '', appRoleMount: good.approleMount });
    expect(doc.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual([
      'reachable:ok', 'unsealed:ok', 'node:ok', 'login:ok', 'token:ok', 'sys-mounts:ok', 'kv-mounts:ok',
    ]);
  });

  it('a failed step carries its fix in detail', async () => {
    const url = await unusedLocalUrl();
    const { code, stdout } = await run(['check', ...flagsFor(good, url), '--json']);
    const doc = JSON.parse(stdout);
    expect(code).toBe(ExitCode.UNAVAILABLE);
    expect(doc).toMatchObject({ ok: false, exitCode: 3, steps: [{ id: 'reachable', status: 'fail', detail: expect.stringMatching(/connection refused/) }] });
  });
});

describe('usage errors: exit code 2 and no request to Vault', () => {
  it.each([
    ['a missing Secret ID', ['check', '--url', 'http://127.0.0.1:1', '--role-id', 'r'], /Missing --secret-id \(or VAULT_SECRET_ID\)\./],
    ['an unknown flag', ['check', '--colour'], /^ap-vault: Unknown option "--colour"\.\nRun ap-vault --help for usage\.$/],
    ['an unknown short flag', ['check', '-x'], /^ap-vault: Unknown option "-x"\.\n/],
    ['a flag without its value', ['check', '--url'], /^ap-vault: Option "--url" needs a value/],
    ['a flag followed by another flag', ['check', '--url', '--reveal'], /^ap-vault: Option "--url" needs a value \(one that starts with "-" is written --url=-…\)\.\n/],
    ['a value for a boolean flag', ['check', '--json=yes'], /^ap-vault: Option "--json" takes no value\.\n/],
    ['a URL without a scheme', ['check', '--url', 'vault.example:8200', '--role-id', 'r', '--secret-id', 's'], /^ap-vault: The Vault URL has no scheme: add https:\/\/ .*e\.g\. https:\/\/vault\.example:8200$/],
    ['a URL with /v1', ['check', '--url', 'https://127.0.0.1:1/v1/', '--role-id', 'r', '--secret-id', 's'], /must not include the API prefix \/v1 \(each request adds it\); use https:\/\/127\.0\.0\.1:1$/],
    ['a URL of the web UI', ['check', '--url', 'https://127.0.0.1:1/ui/vault/auth?with=oidc', '--role-id', 'r', '--secret-id', 's'], /points at Vault's web UI \(\/ui\); use Vault's address without it: https:\/\/127\.0\.0\.1:1$/],
    ['an unknown command', ['verify'], /Unknown command "verify"/],
    ['an invalid URL', ['check', '--url', 'ftp://vault', '--role-id', 'r', '--secret-id', 's'], /must start with http:\/\/ or https:\/\//],
    ['an unreadable CA file', ['check', '--url', 'https://127.0.0.1:1', '--role-id', 'r', '--secret-id', 's', '--ca-cert', '/no/such.pem'], /Cannot read the CA certificate file \/no\/such\.pem: ENOENT/],
  ])('%s', async (_why, argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(ExitCode.USAGE);
    expect(stderr).toMatch(message);
    expect(target.double.requests).toHaveLength(0);
  });

  it('--help prints the usage with the exit codes, exit code 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(ExitCode.OK);
    expect(stdout).toMatch(/^Usage: ap-vault <command>/);
    expect(stdout).toMatch(/3 {2}Vault unreachable or unavailable/);
  });

  it('no command prints the usage on stderr, exit code 2', async () => {
    const { code, stderr } = await run([]);
    expect(code).toBe(ExitCode.USAGE);
    expect(stderr).toMatch(/^Usage: ap-vault/);
  });
});

/**
 * `ap-vault resolve <path>` against the Vault double, through `main(argv, io)`.
 */
import { ExitCode, main } from '../../src/cli';
import type { VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import { captureIo } from './capture-io';

const VALUE = 'db-pass-8c1e77';
let target: VaultTarget & { double: VaultDouble };
let setup: Awaited<ReturnType<typeof provisionAppRole>>;
let env: Record<string, string>;

async function run(argv: string[]) {
  const io = captureIo(env);
  const code = await main(argv, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

beforeAll(async () => {
  target = await startDouble();
  setup = await provisionAppRole(target.admin, { approleMount: 'approle' });
  await target.admin.putKv2(setup.kvMount, 'app/db', { password: VALUE });
  env = { VAULT_ADDR: target.url, VAULT_ROLE_ID: setup.credentials.roleId, VAULT_SECRET_ID: setup.credentials.secretId };
});
afterAll(async () => target.stop());
beforeEach(() => target.double.clearRequests());

const path = () => `${setup.kvMount}/data/app/db/password`;

it('prints the value masked: its length, none of its characters', async () => {
  const { code, stdout } = await run(['resolve', path()]);
  expect(code).toBe(ExitCode.OK);
  expect(stdout).toBe(`${path()} = ******** (${VALUE.length} characters)`);
});

it('--reveal prints the value itself', async () => {
  const { code, stdout } = await run(['resolve', path(), '--reveal']);
  expect(code).toBe(ExitCode.OK);
  expect(stdout).toBe(`${path()} = ${VALUE}`);
});

it('--json: masked unless --reveal', async () => {
  const masked = JSON.parse((await run(['resolve', path(), '--json'])).stdout);
  expect(masked).toEqual({ ok: true, path: path(), length: VALUE.length, masked: true });
  const revealed = JSON.parse((await run(['resolve', path(), '--json', '--reveal'])).stdout);
  expect(revealed).toEqual({ ok: true, path: path(), length: VALUE.length, value: VALUE });
});

it('a path without data/ is read the way Vault names it (KV v2 found through sys/mounts)', async () => {
  const { code, stdout } = await run(['resolve', `${setup.kvMount}/app/db/password`, '--reveal']);
  expect(code).toBe(ExitCode.OK);
  expect(stdout).toMatch(new RegExp(`= ${VALUE}$`));
});

it('a secret that does not exist: exit code 1 and the reason on stderr', async () => {
  const { code, stdout, stderr } = await run(['resolve', `${setup.kvMount}/data/app/nothing/password`]);
  expect(code).toBe(ExitCode.FAILED);
  expect(stdout).toBe('');
  expect(stderr.startsWith(`ap-vault: Secret "${setup.kvMount}/data/app/nothing" was not found on ${target.url}.`)).toBe(true);
});

it('--json failure: one document with the error and the exit code', async () => {
  const { code, stdout } = await run(['resolve', `${setup.kvMount}/data/app/nothing/password`, '--json']);
  expect(code).toBe(ExitCode.FAILED);
  expect(JSON.parse(stdout)).toEqual({ ok: false, exitCode: 1, error: expect.stringMatching(/was not found/) });
});

it.each([
  ['no path', ['resolve'], /resolve needs a path/],
  ['two paths', ['resolve', 'a/data/b/c', 'a/data/b/d'], /one path at a time/],
  ['a path Vault must never see', ['resolve', '../sys/data/x/y'], /Invalid secret path/],
])('%s: exit code 2, nothing sent', async (_why, argv, message) => {
  const { code, stderr } = await run(argv);
  expect(code).toBe(ExitCode.USAGE);
  expect(stderr).toMatch(message);
  expect(target.double.count({ admin: false })).toBe(0);
});

/**
 * The commonest mistake (issue 13.6): a path that names a secret but no key, as `vault kv get`
 * prints it. The answer lists the secret's key names (never a value) and the corrected path, at the
 * cost of one more read on the failure path only.
 */
import { ErrorCode } from '../support/activepieces';
import { ExitCode, main } from '../../src/cli';
import { secretWithoutKeyFailed, secretWithoutKeyLocation } from '../../src/provider/path-hints';
import { createHashicorpVaultProvider } from '../../src/provider/provider';
import type { VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import { vaultCounts } from '../support/vault-counts';
import { captureIo } from './capture-io';

const API_KEY = 'sk_live_PLANTED_0a9f';
const SUBDOMAIN = 'acme-PLANTED-77';
let target: VaultTarget & { double: VaultDouble };
let v2: Awaited<ReturnType<typeof provisionAppRole>>;
let v1: Awaited<ReturnType<typeof provisionAppRole>>;

beforeAll(async () => {
  target = await startDouble();
  v2 = await provisionAppRole(target.admin, { approleMount: 'approle' });
  await target.admin.putKv2(v2.kvMount, 'crm', { subdomain: SUBDOMAIN, api_key: API_KEY });
  await target.admin.putKv2(v2.kvMount, 'team/crm', { token: API_KEY });
  v1 = await provisionAppRole(target.admin, { kvVersion: 1 });
  await target.admin.must('POST', `${v1.kvMount}/team/crm`, { password: API_KEY });
});
afterAll(async () => target.stop());
beforeEach(() => target.double.clearRequests());

async function resolveFailure(setup: typeof v2, path: string): Promise<{ code: string; message: string }> {
  const provider = createHashicorpVaultProvider();
  try {
    await provider.resolve({ connectionId: 'c1', config: { url: target.url, roleId: setup.credentials.roleId, secretId: setup.credentials.secretId, appRoleMount: setup.approleMount }, path });
  } catch (err) {
    const e = err as { error: { code: string; params: { message: string } } };
    return { code: e.error.code, message: e.error.params.message };
  } finally {
    await provider.close();
  }
  throw new Error(`expected ${path} to fail`);
}

describe('a path that names a secret without a key', () => {
  it('secret/data/crm (what vault kv get prints): the key names and the corrected path', async () => {
    const { code, message } = await resolveFailure(v2, `${v2.kvMount}/data/crm`);
    expect(code).toBe(ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED);
    expect(message).toBe(
      `"${v2.kvMount}/data/crm" names the secret ${v2.kvMount}/data/crm, not a key in it: add the key at the end, e.g. ${v2.kvMount}/data/crm/api_key. Keys in it: api_key, subdomain.`,
    );
  });

  it('a nested secret written canonically (secret/data/team/crm)', async () => {
    const { message } = await resolveFailure(v2, `${v2.kvMount}/data/team/crm`);
    expect(message).toBe(`"${v2.kvMount}/data/team/crm" names the secret ${v2.kvMount}/data/team/crm, not a key in it: add the key at the end, e.g. ${v2.kvMount}/data/team/crm/token. Keys in it: token.`);
  });

  it('on a KV v1 mount', async () => {
    const { message } = await resolveFailure(v1, `${v1.kvMount}/team/crm`);
    expect(message).toBe(`"${v1.kvMount}/team/crm" names the secret ${v1.kvMount}/team/crm, not a key in it: add the key at the end, e.g. ${v1.kvMount}/team/crm/password. Keys in it: password.`);
  });

  it('never shows a value, and costs one more read, on the failure only', async () => {
    const counts = vaultCounts(target.double, v2.kvMount);
    const { message } = await resolveFailure(v2, `${v2.kvMount}/data/crm`);
    expect(message).not.toContain('PLANTED');
    expect(counts.reads('data')).toBe(1);
    expect(counts.reads('crm')).toBe(1);
    expect(counts.reads()).toBe(2);
  });

  it('a secret that is really missing keeps the not-found message (after the one probe)', async () => {
    const counts = vaultCounts(target.double, v2.kvMount);
    const { message } = await resolveFailure(v2, `${v2.kvMount}/data/nothing/here`);
    expect(message).toMatch(new RegExp(`^Secret "${v2.kvMount}/data/nothing" was not found on `));
    expect(counts.reads()).toBe(2);
  });

  it('a found secret costs no probe', async () => {
    const counts = vaultCounts(target.double, v2.kvMount);
    const io = captureIo({ VAULT_ADDR: target.url, VAULT_ROLE_ID: v2.credentials.roleId, VAULT_SECRET_ID: v2.credentials.secretId });
    expect(await main(['resolve', `${v2.kvMount}/data/crm/api_key`], io)).toBe(ExitCode.OK);
    expect(counts.reads()).toBe(1);
  });

  it('ap-vault resolve shows it on stderr, exit code 1', async () => {
    const io = captureIo({ VAULT_ADDR: target.url, VAULT_ROLE_ID: v2.credentials.roleId, VAULT_SECRET_ID: v2.credentials.secretId });
    expect(await main(['resolve', `${v2.kvMount}/data/crm`], io)).toBe(ExitCode.FAILED);
    expect(io.stderrText()).toBe(`ap-vault: "${v2.kvMount}/data/crm" names the secret ${v2.kvMount}/data/crm, not a key in it: add the key at the end, e.g. ${v2.kvMount}/data/crm/api_key. Keys in it: api_key, subdomain.`);
    expect(io.stdoutText()).toBe('');
  });
});

describe('the message on its own', () => {
  const location = secretWithoutKeyLocation({ mount: 'secret', kvVersion: 2, secretPath: 'data', key: 'crm', canonical: false });

  it('takes "secret/data/crm" (secret "data", key "crm") for secret "crm"', () => {
    expect(location).toEqual({ mount: 'secret', kvVersion: 2, secretPath: 'crm', key: '', canonical: true });
    expect(secretWithoutKeyLocation({ mount: 'kv', kvVersion: 2, secretPath: 'team', key: 'crm', canonical: true, version: 3 })).toEqual({ mount: 'kv', kvVersion: 2, secretPath: 'team/crm', key: '', canonical: true, version: 3 });
  });

  it('sorts the key names (any server), prints them safely, and lists at most 20', () => {
    const keys = ['zeta', 'alpha', 'bad\u0007key', 'k'.repeat(80), ...Array.from({ length: 20 }, (_, i) => `n${String(i).padStart(2, '0')}`)];
    const { message } = (secretWithoutKeyFailed('secret/data/crm', { location, keys }) as unknown as { error: { params: { message: string } } }).error.params;
    expect(message.startsWith('"secret/data/crm" names the secret secret/data/crm, not a key in it: add the key at the end, e.g. secret/data/crm/alpha. Keys in it: alpha, bad?key, ')).toBe(true);
    expect(message).toContain(`${'k'.repeat(64)}…`);
    expect(message).not.toContain('k'.repeat(65));
    expect(message.endsWith(', … (24 keys).')).toBe(true);
  });
});

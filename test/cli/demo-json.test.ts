/**
 * `ap-vault demo --json`: one JSON document on stdout and nothing else, like the other commands.
 */
import { ExitCode, main } from '../../src/cli';
import { provisionAppRole } from '../../src/testing/vault-admin';
import type { VaultDouble } from '../../src/testing/vault-double';
import { startDouble, type VaultTarget } from '../support/vault-target';
import { captureIo } from './capture-io';

it('on the in-process double: the steps, the props (lengths, never values), the requests', async () => {
  const io = captureIo();
  const code = await main(['demo', '--json'], io);
  expect(code).toBe(ExitCode.OK);
  const doc = JSON.parse(io.stdoutText());
  expect(doc).toEqual({
    ok: true,
    exitCode: 0,
    vault: { kind: 'double', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) },
    steps: [
      expect.stringMatching(/^1\. Started the Vault double/),
      expect.stringMatching(/^2\. Provisioned it/),
      expect.stringMatching(/^3\. Validated the connection/),
      expect.stringMatching(/^4\. Resolved a CUSTOM_AUTH piece connection value/),
      expect.stringMatching(/^5\. Resolved it 5 more times/),
      'Stopped the double.',
    ],
    props: [
      { prop: 'api_key', text: expect.stringMatching(/^\{\{[A-Za-z0-9_-]{21}\|ap_sep_v1\|secret\/data\/demo\/acme-crm\/api_key\}\}$/), length: 40, matchesStored: true },
      { prop: 'subdomain', text: expect.stringMatching(/\|secret\/data\/demo\/acme-crm\/subdomain\}\}$/), length: 9, matchesStored: true },
      { prop: 'region', text: 'eu-west-1' },
    ],
    requests: {
      total: 6,
      byEndpoint: expect.arrayContaining([
        { method: 'POST', path: '/v1/auth/approle/login', count: 2 },
        { method: 'GET', path: '/v1/secret/data/demo/acme-crm', count: 1 },
      ]),
    },
  });
  expect(io.stdoutText()).not.toMatch(/sk_demo_[0-9a-f]/);
  expect(io.err).toEqual([]);
});

describe('on your Vault', () => {
  let target: VaultTarget & { double: VaultDouble };
  let env: Record<string, string>;
  let kv: string;
  beforeAll(async () => {
    target = await startDouble();
    const setup = await provisionAppRole(target.admin, { approleMount: 'approle' });
    kv = setup.kvMount;
    await target.admin.putKv2(kv, 'crm', { api_key: 'k-PLANTED-1', user: 'u-1' });
    env = { VAULT_ADDR: target.url, VAULT_ROLE_ID: setup.credentials.roleId, VAULT_SECRET_ID: setup.credentials.secretId };
  });
  afterAll(async () => target.stop());

  it('one document, with the requests it sent', async () => {
    const io = captureIo(env);
    expect(await main(['demo', '--json', '--path', `${kv}/data/crm/api_key`, '--path', `${kv}/data/crm/user`], io)).toBe(ExitCode.OK);
    const doc = JSON.parse(io.stdoutText());
    expect(doc).toMatchObject({ ok: true, vault: { kind: 'yours', url: target.url }, props: [{ prop: 'first', length: 11 }, { prop: 'second', length: 3 }, { prop: 'region' }] });
    expect(doc.props[0]).not.toHaveProperty('matchesStored');
    expect(doc.requests.total).toBeGreaterThan(0);
    expect(io.stdoutText()).not.toContain('PLANTED');
  });

  it('a failure: ok false, the ✗ message in error, its exit code', async () => {
    const io = captureIo({ ...env, VAULT_SECRET_ID: 'wrong-secret-id-123' });
    const code = await main(['demo', '--json', '--path', `${kv}/data/crm/api_key`, '--path', `${kv}/data/crm/user`], io);
    expect(code).toBe(ExitCode.FAILED);
    const doc = JSON.parse(io.stdoutText());
    expect(doc).toMatchObject({ ok: false, exitCode: 1, error: expect.stringMatching(/rejected the Role ID or Secret ID/) });
    expect(io.stdoutText()).not.toContain('wrong-secret-id-123');
  });

  it('without two --path: a JSON error document, exit code 2', async () => {
    const io = captureIo(env);
    expect(await main(['demo', '--json'], io)).toBe(ExitCode.USAGE);
    expect(JSON.parse(io.stdoutText())).toEqual({ ok: false, exitCode: 2, error: expect.stringMatching(/name two secrets/) });
  });
});

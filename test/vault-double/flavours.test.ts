// Deployment flavours (docs/vault-behaviour.md §14.1, §14.9): dead-token body, version, namespaces.
import { VaultDouble, VaultDoubleOptions } from '../../src/testing/vault-double/index';
import { BODY, call, loginToken, provisionRole, startDouble } from './test-helpers';

let v: VaultDouble | undefined;
afterEach(async () => {
  await v?.stop();
  v = undefined;
});

async function deadTokenBody(opts: VaultDoubleOptions): Promise<string> {
  v = await startDouble(opts);
  const token = await loginToken(v, await provisionRole(v, { policy: 'path "x/*" { capabilities = ["read"] }' }));
  await call(v, 'POST', '/v1/auth/token/revoke-self', { token });
  const r = await call(v, 'GET', '/v1/auth/token/lookup-self', { token });
  expect(r.status).toBe(403);
  return r.text;
}

describe('dead token by flavour (§14.1)', () => {
  it.each([
    [{}, BODY.invalidToken],
    [{ flavour: 'vault' }, BODY.invalidToken],
    [{ flavour: 'enterprise' }, BODY.invalidToken],
    [{ flavour: 'community' }, BODY.invalidToken],
    [{ flavour: 'vault-1.16' }, BODY.plainDenied],
    [{ flavour: 'openbao' }, BODY.plainDenied],
  ] as Array<[VaultDoubleOptions, string]>)('%j ⇒ its body', async (opts, body) => {
    expect(await deadTokenBody(opts)).toBe(body);
  });

  it('an unknown token gets the same body as a revoked one', async () => {
    v = await startDouble({ flavour: 'vault-1.16' });
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token: 'hvs.nope' })).text).toBe(BODY.plainDenied);
  });
});

describe('version in sys/health and sys/seal-status (§14.9)', () => {
  it.each([
    [{}, '1.21.0+ent', true],
    [{ enterprise: false }, '1.21.0', false],
    [{ flavour: 'vault-1.16' }, '1.16.3+ent', true],
    [{ flavour: 'vault-1.16', enterprise: false }, '1.16.3', false],
    [{ flavour: 'openbao' }, '2.3.1', false],
    [{ flavour: 'enterprise' }, '1.21.0+ent', true],
    [{ flavour: 'community' }, '1.21.0', false],
  ] as Array<[VaultDoubleOptions, string, boolean]>)('%j ⇒ %s', async (opts, version, enterprise) => {
    v = await startDouble(opts);
    const health = await call(v, 'GET', '/v1/sys/health', { token: null });
    const seal = await call(v, 'GET', '/v1/sys/seal-status', { token: null });
    expect([health.json.version, health.json.enterprise]).toEqual([version, enterprise]);
    expect(seal.json.version).toBe(version);
  });

  it('exposes the resolved flavour; enterprise:false alone means community', async () => {
    v = await startDouble({ enterprise: false });
    expect(v.flavour).toBe('community');
  });

  it('a contradictory enterprise option throws', async () => {
    await expect(VaultDouble.start({ flavour: 'community', enterprise: true })).rejects.toThrow(/community/);
    await expect(VaultDouble.start({ flavour: 'enterprise', enterprise: false })).rejects.toThrow(/enterprise/);
  });
});

describe('namespaces by flavour (§8, §14.9)', () => {
  const nsLogin = { token: null, body: { role_id: 'r', secret_id: 's' }, headers: { 'X-Vault-Namespace': 'typo' } };

  it('default and openbao: an unknown namespace ⇒ 404 namespace not found', async () => {
    for (const flavour of [undefined, 'openbao'] as const) {
      v = await startDouble({ flavour });
      const r = await call(v, 'POST', '/v1/auth/approle/login', nsLogin);
      expect([r.status, r.json.errors]).toEqual([404, ['namespace not found']]);
      await v.stop();
      v = undefined;
    }
  });

  it('enterprise: a mistyped namespace on login ⇒ 403 plain permission denied', async () => {
    v = await startDouble({ flavour: 'enterprise' });
    await provisionRole(v);
    const r = await call(v, 'POST', '/v1/auth/approle/login', nsLogin);
    expect([r.status, r.text]).toEqual([403, BODY.plainDenied]);
  });

  it('enterprise honours the header: a namespace role logs in there', async () => {
    v = await startDouble({ flavour: 'enterprise' });
    await call(v, 'POST', '/v1/sys/namespaces/team');
    const creds = await provisionRole(v, { ns: 'team' });
    const token = await loginToken(v, creds, { ns: 'team' });
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).json.data.namespace_path).toBe('team/');
  });

  it('community ignores X-Vault-Namespace: the root namespace answers, no echo', async () => {
    v = await startDouble({ flavour: 'community' });
    const creds = await provisionRole(v);
    const r = await call(v, 'POST', '/v1/auth/approle/login', { ...nsLogin, body: { role_id: creds.roleId, secret_id: creds.secretId } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-vault-namespace')).toBeNull();
    expect((await call(v, 'POST', '/v1/sys/namespaces/team')).status).toBe(404); // no such endpoint on CE
  });
});

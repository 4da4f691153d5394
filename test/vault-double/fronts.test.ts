// Agent/Proxy header guard (§14.5), login MFA and forced wrapping (§14.6) — docs/vault-behaviour.md.
import { VaultDouble } from '../../src/testing/vault-double/index';
import { call, login, loginToken, provisionRole, startDouble } from './test-helpers';

let v: VaultDouble;
afterEach(async () => v.stop());

const MISSING_HEADER = '{"errors":["missing \\"X-Vault-Request\\" header"]}\n';

describe('Agent / Proxy with require_request_header (§14.5)', () => {
  it('a request without X-Vault-Request: true ⇒ 412, on every path', async () => {
    v = await startDouble({ requireRequestHeader: true });
    for (const path of ['/v1/auth/token/lookup-self', '/v1/sys/health', '/v1/auth/approle/login']) {
      const r = await call(v, 'GET', path);
      expect([r.status, r.text]).toEqual([412, MISSING_HEADER]);
    }
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { headers: { 'X-Vault-Request': 'false' } })).status).toBe(412);
  });

  it('with the header the request goes through; the guard can be switched at run time', async () => {
    v = await startDouble({ requireRequestHeader: true });
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { headers: { 'X-Vault-Request': 'true' } })).status).toBe(200);
    v.setRequireRequestHeader(false);
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self')).status).toBe(200);
  });

  it('is off by default', async () => {
    v = await startDouble();
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self')).status).toBe(200);
  });
});

describe('login MFA enforced on the auth mount (§14.6)', () => {
  it('200 with client_token "", an mfa_requirement and the warning; no token is made', async () => {
    v = await startDouble();
    const creds = await provisionRole(v);
    v.setLoginMfa('approle', true);
    const before = v.issuedTokens().length;
    const r = await login(v, creds);
    expect(r.status).toBe(200);
    expect(r.json.auth).toMatchObject({ client_token: '', accessor: '', policies: null, lease_duration: 0 });
    expect(r.json.auth.mfa_requirement.mfa_request_id).toMatch(/^[0-9a-f-]{36}$/);
    const [constraint] = Object.values(r.json.auth.mfa_requirement.mfa_constraints) as Array<{ any: Array<{ type: string }> }>;
    expect(constraint.any[0].type).toBe('totp');
    expect(r.json.warnings).toEqual([expect.stringMatching(/^A login request was issued that is subject to MFA validation/)]);
    expect(v.issuedTokens().length).toBe(before);
  });

  it('bad credentials are still refused first; other mounts and switching off log in normally', async () => {
    v = await startDouble();
    const creds = await provisionRole(v);
    const other = await provisionRole(v, { mount: 'other' });
    v.setLoginMfa('approle', true);
    expect((await login(v, { ...creds, secretId: 'wrong' })).status).toBe(400);
    expect((await login(v, other, { mount: 'other' })).json.auth.client_token).toMatch(/^hvs\./);
    v.setLoginMfa('approle', false);
    expect((await login(v, creds)).json.auth.client_token).toMatch(/^hvs\./);
  });

  it('is per namespace', async () => {
    v = await startDouble();
    await call(v, 'POST', '/v1/sys/namespaces/team');
    const creds = await provisionRole(v, { ns: 'team' });
    v.setLoginMfa('approle', true);
    expect((await login(v, creds, { ns: 'team' })).json.auth.client_token).toMatch(/^hvs\./);
    v.setLoginMfa('approle', true, { namespace: 'team' });
    expect((await login(v, creds, { ns: 'team' })).json.auth.client_token).toBe('');
  });
});

describe('control groups / forced wrapping (§14.6)', () => {
  it('a read of a matching path answers 200 with only wrap_info', async () => {
    v = await startDouble();
    await call(v, 'POST', '/v1/sys/mounts/secret', { body: { type: 'kv', options: { version: '2' } } });
    await call(v, 'POST', '/v1/secret/data/app', { body: { data: { password: 'p' } } });
    v.setForcedWrapping({ path: /^secret\/data\//, ttl: 600 });
    const r = await call(v, 'GET', '/v1/secret/data/app');
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('"password"');
    expect(r.json).toMatchObject({ request_id: '', data: null, auth: null, warnings: null });
    expect(r.json.wrap_info).toMatchObject({ ttl: 600, creation_path: 'secret/data/app' });
    expect(v.issuedTokens()).toContain(r.json.wrap_info.token);
  });

  it('writes, other paths, errors and a switched-off rule are not wrapped', async () => {
    v = await startDouble();
    await call(v, 'POST', '/v1/sys/mounts/secret', { body: { type: 'kv', options: { version: '2' } } });
    v.setForcedWrapping({ path: 'secret/data/app' });
    const write = await call(v, 'POST', '/v1/secret/data/app', { body: { data: { k: 1 } } });
    expect(write.json.wrap_info).toBeNull();
    expect((await call(v, 'GET', '/v1/secret/data/missing')).status).toBe(404);
    expect((await call(v, 'GET', '/v1/secret/data/app')).json.wrap_info.ttl).toBe(300);
    v.setForcedWrapping(null);
    expect((await call(v, 'GET', '/v1/secret/data/app')).json.data.data).toEqual({ k: 1 });
  });

  it('a denied read stays a 403', async () => {
    v = await startDouble();
    await call(v, 'POST', '/v1/sys/mounts/secret', { body: { type: 'kv', options: { version: '2' } } });
    const token = await loginToken(v, await provisionRole(v, { policy: 'path "other/*" { capabilities = ["read"] }' }));
    v.setForcedWrapping({ path: /.*/ });
    expect((await call(v, 'GET', '/v1/secret/data/app', { token })).status).toBe(403);
  });
});

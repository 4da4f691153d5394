// Token handling over HTTP: self endpoints, expiry, revoke, num_uses, transport (docs/vault-behaviour.md §3, §9).
import { VaultDouble } from '../../src/testing/vault-double/index';
import { BODY, call, fakeClock, login, loginToken, provisionRole, startDouble } from './test-helpers';

let v: VaultDouble;
afterEach(async () => v?.stop());

describe('bad / expired / revoked / missing token (docs/vault-behaviour.md §3.4)', () => {
  it('no token ⇒ 403 plain permission denied', async () => {
    v = await startDouble();
    const r = await call(v, 'GET', '/v1/auth/token/lookup-self', { token: null });
    expect([r.status, r.text]).toEqual([403, BODY.plainDenied]);
  });

  it('unknown token ⇒ 403 "2 errors occurred … invalid token"', async () => {
    v = await startDouble();
    const r = await call(v, 'GET', '/v1/sys/mounts', { token: 'hvs.nope' });
    expect([r.status, r.text]).toEqual([403, BODY.invalidToken]);
  });

  it('a token dies when its TTL passes on the injected clock', async () => {
    const clock = fakeClock();
    v = await startDouble({ now: clock.now });
    const token = await loginToken(v, await provisionRole(v, { roleFields: { token_ttl: 60 } }));
    clock.advance(59_000);
    const alive = await call(v, 'GET', '/v1/auth/token/lookup-self', { token });
    expect(alive.json.data.ttl).toBe(1);
    clock.advance(1_000);
    const dead = await call(v, 'GET', '/v1/auth/token/lookup-self', { token });
    expect([dead.status, dead.text]).toEqual([403, BODY.invalidToken]);
  });

  it('revokeAllTokens() kills every non-root token; root still works', async () => {
    v = await startDouble();
    const token = await loginToken(v, await provisionRole(v));
    v.revokeAllTokens();
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).text).toBe(BODY.invalidToken);
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self')).status).toBe(200);
  });

  it('auth/token/revoke (root) revokes another token', async () => {
    v = await startDouble();
    const token = await loginToken(v, await provisionRole(v));
    expect((await call(v, 'POST', '/v1/auth/token/revoke', { body: { token } })).status).toBe(204);
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).text).toBe(BODY.invalidToken);
  });
});

describe('token transport (docs/vault-behaviour.md §9)', () => {
  it('accepts Authorization: Bearer', async () => {
    v = await startDouble();
    const r = await call(v, 'GET', '/v1/auth/token/lookup-self', { token: null, headers: { Authorization: `Bearer ${v.rootToken}` } });
    expect(r.status).toBe(200);
  });

  it('X-Vault-Token wins over Authorization', async () => {
    v = await startDouble();
    const r = await call(v, 'GET', '/v1/auth/token/lookup-self', { token: 'hvs.bad', headers: { Authorization: `Bearer ${v.rootToken}` } });
    expect(r.text).toBe(BODY.invalidToken);
  });

  it('ignores an Authorization header that is not Bearer', async () => {
    v = await startDouble();
    const r = await call(v, 'GET', '/v1/auth/token/lookup-self', { token: null, headers: { Authorization: `Basic ${v.rootToken}` } });
    expect(r.text).toBe(BODY.plainDenied);
  });
});

describe('lookup-self (docs/vault-behaviour.md §3.1)', () => {
  it('root token: policies ["root"], ttl 0, expire_time null, path auth/token/root', async () => {
    v = await startDouble();
    const r = await call(v, 'GET', '/v1/auth/token/lookup-self');
    expect(r.json.mount_type).toBe('token');
    expect(r.json.data).toMatchObject({ id: v.rootToken, policies: ['root'], ttl: 0, expire_time: null, path: 'auth/token/root', type: 'service', orphan: true });
    expect(v.rootToken).toMatch(/^hvs\./);
  });

  it('AppRole token: documented fields; GET and POST both allowed by the default policy', async () => {
    const clock = fakeClock(Date.parse('2025-01-01T00:00:00.250Z'));
    v = await startDouble({ now: clock.now });
    const token = await loginToken(v, await provisionRole(v, { roleFields: { token_ttl: '1h' } }));
    const r = await call(v, 'GET', '/v1/auth/token/lookup-self', { token });
    expect(Object.keys(r.json.data).sort()).toEqual([
      'accessor', 'creation_time', 'creation_ttl', 'display_name', 'entity_id', 'expire_time', 'explicit_max_ttl', 'id', 'issue_time', 'meta', 'num_uses', 'orphan', 'path', 'policies', 'renewable', 'ttl', 'type',
    ]);
    expect(r.json.data).toMatchObject({
      creation_time: 1735689600,
      creation_ttl: 3600,
      display_name: 'approle',
      expire_time: '2025-01-01T01:00:00.25Z',
      issue_time: '2025-01-01T00:00:00.25Z',
      id: token,
      meta: { role_name: 'app' },
      path: 'auth/approle/login',
      policies: ['app', 'default'],
      renewable: true,
      ttl: 3600,
      type: 'service',
    });
    expect((await call(v, 'POST', '/v1/auth/token/lookup-self', { token })).status).toBe(200);
  });

  it('a token without the default policy may not look itself up', async () => {
    v = await startDouble();
    const token = await loginToken(v, await provisionRole(v, { roleFields: { token_no_default_policy: true } }));
    const r = await call(v, 'GET', '/v1/auth/token/lookup-self', { token });
    expect([r.status, r.text]).toEqual([403, BODY.policyDenied]);
  });
});

describe('renew-self (docs/vault-behaviour.md §3.2)', () => {
  it('increment extends the TTL; capped at max TTL from issue time with a warning', async () => {
    const clock = fakeClock();
    v = await startDouble({ now: clock.now });
    const token = await loginToken(v, await provisionRole(v, { roleFields: { token_ttl: '1h', token_max_ttl: '2h' } }));
    clock.advance(30 * 60_000);
    const first = await call(v, 'POST', '/v1/auth/token/renew-self', { token, body: { increment: '1h' } });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ data: null, warnings: null, mount_type: 'token', auth: { client_token: token, lease_duration: 3600, renewable: true } });
    clock.advance(45 * 60_000); // 75 min after issue: 45 min left before token_max_ttl
    const capped = await call(v, 'POST', '/v1/auth/token/renew-self', { token, body: { increment: 3600 } });
    expect(capped.json.auth.lease_duration).toBe(2700);
    expect(capped.json.warnings).toEqual(['TTL of "1h0m0s" exceeded the effective max_ttl of "45m0s"; TTL value is capped accordingly']);
    const self = await call(v, 'GET', '/v1/auth/token/lookup-self', { token });
    expect(self.json.data.ttl).toBe(2700);
    expect(self.json.data.last_renewal_time).toBe(Math.floor(clock.now() / 1000));
  });

  it('without increment the role token_ttl applies', async () => {
    const clock = fakeClock();
    v = await startDouble({ now: clock.now });
    const token = await loginToken(v, await provisionRole(v, { roleFields: { token_ttl: '10m' } }));
    clock.advance(5 * 60_000);
    const r = await call(v, 'POST', '/v1/auth/token/renew-self', { token });
    expect(r.json.auth.lease_duration).toBe(600);
  });

  it('root token (no lease) ⇒ 400 invalid lease ID (§14.8)', async () => {
    v = await startDouble();
    const r = await call(v, 'POST', '/v1/auth/token/renew-self');
    expect([r.status, r.text]).toEqual([400, '{"errors":["invalid lease ID"]}\n']);
  });

  it('batch token ⇒ 400 batch tokens cannot be renewed', async () => {
    v = await startDouble();
    const token = await loginToken(v, await provisionRole(v, { roleFields: { token_type: 'batch' } }));
    const r = await call(v, 'POST', '/v1/auth/token/renew-self', { token });
    expect([r.status, r.text]).toEqual([400, '{"errors":["batch tokens cannot be renewed"]}\n']);
  });
});

describe('revoke-self (docs/vault-behaviour.md §3.3)', () => {
  it('204 with no body; the token is then invalid', async () => {
    v = await startDouble();
    const token = await loginToken(v, await provisionRole(v));
    const r = await call(v, 'POST', '/v1/auth/token/revoke-self', { token });
    expect([r.status, r.text]).toEqual([204, '']);
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).text).toBe(BODY.invalidToken);
  });

  it('batch token ⇒ 400 batch tokens cannot be revoked', async () => {
    v = await startDouble();
    const token = await loginToken(v, await provisionRole(v, { roleFields: { token_type: 'batch' } }));
    const r = await call(v, 'POST', '/v1/auth/token/revoke-self', { token });
    expect([r.status, r.text]).toEqual([400, '{"errors":["batch tokens cannot be revoked"]}\n']);
  });

  it('revokes child tokens too', async () => {
    v = await startDouble();
    await call(v, 'PUT', '/v1/sys/policies/acl/maker', { body: { policy: 'path "auth/token/create" { capabilities = ["update"] }' } });
    const parent = (await call(v, 'POST', '/v1/auth/token/create', { body: { policies: ['maker'], ttl: '1h' } })).json.auth.client_token;
    const child = (await call(v, 'POST', '/v1/auth/token/create', { token: parent, body: { policies: ['default'] } })).json.auth.client_token;
    await call(v, 'POST', '/v1/auth/token/revoke-self', { token: parent });
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token: child })).text).toBe(BODY.invalidToken);
  });
});

describe('num_uses (Vault semantics)', () => {
  it('token_num_uses 2: two requests, then the token is dead', async () => {
    v = await startDouble();
    const r = await login(v, await provisionRole(v, { roleFields: { token_num_uses: 2 } }));
    expect(r.json.auth.num_uses).toBe(2);
    const token = r.json.auth.client_token;
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).json.data.num_uses).toBe(1);
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).status).toBe(200);
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).text).toBe(BODY.invalidToken);
  });
});

describe('auth/token/create', () => {
  it('creates a token with chosen policies and TTL', async () => {
    v = await startDouble();
    const r = await call(v, 'POST', '/v1/auth/token/create', { body: { policies: ['reader'], ttl: '15m', num_uses: 5 } });
    expect(r.json).toMatchObject({ mount_type: 'token', auth: { policies: ['default', 'reader'], lease_duration: 900, renewable: true, token_type: 'service', orphan: false, num_uses: 5 } });
    const self = await call(v, 'GET', '/v1/auth/token/lookup-self', { token: r.json.auth.client_token });
    expect(self.json.data).toMatchObject({ path: 'auth/token/create', display_name: 'token', policies: ['default', 'reader'] });
  });

  it('renewable:false, no_default_policy and batch type', async () => {
    v = await startDouble();
    const r = await call(v, 'POST', '/v1/auth/token/create', { body: { policies: 'x', renewable: false } });
    expect(r.json.auth).toMatchObject({ policies: ['default', 'x'], renewable: false });
    const bare = await call(v, 'POST', '/v1/auth/token/create', { body: { policies: ['x'], no_default_policy: true } });
    expect(bare.json.auth.token_policies).toEqual(['x']);
    const renew = await call(v, 'POST', '/v1/auth/token/renew-self', { token: r.json.auth.client_token });
    expect(renew.text).toBe('{"errors":["lease is not renewable"]}\n');
    const b = await call(v, 'POST', '/v1/auth/token/create', { body: { type: 'batch' } });
    expect(b.json.auth.client_token).toMatch(/^hvb\./);
  });

  it('a non-root parent cannot grant policies it does not have', async () => {
    v = await startDouble();
    await call(v, 'PUT', '/v1/sys/policies/acl/maker', { body: { policy: 'path "auth/token/create" { capabilities = ["update"] }' } });
    const parent = (await call(v, 'POST', '/v1/auth/token/create', { body: { policies: ['maker'] } })).json.auth.client_token;
    const r = await call(v, 'POST', '/v1/auth/token/create', { token: parent, body: { policies: ['admin'] } });
    expect([r.status, r.json]).toEqual([400, { errors: ['child policies must be subset of parent'] }]);
  });
});

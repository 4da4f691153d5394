// AppRole login over real HTTP (docs/vault-behaviour.md §2).
import { VaultDouble } from '../../src/testing/vault-double/index';
import { BODY, UUID, call, fakeClock, login, provisionRole, startDouble } from './test-helpers';

let v: VaultDouble;
afterEach(async () => v?.stop());

describe('login success (docs/vault-behaviour.md §2.2)', () => {
  it('answers the full envelope with the auth block in Vault field order', async () => {
    v = await startDouble();
    const creds = await provisionRole(v, { policy: 'path "secret/*" { capabilities = ["read"] }', roleFields: { token_ttl: '1h' } });
    const r = await login(v, creds);
    expect(r.status).toBe(200);
    expect(r.text.endsWith('}\n')).toBe(true); // Go encoder newline (docs/vault-behaviour.md §1)
    expect(Object.keys(r.json)).toEqual(['request_id', 'lease_id', 'renewable', 'lease_duration', 'data', 'wrap_info', 'warnings', 'auth', 'mount_type']);
    expect(r.json).toMatchObject({ lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null, mount_type: '' });
    expect(r.json.request_id).toMatch(UUID);
    expect(Object.keys(r.json.auth)).toEqual([
      'client_token', 'accessor', 'policies', 'token_policies', 'metadata', 'lease_duration', 'renewable', 'entity_id', 'token_type', 'orphan', 'mfa_requirement', 'num_uses',
    ]);
    expect(r.json.auth).toEqual({
      client_token: expect.stringMatching(/^hvs\./),
      accessor: expect.stringMatching(/^\S+$/),
      policies: ['app', 'default'],
      token_policies: ['app', 'default'],
      metadata: { role_name: 'app' },
      lease_duration: 3600,
      renewable: true,
      entity_id: expect.stringMatching(UUID),
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    });
  });

  it('PUT is equivalent to POST and values are whitespace-trimmed', async () => {
    v = await startDouble();
    const creds = await provisionRole(v);
    const r = await call(v, 'PUT', '/v1/auth/approle/login', { token: null, body: { role_id: ` ${creds.roleId}\n`, secret_id: `${creds.secretId} ` } });
    expect(r.status).toBe(200);
  });

  it('uses the mount default 768h without token_ttl, and a nested mount path', async () => {
    v = await startDouble();
    const creds = await provisionRole(v, { mount: 'team/approle' });
    const r = await login(v, creds, { mount: 'team/approle' });
    expect(r.json.auth.lease_duration).toBe(2764800);
    const self = await call(v, 'GET', '/v1/auth/token/lookup-self', { token: r.json.auth.client_token });
    expect(self.json.data).toMatchObject({ display_name: 'team-approle', path: 'auth/team/approle/login', meta: { role_name: 'app' } });
  });

  it('token_no_default_policy leaves "default" out', async () => {
    v = await startDouble();
    const creds = await provisionRole(v, { roleFields: { token_policies: 'b,a', token_no_default_policy: true } });
    const r = await login(v, creds);
    expect(r.json.auth.token_policies).toEqual(['a', 'b']);
  });

  it('caps the TTL at the mount max with the documented warning', async () => {
    v = await startDouble();
    await call(v, 'POST', '/v1/sys/auth/approle', { body: { type: 'approle', config: { max_lease_ttl: '1h' } } });
    const creds = await provisionRole(v, { enable: false, roleFields: { token_ttl: '2h' } });
    const r = await login(v, creds);
    expect(r.json.auth.lease_duration).toBe(3600);
    expect(r.json.warnings).toEqual(['TTL of "2h0m0s" exceeded the effective max_ttl of "1h0m0s"; TTL value is capped accordingly']);
  });

  it('batch tokens: hvb. prefix, no accessor, not renewable', async () => {
    v = await startDouble();
    const creds = await provisionRole(v, { roleFields: { token_type: 'batch', token_ttl: 600 } });
    const r = await login(v, creds);
    expect(r.json.auth).toMatchObject({ client_token: expect.stringMatching(/^hvb\./), accessor: '', renewable: false, token_type: 'batch', lease_duration: 600 });
  });

  it('the same role_id maps to the same entity', async () => {
    v = await startDouble();
    const creds = await provisionRole(v);
    const a = await login(v, creds);
    const b = await login(v, creds);
    expect(a.json.auth.entity_id).toBe(b.json.auth.entity_id);
  });

  it('secret-id metadata is merged into auth.metadata', async () => {
    v = await startDouble();
    const creds = await provisionRole(v);
    const s = await call(v, 'POST', '/v1/auth/approle/role/app/secret-id', { body: { metadata: '{"team":"blue"}' } });
    const r = await login(v, { roleId: creds.roleId, secretId: s.json.data.secret_id });
    expect(r.json.auth.metadata).toEqual({ role_name: 'app', team: 'blue' });
  });
});

describe('login errors (docs/vault-behaviour.md §2.3)', () => {
  beforeEach(async () => {
    v = await startDouble();
  });

  it('unknown role_id ⇒ 400 invalid role or secret ID', async () => {
    await provisionRole(v);
    const r = await login(v, { roleId: 'nope', secretId: 'x' });
    expect([r.status, r.text]).toEqual([400, BODY.invalidCreds]);
  });

  it('unknown secret_id ⇒ 400 invalid role or secret ID', async () => {
    const creds = await provisionRole(v);
    const r = await login(v, { ...creds, secretId: 'wrong' });
    expect([r.status, r.text]).toEqual([400, BODY.invalidCreds]);
  });

  it('missing secret_id ⇒ 400 missing secret_id', async () => {
    const creds = await provisionRole(v);
    const r = await call(v, 'POST', '/v1/auth/approle/login', { token: null, body: { role_id: creds.roleId } });
    expect([r.status, r.text]).toEqual([400, '{"errors":["missing secret_id"]}\n']);
  });

  it('missing role_id with lockout enabled (default) ⇒ 500 alias error', async () => {
    await provisionRole(v);
    const r = await call(v, 'POST', '/v1/auth/approle/login', { token: null, body: { secret_id: 'x' } });
    expect([r.status, r.text]).toEqual([500, '{"errors":["failed to determine alias name from login request"]}\n']);
  });

  it('missing role_id with lockout disabled ⇒ 400 missing role_id', async () => {
    await call(v, 'POST', '/v1/sys/auth/approle', { body: { type: 'approle', config: { user_lockout_config: { disable_lockout: true } } } });
    await provisionRole(v, { enable: false });
    const r = await call(v, 'POST', '/v1/auth/approle/login', { token: null, body: {} });
    expect([r.status, r.text]).toEqual([400, '{"errors":["missing role_id"]}\n']);
  });

  it('GET on the login path ⇒ 405', async () => {
    await provisionRole(v);
    const r = await call(v, 'GET', '/v1/auth/approle/login', { token: null });
    expect(r.status).toBe(405);
  });

  it('login at a mount where AppRole is not enabled ⇒ 403 (path needs a token)', async () => {
    const r = await call(v, 'POST', '/v1/auth/nothere/login', { token: null, body: { role_id: 'a', secret_id: 'b' } });
    expect([r.status, r.text]).toEqual([403, BODY.plainDenied]);
  });

  it('secret_id_bound_cidrs excluding the caller ⇒ 400 with the role CIDR message', async () => {
    const creds = await provisionRole(v, { roleFields: { secret_id_bound_cidrs: ['10.0.0.0/8'] } });
    const r = await login(v, creds);
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual(['source address "127.0.0.1" unauthorized by CIDR restrictions on the role: %!w(<nil>)']);
    expect(r.text).toContain('%!w(\\u003cnil\\u003e)'); // Go's HTML-safe JSON escaping
  });

  it('bind_secret_id=false without another constraint is rejected', async () => {
    await call(v, 'POST', '/v1/sys/auth/approle', { body: { type: 'approle' } });
    const r = await call(v, 'POST', '/v1/auth/approle/role/x', { body: { bind_secret_id: false } });
    expect([r.status, r.json]).toEqual([400, { errors: ['at least one constraint should be enabled on the role'] }]);
  });

  it('bind_secret_id=false with a CIDR constraint logs in with role_id only', async () => {
    const creds = await provisionRole(v, { roleFields: { bind_secret_id: false, secret_id_bound_cidrs: '127.0.0.0/8' } });
    const r = await call(v, 'POST', '/v1/auth/approle/login', { token: null, body: { role_id: creds.roleId } });
    expect(r.status).toBe(200);
  });
});

describe('user lockout (docs/vault-behaviour.md §2.4)', () => {
  it('5 bad secret IDs lock the role_id: then 403 plain permission denied, even with good credentials', async () => {
    const clock = fakeClock();
    v = await startDouble({ now: clock.now });
    const creds = await provisionRole(v);
    for (let i = 0; i < 5; i++) expect((await login(v, { ...creds, secretId: 'bad' })).status).toBe(400);
    const locked = await login(v, creds);
    expect([locked.status, locked.text]).toEqual([403, BODY.plainDenied]);
  });

  it('the lock ends after 15 minutes', async () => {
    const clock = fakeClock();
    v = await startDouble({ now: clock.now });
    const creds = await provisionRole(v);
    for (let i = 0; i < 5; i++) await login(v, { ...creds, secretId: 'bad' });
    clock.advance(15 * 60_000 - 1);
    expect((await login(v, creds)).status).toBe(403);
    clock.advance(1);
    expect((await login(v, creds)).status).toBe(200);
  });

  it('unknown role IDs are not counted', async () => {
    v = await startDouble();
    const creds = await provisionRole(v);
    for (let i = 0; i < 8; i++) await login(v, { roleId: creds.roleId + 'x', secretId: 'bad' });
    expect((await login(v, creds)).status).toBe(200);
  });

  it('a success resets the counter', async () => {
    v = await startDouble();
    const creds = await provisionRole(v);
    for (let i = 0; i < 4; i++) await login(v, { ...creds, secretId: 'bad' });
    expect((await login(v, creds)).status).toBe(200);
    for (let i = 0; i < 4; i++) await login(v, { ...creds, secretId: 'bad' });
    expect((await login(v, creds)).status).toBe(200);
  });

  it('failures older than the 15 minute counter window start a new count', async () => {
    const clock = fakeClock();
    v = await startDouble({ now: clock.now });
    const creds = await provisionRole(v);
    for (let i = 0; i < 4; i++) await login(v, { ...creds, secretId: 'bad' });
    clock.advance(15 * 60_000 + 1);
    await login(v, { ...creds, secretId: 'bad' });
    expect((await login(v, creds)).status).toBe(200);
  });
});

describe('secret_id_num_uses and secret-id TTL (docs/vault-behaviour.md §2.5)', () => {
  it('a secret ID with 2 uses works twice, then 400 invalid role or secret ID', async () => {
    v = await startDouble();
    const creds = await provisionRole(v, { roleFields: { secret_id_num_uses: 2 } });
    expect((await login(v, creds)).status).toBe(200);
    expect((await login(v, creds)).status).toBe(200);
    const third = await login(v, creds);
    expect([third.status, third.text]).toEqual([400, BODY.invalidCreds]);
  });

  it('secret-id reports its num_uses and ttl', async () => {
    v = await startDouble();
    await provisionRole(v, { roleFields: { secret_id_num_uses: 3, secret_id_ttl: '10m' } });
    const s = await call(v, 'POST', '/v1/auth/approle/role/app/secret-id', { body: {} });
    expect(Object.keys(s.json.data)).toEqual(['secret_id', 'secret_id_accessor', 'secret_id_num_uses', 'secret_id_ttl']);
    expect(s.json.data).toMatchObject({ secret_id: expect.stringMatching(UUID), secret_id_accessor: expect.stringMatching(UUID), secret_id_num_uses: 3, secret_id_ttl: 600 });
  });

  it('an expired secret ID is refused', async () => {
    const clock = fakeClock();
    v = await startDouble({ now: clock.now });
    const creds = await provisionRole(v, { roleFields: { secret_id_ttl: '30s' } });
    clock.advance(30_000);
    expect((await login(v, creds)).text).toBe(BODY.invalidCreds);
  });
});

describe('role admin', () => {
  it('reads back role fields with durations in seconds', async () => {
    v = await startDouble();
    await provisionRole(v, { roleFields: { token_policies: 'a, b', token_ttl: '30m', token_max_ttl: '1h', token_num_uses: 3 } });
    const r = await call(v, 'GET', '/v1/auth/approle/role/app');
    expect(r.json.data).toEqual({
      bind_secret_id: true,
      local_secret_ids: false,
      secret_id_bound_cidrs: [],
      secret_id_num_uses: 0,
      secret_id_ttl: 0,
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 3600,
      token_no_default_policy: false,
      token_num_uses: 3,
      token_period: 0,
      token_policies: ['a', 'b'],
      token_ttl: 1800,
      token_type: 'default',
    });
  });

  it('token_ttl greater than token_max_ttl is rejected', async () => {
    v = await startDouble();
    await call(v, 'POST', '/v1/sys/auth/approle', { body: { type: 'approle' } });
    const r = await call(v, 'POST', '/v1/auth/approle/role/x', { body: { token_ttl: '2h', token_max_ttl: '1h' } });
    expect(r.status).toBe(400);
  });

  it('a deleted role cannot log in', async () => {
    v = await startDouble();
    const creds = await provisionRole(v);
    expect((await call(v, 'DELETE', '/v1/auth/approle/role/app')).status).toBe(204);
    expect((await login(v, creds)).text).toBe(BODY.invalidCreds);
  });

  it('a destroyed secret ID cannot log in', async () => {
    v = await startDouble();
    const creds = await provisionRole(v);
    await call(v, 'POST', '/v1/auth/approle/role/app/secret-id/destroy', { body: { secret_id: creds.secretId } });
    expect((await login(v, creds)).text).toBe(BODY.invalidCreds);
  });
});

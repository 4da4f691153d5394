// sys/mounts, sys/auth and sys/internal/ui/mounts (docs/vault-behaviour.md §4).
import { VaultDouble } from '../../src/testing/vault-double/index';
import { BODY, UUID, call, loginToken, provisionRole, startDouble } from './test-helpers';

let v: VaultDouble;
beforeEach(async () => {
  v = await startDouble();
});
afterEach(async () => v.stop());

const enableKv = (path: string, body: Record<string, unknown>) => call(v, 'POST', `/v1/sys/mounts/${path}`, { body });

describe('GET sys/mounts (docs/vault-behaviour.md §4.1)', () => {
  it('a fresh server has only sys/, cubbyhole/ and identity/', async () => {
    const r = await call(v, 'GET', '/v1/sys/mounts');
    expect(r.status).toBe(200);
    expect(Object.keys(r.json.data).sort()).toEqual(['cubbyhole/', 'identity/', 'sys/']);
    expect(r.json.data['sys/'].type).toBe('system');
  });

  it('entries appear at the top level AND under data', async () => {
    await enableKv('secret', { type: 'kv', options: { version: '2' } });
    const r = await call(v, 'GET', '/v1/sys/mounts');
    expect(r.json['secret/']).toEqual(r.json.data['secret/']);
    expect(r.json.request_id).toMatch(UUID);
  });

  it('per-mount fields of a KV v2 mount', async () => {
    expect((await enableKv('secret', { type: 'kv', options: { version: '2' }, description: 'app secrets' })).status).toBe(204);
    const m = (await call(v, 'GET', '/v1/sys/mounts')).json.data['secret/'];
    expect(m).toEqual({
      accessor: expect.stringMatching(/^kv_[0-9a-f]{8}$/),
      config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 },
      deprecation_status: 'supported',
      description: 'app secrets',
      external_entropy_access: false,
      local: false,
      options: { version: '2' },
      plugin_version: '',
      running_plugin_version: expect.stringMatching(/\+builtin$/),
      running_sha256: '',
      seal_wrap: false,
      type: 'kv',
      uuid: expect.stringMatching(UUID),
    });
  });

  it('type kv-v2 becomes type kv with options.version "2"; kv without options is v1 (options null)', async () => {
    await enableKv('a', { type: 'kv-v2' });
    await enableKv('b', { type: 'kv' });
    await enableKv('c', { type: 'kv', options: { version: '1' } });
    const data = (await call(v, 'GET', '/v1/sys/mounts')).json.data;
    expect([data['a/'].type, data['a/'].options]).toEqual(['kv', { version: '2' }]);
    expect(data['b/'].options).toBeNull();
    expect(data['c/'].options).toEqual({ version: '1' });
  });

  it('nested mount paths work', async () => {
    expect((await enableKv('team/kv', { type: 'kv-v2' })).status).toBe(204);
    expect((await call(v, 'POST', '/v1/team/kv/data/x', { body: { data: { a: 1 } } })).status).toBe(200);
  });

  it('a path already in use is rejected; unknown engine types too', async () => {
    await enableKv('secret', { type: 'kv' });
    expect((await enableKv('secret', { type: 'kv' })).json).toEqual({ errors: ['path is already in use at secret/'] });
    expect((await enableKv('pki', { type: 'pki' })).status).toBe(400);
  });

  it('needs read on sys/mounts: the default policy is not enough', async () => {
    const token = await loginToken(v, await provisionRole(v));
    const r = await call(v, 'GET', '/v1/sys/mounts', { token });
    expect([r.status, r.text]).toEqual([403, BODY.policyDenied]);
  });

  it('a policy granting read on sys/mounts is enough', async () => {
    const token = await loginToken(v, await provisionRole(v, { policy: 'path "sys/mounts" { capabilities = ["read"] }' }));
    expect((await call(v, 'GET', '/v1/sys/mounts', { token })).status).toBe(200);
  });

  it('DELETE disables a mount', async () => {
    await enableKv('secret', { type: 'kv' });
    expect((await call(v, 'DELETE', '/v1/sys/mounts/secret')).status).toBe(204);
    expect((await call(v, 'GET', '/v1/secret/x')).json).toEqual({ errors: ['no handler for route "secret/x". route entry not found.'] });
  });
});

describe('sys/auth', () => {
  it('lists token/ and enabled AppRole mounts (top level and data)', async () => {
    await call(v, 'POST', '/v1/sys/auth/approle', { body: { type: 'approle' } });
    const r = await call(v, 'GET', '/v1/sys/auth');
    expect(Object.keys(r.json.data).sort()).toEqual(['approle/', 'token/']);
    expect(r.json['approle/'].type).toBe('approle');
    expect(r.json.data['approle/'].accessor).toMatch(/^auth_approle_/);
  });

  it('enabling an auth method needs sudo (root-protected path)', async () => {
    const token = await loginToken(v, await provisionRole(v, { policy: 'path "sys/auth/*" { capabilities = ["create", "update"] }' }));
    expect((await call(v, 'POST', '/v1/sys/auth/other', { token, body: { type: 'approle' } })).text).toBe(BODY.policyDenied);
    await call(v, 'PUT', '/v1/sys/policies/acl/app', { body: { policy: 'path "sys/auth/*" { capabilities = ["create", "update", "sudo"] }' } });
    expect((await call(v, 'POST', '/v1/sys/auth/other', { token, body: { type: 'approle' } })).status).toBe(204);
  });
});

describe('GET sys/internal/ui/mounts/<path> (docs/vault-behaviour.md §4.2)', () => {
  const preflight = (path: string) => `{"errors":["preflight capability check returned 403, please ensure client's policies grant access to path \\"${path}\\""]}\n`;

  beforeEach(async () => {
    await enableKv('secret', { type: 'kv', options: { version: '2' } });
  });

  it('a policy on secret/data/foo is enough for the mount; data has path', async () => {
    const token = await loginToken(v, await provisionRole(v, { policy: 'path "secret/data/foo" { capabilities = ["read"] }' }));
    const r = await call(v, 'GET', '/v1/sys/internal/ui/mounts/secret', { token });
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ path: 'secret/', type: 'kv', options: { version: '2' } });
    expect(r.json.mount_type).toBe('');
  });

  it('any path inside the mount answers for the mount', async () => {
    const r = await call(v, 'GET', '/v1/sys/internal/ui/mounts/secret/path/to/x');
    expect(r.json.data.path).toBe('secret/');
  });

  it('no capability under the mount ⇒ 403 preflight message with the sanitized path', async () => {
    const token = await loginToken(v, await provisionRole(v, { policy: 'path "other/*" { capabilities = ["read"] }' }));
    const r = await call(v, 'GET', '/v1/sys/internal/ui/mounts/secret/a/b', { token });
    expect([r.status, r.text]).toEqual([403, preflight('secret/a/b/')]);
  });

  it('a missing mount is indistinguishable from no access', async () => {
    const r = await call(v, 'GET', '/v1/sys/internal/ui/mounts/nope');
    expect([r.status, r.text]).toEqual([403, preflight('nope/')]);
  });

  it('deny-only rules give no access', async () => {
    const token = await loginToken(v, await provisionRole(v, { policy: 'path "secret/*" { capabilities = ["deny"] }' }));
    expect((await call(v, 'GET', '/v1/sys/internal/ui/mounts/secret', { token })).text).toBe(preflight('secret/'));
  });

  it('a + rule covering the mount gives access', async () => {
    const token = await loginToken(v, await provisionRole(v, { policy: 'path "+/data/app" { capabilities = ["read"] }' }));
    expect((await call(v, 'GET', '/v1/sys/internal/ui/mounts/secret', { token })).status).toBe(200);
  });

  it('no token ⇒ 403', async () => {
    const r = await call(v, 'GET', '/v1/sys/internal/ui/mounts/secret', { token: null });
    expect([r.status, r.text]).toEqual([403, BODY.plainDenied]);
  });

  it('does not consume a token use', async () => {
    await provisionRole(v, { policy: 'path "secret/*" { capabilities = ["read"] }', roleFields: { token_num_uses: 1 } });
    const creds = await provisionRole(v, { enable: false, policyName: 'app', roleFields: { token_num_uses: 1 } });
    const token = await loginToken(v, creds);
    expect((await call(v, 'GET', '/v1/sys/internal/ui/mounts/secret', { token })).status).toBe(200);
    expect((await call(v, 'GET', '/v1/secret/data/x', { token })).status).toBe(404);
  });

  it('GET sys/internal/ui/mounts lists visible mounts', async () => {
    await enableKv('hidden', { type: 'kv' });
    const token = await loginToken(v, await provisionRole(v, { policy: 'path "secret/data/*" { capabilities = ["read"] }' }));
    const r = await call(v, 'GET', '/v1/sys/internal/ui/mounts', { token });
    // the default policy itself grants paths under cubbyhole/, identity/ and sys/
    expect(Object.keys(r.json.data.secret).sort()).toEqual(['cubbyhole/', 'identity/', 'secret/', 'sys/']);
    expect(Object.keys(r.json.data.auth)).toEqual(['token/']); // approle/ is not visible to this token
  });
});

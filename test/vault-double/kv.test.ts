// KV v2 (docs/vault-behaviour.md §5) and KV v1 (docs/vault-behaviour.md §6) over HTTP.
import { VaultDouble } from '../../src/testing/vault-double/index';
import { BODY, call, fakeClock, loginToken, provisionRole, startDouble } from './test-helpers';

let v: VaultDouble;
let clock: ReturnType<typeof fakeClock>;
beforeEach(async () => {
  clock = fakeClock(Date.parse('2025-03-04T05:06:07.120Z'));
  v = await startDouble({ now: clock.now });
  await call(v, 'POST', '/v1/sys/mounts/secret', { body: { type: 'kv', options: { version: '2' } } });
  await call(v, 'POST', '/v1/sys/mounts/kv1', { body: { type: 'kv' } });
});
afterEach(async () => v.stop());

const put = (path: string, data: Record<string, unknown>, options?: Record<string, unknown>) =>
  call(v, 'POST', `/v1/secret/data/${path}`, { body: options ? { data, options } : { data } });

describe('KV v2 write and read (docs/vault-behaviour.md §5.1, §5.2)', () => {
  it('write answers the version metadata; created_time is RFC3339 with trimmed fraction', async () => {
    const r = await put('app/db', { password: 'p' });
    expect(r.status).toBe(200);
    expect(r.json.mount_type).toBe('kv');
    expect(r.json.data).toEqual({ created_time: '2025-03-04T05:06:07.12Z', custom_metadata: null, deletion_time: '', destroyed: false, version: 1 });
  });

  it('read answers data and metadata; lease_duration 0', async () => {
    await put('app/db', { password: 'p', user: 'u' });
    const r = await call(v, 'GET', '/v1/secret/data/app/db');
    expect(r.json).toMatchObject({ lease_id: '', lease_duration: 0, renewable: false, mount_type: 'kv' });
    expect(r.json.data).toEqual({
      data: { password: 'p', user: 'u' },
      metadata: { created_time: '2025-03-04T05:06:07.12Z', custom_metadata: null, deletion_time: '', destroyed: false, version: 1 },
    });
  });

  it('?version=N reads an older version; version 0 means current', async () => {
    await put('k', { v: 1 });
    await put('k', { v: 2 });
    expect((await call(v, 'GET', '/v1/secret/data/k?version=1')).json.data.data).toEqual({ v: 1 });
    expect((await call(v, 'GET', '/v1/secret/data/k?version=0')).json.data.data).toEqual({ v: 2 });
  });

  it('never written, or a version that does not exist ⇒ 404 {"errors":[]}', async () => {
    expect((await call(v, 'GET', '/v1/secret/data/missing')).text).toBe(BODY.emptyErrors);
    await put('k', { a: 1 });
    const r = await call(v, 'GET', '/v1/secret/data/k?version=7');
    expect([r.status, r.text]).toEqual([404, BODY.emptyErrors]);
  });

  it('soft-deleted version ⇒ 404 with the full envelope, no mount_type, no trailing newline', async () => {
    await put('k', { a: 1 });
    clock.advance(1000);
    expect((await call(v, 'DELETE', '/v1/secret/data/k')).status).toBe(204);
    const r = await call(v, 'GET', '/v1/secret/data/k');
    expect(r.status).toBe(404);
    expect(r.text.endsWith('}')).toBe(true);
    expect(Object.keys(r.json)).toEqual(['request_id', 'lease_id', 'renewable', 'lease_duration', 'data', 'wrap_info', 'warnings', 'auth']);
    expect(r.json.data).toEqual({
      data: null,
      metadata: { created_time: '2025-03-04T05:06:07.12Z', custom_metadata: null, deletion_time: '2025-03-04T05:06:08.12Z', destroyed: false, version: 1 },
    });
  });

  it('destroyed version ⇒ 404 envelope with destroyed: true', async () => {
    await put('k', { a: 1 });
    expect((await call(v, 'POST', '/v1/secret/destroy/k', { body: { versions: [1] } })).status).toBe(204);
    const r = await call(v, 'GET', '/v1/secret/data/k');
    expect(r.status).toBe(404);
    expect(r.json.data.data).toBeNull();
    expect(r.json.data.metadata).toMatchObject({ destroyed: true, deletion_time: '', version: 1 });
  });

  it('delete/ and undelete/ with versions', async () => {
    await put('k', { a: 1 });
    await put('k', { a: 2 });
    await call(v, 'POST', '/v1/secret/delete/k', { body: { versions: [1] } });
    expect((await call(v, 'GET', '/v1/secret/data/k?version=1')).status).toBe(404);
    expect((await call(v, 'GET', '/v1/secret/data/k')).status).toBe(200);
    await call(v, 'POST', '/v1/secret/undelete/k', { body: { versions: [1] } });
    expect((await call(v, 'GET', '/v1/secret/data/k?version=1')).json.data.data).toEqual({ a: 1 });
  });

  it('keeps at most 10 versions', async () => {
    for (let i = 1; i <= 12; i++) await put('k', { i });
    expect((await call(v, 'GET', '/v1/secret/data/k?version=2')).status).toBe(404);
    expect((await call(v, 'GET', '/v1/secret/data/k?version=3')).json.data.data).toEqual({ i: 3 });
    const meta = await call(v, 'GET', '/v1/secret/metadata/k');
    expect(meta.json.data).toMatchObject({ current_version: 12, oldest_version: 3 });
    expect(Object.keys(meta.json.data.versions)).toHaveLength(10);
  });

  it('a future deletion_time (delete_version_after) still reads 200', async () => {
    await call(v, 'POST', '/v1/secret/metadata/k', { body: { delete_version_after: '1h' } });
    await put('k', { a: 1 });
    expect((await call(v, 'GET', '/v1/secret/data/k')).status).toBe(200);
    clock.advance(3600_000);
    expect((await call(v, 'GET', '/v1/secret/data/k')).status).toBe(404);
  });
});

describe('KV v2 write errors (docs/vault-behaviour.md §5.2)', () => {
  it('no data ⇒ 400 no data provided', async () => {
    const r = await call(v, 'POST', '/v1/secret/data/k', { body: { options: {} } });
    expect([r.status, r.text]).toEqual([400, '{"errors":["no data provided"]}\n']);
  });

  it('cas mismatch ⇒ 400', async () => {
    await put('k', { a: 1 });
    expect((await put('k', { a: 2 }, { cas: 0 })).json).toEqual({ errors: ['check-and-set parameter did not match the current version'] });
    expect((await put('k', { a: 2 }, { cas: 1 })).json.data.version).toBe(2);
  });

  it('cas 0 succeeds only for a new key', async () => {
    expect((await put('new', { a: 1 }, { cas: 0 })).status).toBe(200);
  });

  it('cas required but absent ⇒ 400; unparsable cas ⇒ 400', async () => {
    await call(v, 'POST', '/v1/secret/metadata/k', { body: { cas_required: true } });
    expect((await put('k', { a: 1 })).json).toEqual({ errors: ['check-and-set parameter required for this call'] });
    expect((await put('k', { a: 1 }, { cas: 'x' })).json).toEqual({ errors: ['error parsing check-and-set parameter'] });
  });

  it('path ending in / ⇒ 400', async () => {
    const r = await call(v, 'POST', '/v1/secret/data/dir/', { body: { data: { a: 1 } } });
    expect(r.json).toEqual({ errors: ["cannot write to a path ending in '/'"] });
  });
});

describe('KV v2 metadata and list (docs/vault-behaviour.md §5.3)', () => {
  it('metadata fields', async () => {
    await put('k', { a: 1 });
    const r = await call(v, 'GET', '/v1/secret/metadata/k');
    expect(r.json.data).toEqual({
      cas_required: false,
      created_time: '2025-03-04T05:06:07.12Z',
      current_version: 1,
      custom_metadata: null,
      delete_version_after: '0s',
      max_versions: 0,
      oldest_version: 1,
      updated_time: '2025-03-04T05:06:07.12Z',
      versions: { 1: { created_time: '2025-03-04T05:06:07.12Z', deletion_time: '', destroyed: false } },
    });
    expect((await call(v, 'GET', '/v1/secret/metadata/none')).text).toBe(BODY.emptyErrors);
  });

  it('LIST and GET ?list=true are the same; folders end in /', async () => {
    await put('app/db', { a: 1 });
    await put('app/api', { a: 1 });
    await put('app/nested/x', { a: 1 });
    const a = await call(v, 'LIST', '/v1/secret/metadata/app');
    const b = await call(v, 'GET', '/v1/secret/metadata/app/?list=true');
    expect(a.json.data).toEqual({ keys: ['api', 'db', 'nested/'] });
    expect(b.json.data).toEqual(a.json.data);
    expect((await call(v, 'LIST', '/v1/secret/metadata/')).json.data).toEqual({ keys: ['app/'] });
  });

  it('an empty or missing folder ⇒ 404 {"errors":[]}', async () => {
    expect((await call(v, 'LIST', '/v1/secret/metadata/nothing')).text).toBe(BODY.emptyErrors);
  });

  it('DELETE metadata removes every version', async () => {
    await put('k', { a: 1 });
    expect((await call(v, 'DELETE', '/v1/secret/metadata/k')).status).toBe(204);
    expect((await call(v, 'GET', '/v1/secret/data/k')).text).toBe(BODY.emptyErrors);
  });
});

describe('KV v2 invalid paths (docs/vault-behaviour.md §5.1)', () => {
  const warning = (verb: string) =>
    `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${verb}' for this operation.`;

  it('a path without data/ ⇒ 404 envelope whose warning names the CLI verb', async () => {
    const get = await call(v, 'GET', '/v1/secret/foo');
    expect(get.status).toBe(404);
    expect(get.json).toMatchObject({ data: null, warnings: [warning('get')] });
    expect(get.json).not.toHaveProperty('mount_type');
    expect(get.text.endsWith('\n')).toBe(false);
    expect((await call(v, 'POST', '/v1/secret/foo', { body: { a: 1 } })).json.warnings).toEqual([warning('put')]);
    expect((await call(v, 'DELETE', '/v1/secret/foo')).json.warnings).toEqual([warning('delete')]);
    expect((await call(v, 'LIST', '/v1/secret/foo')).json.warnings).toEqual([warning('list')]);
  });

  it('bare data/ ⇒ 404 root-of-mount warning', async () => {
    const r = await call(v, 'GET', '/v1/secret/data');
    expect([r.status, r.json.warnings]).toEqual([404, ['Non-listing operations on the root of a K/V v2 mount are not supported.']]);
  });
});

describe('KV v2 and ACL (docs/vault-behaviour.md §7)', () => {
  it('a policy on data/ reads; create vs update follows the existence check', async () => {
    const token = await loginToken(v, await provisionRole(v, { policy: 'path "secret/data/app/*" { capabilities = ["read", "create"] }' }));
    expect((await call(v, 'POST', '/v1/secret/data/app/x', { token, body: { data: { a: 1 } } })).status).toBe(200);
    expect((await call(v, 'GET', '/v1/secret/data/app/x', { token })).status).toBe(200);
    // second write is an update: not granted
    expect((await call(v, 'POST', '/v1/secret/data/app/x', { token, body: { data: { a: 2 } } })).text).toBe(BODY.policyDenied);
    // reading without data/ is denied by ACL before the backend could answer
    expect((await call(v, 'GET', '/v1/secret/app/x', { token })).text).toBe(BODY.policyDenied);
  });

  it('listing needs list on metadata/', async () => {
    await put('app/x', { a: 1 });
    const token = await loginToken(v, await provisionRole(v, { policy: 'path "secret/data/*" { capabilities = ["read", "list"] }' }));
    expect((await call(v, 'LIST', '/v1/secret/metadata/app', { token })).text).toBe(BODY.policyDenied);
  });
});

describe('KV v1 (docs/vault-behaviour.md §6)', () => {
  it('write 204; read answers the map directly with lease_duration 2764800', async () => {
    expect((await call(v, 'POST', '/v1/kv1/app/db', { body: { password: 'p' } })).status).toBe(204);
    const r = await call(v, 'GET', '/v1/kv1/app/db');
    expect(r.json).toMatchObject({ lease_id: '', renewable: false, lease_duration: 2764800, data: { password: 'p' }, mount_type: 'kv' });
  });

  it('a ttl key sets lease_duration', async () => {
    await call(v, 'POST', '/v1/kv1/t', { body: { a: 1, ttl: '30m' } });
    expect((await call(v, 'GET', '/v1/kv1/t')).json.lease_duration).toBe(1800);
  });

  it('the mount default lease TTL applies when configured', async () => {
    await call(v, 'POST', '/v1/sys/mounts/short', { body: { type: 'kv', config: { default_lease_ttl: '1h' } } });
    await call(v, 'POST', '/v1/short/x', { body: { a: 1 } });
    expect((await call(v, 'GET', '/v1/short/x')).json.lease_duration).toBe(3600);
  });

  it('missing ⇒ 404 {"errors":[]}; empty write ⇒ 400 missing data fields', async () => {
    expect((await call(v, 'GET', '/v1/kv1/none')).text).toBe(BODY.emptyErrors);
    expect((await call(v, 'POST', '/v1/kv1/x', { body: {} })).text).toBe('{"errors":["missing data fields"]}\n');
  });

  it('LIST keys; DELETE removes', async () => {
    await call(v, 'POST', '/v1/kv1/a/b', { body: { x: 1 } });
    await call(v, 'POST', '/v1/kv1/a/c/d', { body: { x: 1 } });
    expect((await call(v, 'LIST', '/v1/kv1/a')).json.data).toEqual({ keys: ['b', 'c/'] });
    expect((await call(v, 'GET', '/v1/kv1/a?list=true')).json.data).toEqual({ keys: ['b', 'c/'] });
    expect((await call(v, 'DELETE', '/v1/kv1/a/b')).status).toBe(204);
    expect((await call(v, 'GET', '/v1/kv1/a/b')).status).toBe(404);
  });
});

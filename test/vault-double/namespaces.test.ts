// Namespaces (docs/vault-behaviour.md §8): header, URL prefix, per-namespace state, token scoping, CE mode.
import { VaultDouble } from '../../src/testing/vault-double/index';
import { BODY, call, loginToken, provisionRole, startDouble } from './test-helpers';

let v: VaultDouble;
afterEach(async () => v.stop());

const inNs = (ns: string) => ({ headers: { 'X-Vault-Namespace': ns } });

async function setupNs1(): Promise<void> {
  expect((await call(v, 'POST', '/v1/sys/namespaces/ns1')).status).toBe(200);
  await call(v, 'POST', '/v1/sys/mounts/secret', { ...inNs('ns1'), body: { type: 'kv-v2' } });
  await call(v, 'POST', '/v1/secret/data/app', { ...inNs('ns1'), body: { data: { where: 'ns1' } } });
}

describe('Enterprise namespaces (default)', () => {
  beforeEach(async () => {
    v = await startDouble();
  });

  it('creates namespaces, nested via header or via path', async () => {
    const r = await call(v, 'POST', '/v1/sys/namespaces/ns1');
    expect(r.json.data).toMatchObject({ path: 'ns1/', custom_metadata: {} });
    expect((await call(v, 'POST', '/v1/sys/namespaces/ns2', inNs('ns1'))).json.data.path).toBe('ns1/ns2/');
    expect((await call(v, 'POST', '/v1/sys/namespaces/ns1/ns3')).json.data.path).toBe('ns1/ns3/');
    expect((await call(v, 'LIST', '/v1/sys/namespaces', inNs('ns1'))).json.data.keys).toEqual(['ns2/', 'ns3/']);
  });

  it('reserved names are refused', async () => {
    expect((await call(v, 'POST', '/v1/sys/namespaces/sys')).status).toBe(400);
  });

  it('header, header with trailing slash and URL prefix address the same data', async () => {
    await setupNs1();
    const viaHeader = await call(v, 'GET', '/v1/secret/data/app', inNs('ns1'));
    const viaSlash = await call(v, 'GET', '/v1/secret/data/app', inNs('ns1/'));
    const viaPrefix = await call(v, 'GET', '/v1/ns1/secret/data/app');
    for (const r of [viaHeader, viaSlash, viaPrefix]) expect(r.json.data.data).toEqual({ where: 'ns1' });
  });

  it('header + relative prefix concatenate; the same namespace in both double-prefixes and fails', async () => {
    await setupNs1();
    await call(v, 'POST', '/v1/sys/namespaces/ns2', inNs('ns1'));
    await call(v, 'POST', '/v1/sys/mounts/kv', { ...inNs('ns1/ns2'), body: { type: 'kv' } });
    await call(v, 'POST', '/v1/kv/x', { ...inNs('ns1/ns2'), body: { a: 1 } });
    expect((await call(v, 'GET', '/v1/ns2/kv/x', inNs('ns1'))).json.data).toEqual({ a: 1 });
    expect((await call(v, 'GET', '/v1/ns1/secret/data/app', inNs('ns1'))).status).toBe(404);
  });

  it('each namespace has its own mounts: root does not see ns1/secret', async () => {
    await setupNs1();
    expect((await call(v, 'GET', '/v1/secret/data/app')).json).toEqual({ errors: ['no handler for route "secret/data/app". route entry not found.'] });
  });

  it('unknown namespace in the header ⇒ 404 namespace not found', async () => {
    const r = await call(v, 'GET', '/v1/sys/mounts', inNs('ghost'));
    expect([r.status, r.text]).toEqual([404, '{"errors":["namespace not found"]}\n']);
  });

  it('the namespace header is echoed on responses', async () => {
    await setupNs1();
    expect((await call(v, 'GET', '/v1/secret/data/app', inNs('ns1/'))).headers.get('x-vault-namespace')).toBe('ns1/');
    expect((await call(v, 'GET', '/v1/sys/mounts')).headers.get('x-vault-namespace')).toBeNull();
  });

  it('sys/mounts in a namespace: top-level injection only without a URL prefix (docs/vault-behaviour.md §4.1)', async () => {
    await setupNs1();
    const viaHeader = await call(v, 'GET', '/v1/sys/mounts', inNs('ns1'));
    const viaPrefix = await call(v, 'GET', '/v1/ns1/sys/mounts');
    expect(Object.keys(viaPrefix.json.data).sort()).toEqual(['cubbyhole/', 'identity/', 'secret/', 'sys/']);
    expect(viaHeader.json['secret/']).toBeDefined();
    expect(viaPrefix.json['secret/']).toBeUndefined();
  });

  it('AppRole in a namespace: token valid there and in children, with namespace-relative policies', async () => {
    await setupNs1();
    await call(v, 'POST', '/v1/sys/namespaces/child', inNs('ns1'));
    await call(v, 'POST', '/v1/sys/mounts/secret', { ...inNs('ns1/child'), body: { type: 'kv-v2' } });
    await call(v, 'POST', '/v1/secret/data/app', { ...inNs('ns1/child'), body: { data: { where: 'child' } } });
    const policy = 'path "secret/data/*" { capabilities = ["read"] }\npath "child/secret/data/*" { capabilities = ["read"] }';
    const token = await loginToken(v, await provisionRole(v, { ns: 'ns1', policy }), { ns: 'ns1' });
    expect((await call(v, 'GET', '/v1/secret/data/app', { token, ...inNs('ns1') })).json.data.data).toEqual({ where: 'ns1' });
    expect((await call(v, 'GET', '/v1/secret/data/app', { token, ...inNs('ns1/child') })).json.data.data).toEqual({ where: 'child' });
    expect((await call(v, 'GET', '/v1/ns1/child/secret/data/app', { token })).status).toBe(200);
  });

  it('a namespace token is denied in the root namespace', async () => {
    await setupNs1();
    await call(v, 'POST', '/v1/sys/mounts/secret', { body: { type: 'kv-v2' } });
    const token = await loginToken(v, await provisionRole(v, { ns: 'ns1', policy: 'path "secret/*" { capabilities = ["read"] }' }), { ns: 'ns1' });
    expect((await call(v, 'GET', '/v1/secret/data/app', { token })).text).toBe(BODY.policyDenied);
  });

  it('lookup-self runs in the token namespace and shows namespace_path', async () => {
    await setupNs1();
    const token = await loginToken(v, await provisionRole(v, { ns: 'ns1' }), { ns: 'ns1' });
    expect(token).toMatch(/^hvs\.[A-Za-z0-9]+\.[A-Za-z0-9_-]+$/);
    const r = await call(v, 'GET', '/v1/auth/token/lookup-self', { token }); // no header: still the token's namespace
    expect(r.status).toBe(200);
    expect(r.json.data.namespace_path).toBe('ns1/');
  });

  it('role IDs are namespace-local', async () => {
    await setupNs1();
    const creds = await provisionRole(v, { ns: 'ns1' });
    await provisionRole(v, {}); // AppRole at the same mount path in root
    const r = await call(v, 'POST', '/v1/auth/approle/login', { token: null, body: { role_id: creds.roleId, secret_id: creds.secretId } });
    expect(r.text).toBe(BODY.invalidCreds);
  });

  it('the root token works in every namespace and the request log records the namespace', async () => {
    await setupNs1();
    v.clearRequests();
    await call(v, 'GET', '/v1/secret/data/app', inNs('ns1'));
    await call(v, 'GET', '/v1/ns1/secret/data/app');
    await call(v, 'GET', '/v1/sys/mounts');
    expect(v.requests.map((r) => [r.namespace, r.status, r.admin])).toEqual([['ns1', 200, true], ['ns1', 200, true], ['', 200, true]]);
  });

  it('deleting a namespace invalidates its tokens', async () => {
    await setupNs1();
    const token = await loginToken(v, await provisionRole(v, { ns: 'ns1' }), { ns: 'ns1' });
    expect((await call(v, 'DELETE', '/v1/sys/namespaces/ns1')).status).toBe(204);
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).text).toBe(BODY.invalidToken);
  });
});

describe('Community Edition (enterprise: false)', () => {
  beforeEach(async () => {
    v = await startDouble({ enterprise: false });
    await call(v, 'POST', '/v1/sys/mounts/secret', { body: { type: 'kv-v2' } });
    await call(v, 'POST', '/v1/secret/data/app', { body: { data: { where: 'root' } } });
  });

  it('ignores X-Vault-Namespace and does not echo it', async () => {
    const r = await call(v, 'GET', '/v1/secret/data/app', inNs('ns1'));
    expect(r.json.data.data).toEqual({ where: 'root' });
    expect(r.headers.get('x-vault-namespace')).toBeNull();
  });

  it('a namespace-prefixed URL is just an unknown path', async () => {
    expect((await call(v, 'GET', '/v1/ns1/secret/data/app')).status).toBe(404);
  });

  it('has no sys/namespaces', async () => {
    expect((await call(v, 'POST', '/v1/sys/namespaces/ns1')).status).toBe(404);
  });
});

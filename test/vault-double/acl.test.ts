// Policy parsing and ACL matching (docs/vault-behaviour.md §7): unit tests of acl.ts plus the HTTP denial body.
import { Acl, parsePolicy, PolicyError } from '../../src/testing/vault-double/acl';
import { VaultDouble } from '../../src/testing/vault-double/index';
import { BODY, call, loginToken, provisionRole, startDouble } from './test-helpers';

const acl = (...policies: string[]): Acl => Acl.fromPolicies(policies.map((text, i) => parsePolicy(`p${i}`, text)), '');
const rule = (path: string, caps: string[]): string => `path "${path}" { capabilities = [${caps.map((c) => `"${c}"`).join(', ')}] }\n`;

describe('policy parsing', () => {
  it('reads HCL blocks with comments', () => {
    const p = parsePolicy('x', `# comment
      path "secret/data/*" {
        capabilities = ["read", "list"] // trailing comment
      }
      /* block
         comment */
      path "sys/mounts" { capabilities = ["read"] }`);
    expect(p.rules).toEqual([
      { path: 'secret/data/*', capabilities: ['read', 'list'] },
      { path: 'sys/mounts', capabilities: ['read'] },
    ]);
  });

  it('reads JSON policies', () => {
    const p = parsePolicy('x', JSON.stringify({ path: { 'secret/*': { capabilities: ['read'] } } }));
    expect(p.rules).toEqual([{ path: 'secret/*', capabilities: ['read'] }]);
  });

  it('reads the legacy policy = "write" form', () => {
    expect(parsePolicy('x', 'path "a" { policy = "write" }').rules[0].capabilities.sort()).toEqual(['create', 'delete', 'list', 'read', 'update']);
  });

  it('deny in a block keeps only deny', () => {
    expect(parsePolicy('x', rule('a', ['read', 'deny'])).rules[0].capabilities).toEqual(['deny']);
  });

  it('rejects an unknown capability', () => {
    expect(() => parsePolicy('x', rule('a', ['reed']))).toThrow(PolicyError);
  });
});

describe('matching (docs/vault-behaviour.md §7)', () => {
  it('exact path matches only itself', () => {
    const a = acl(rule('secret/foo', ['read']));
    expect(a.allows('secret/foo', 'read')).toBe(true);
    expect(a.allows('secret/foo/bar', 'read')).toBe(false);
    expect(a.allows('secret/fo', 'read')).toBe(false);
  });

  it('a trailing * is a prefix match', () => {
    const a = acl(rule('secret/zip-*', ['read']));
    expect(a.allows('secret/zip-zap/zong', 'read')).toBe(true);
    expect(a.allows('secret/zip', 'read')).toBe(false);
  });

  it('+ matches exactly one whole segment', () => {
    const a = acl(rule('secret/+/teamb', ['read']));
    expect(a.allows('secret/a/teamb', 'read')).toBe(true);
    expect(a.allows('secret/a/b/teamb', 'read')).toBe(false);
    expect(a.allows('secret/teamb', 'read')).toBe(false);
  });

  it('+ and trailing * combine', () => {
    const a = acl(rule('secret/+/team*', ['read']));
    expect(a.allows('secret/x/teamb/deep', 'read')).toBe(true);
    expect(a.allows('secret/x/other', 'read')).toBe(false);
  });

  it('an exact rule wins over a glob even when it grants less', () => {
    const a = acl(rule('secret/*', ['read']), rule('secret/foo', ['list']));
    expect(a.allows('secret/foo', 'read')).toBe(false);
    expect(a.allows('secret/bar', 'read')).toBe(true);
  });

  it('priority (1): the wildcard that comes later wins', () => {
    const a = acl(rule('secret/+/bar', ['read']), rule('secret/foo/+', ['update']));
    expect(a.allows('secret/foo/bar', 'update')).toBe(true);
    expect(a.allows('secret/foo/bar', 'read')).toBe(false);
  });

  it('priority (2): a pattern ending in * loses to one that does not', () => {
    const a = acl(rule('secret/*', ['read']), rule('secret/+/foo', ['update']));
    expect(a.allows('secret/a/foo', 'update')).toBe(true);
    expect(a.allows('secret/a/foo', 'read')).toBe(false);
  });

  it('priority (3): more + segments lose', () => {
    const a = acl(rule('secret/+/+/baz', ['read']), rule('secret/+/bar/baz', ['update']));
    expect(a.allows('secret/x/bar/baz', 'update')).toBe(true);
    expect(a.allows('secret/x/bar/baz', 'read')).toBe(false);
  });

  it('priority (4): the shorter pattern loses', () => {
    const a = acl(rule('secret/+/bar/b*', ['read']), rule('secret/+/bar/ba*', ['update']));
    expect(a.allows('secret/x/bar/baz', 'update')).toBe(true);
    expect(a.allows('secret/x/bar/baz', 'read')).toBe(false);
  });

  it('the longest glob prefix wins among * rules', () => {
    const a = acl(rule('secret/*', ['read']), rule('secret/x*', ['update']));
    expect(a.allows('secret/xy', 'read')).toBe(false);
    expect(a.allows('secret/xy', 'update')).toBe(true);
  });

  it('the same pattern in several policies unions capabilities', () => {
    const a = acl(rule('secret/x', ['read']), rule('secret/x', ['update']));
    expect(a.allows('secret/x', 'read') && a.allows('secret/x', 'update')).toBe(true);
  });

  it('deny on the same pattern wins over everything', () => {
    const a = acl(rule('secret/x', ['read']), rule('secret/x', ['deny']));
    expect(a.allows('secret/x', 'read')).toBe(false);
    expect(a.capabilities('secret/x')).toEqual(['deny']);
  });

  it('LIST on "dir/" is covered by an exact rule on "dir"', () => {
    const a = acl(rule('secret/metadata/dir', ['list']));
    expect(a.allows('secret/metadata/dir/', 'list')).toBe(true);
    expect(a.allows('secret/metadata/dir/', 'read')).toBe(false);
  });

  it('capability ↔ operation mapping; sudo when required', () => {
    const a = acl(rule('x', ['create', 'patch']), rule('y', ['update', 'sudo']));
    expect([a.allows('x', 'create'), a.allows('x', 'update'), a.allows('x', 'patch'), a.allows('x', 'delete')]).toEqual([true, false, true, false]);
    expect(a.allows('y', 'update', true)).toBe(true);
    expect(a.allows('x', 'create', true)).toBe(false);
  });

  it('rules are absolute with a namespace prefix', () => {
    const a = Acl.fromPolicies([parsePolicy('p', rule('secret/*', ['read']))], 'ns1/');
    expect(a.allows('ns1/secret/x', 'read')).toBe(true);
    expect(a.allows('secret/x', 'read')).toBe(false);
  });

  it('the root policy allows everything', () => {
    expect(Acl.fromPolicies([{ name: 'root', text: '', rules: [] }], '').allows('anything', 'delete', true)).toBe(true);
  });
});

describe('mount access (docs/vault-behaviour.md §4.2 hasMountAccess)', () => {
  it('a rule anywhere under the mount gives access; deny-only does not', () => {
    expect(acl(rule('secret/data/foo', ['read'])).hasMountAccess('secret/')).toBe(true);
    expect(acl(rule('secret/data/*', ['read'])).hasMountAccess('secret/')).toBe(true);
    expect(acl(rule('secret/data/foo', ['deny'])).hasMountAccess('secret/')).toBe(false);
    expect(acl(rule('other/*', ['read'])).hasMountAccess('secret/')).toBe(false);
  });

  it('a + rule whose leading segments cover the mount gives access', () => {
    expect(acl(rule('+/data/app', ['read'])).hasMountAccess('secret/')).toBe(true);
    expect(acl(rule('team/+/x', ['read'])).hasMountAccess('team/kv/')).toBe(true);
    expect(acl(rule('other/+/x', ['read'])).hasMountAccess('team/kv/')).toBe(false);
  });
});

describe('HTTP denial (docs/vault-behaviour.md §7)', () => {
  let v: VaultDouble;
  afterEach(async () => v.stop());

  it('policy denies ⇒ 403 "1 error occurred … permission denied"', async () => {
    v = await startDouble();
    await call(v, 'POST', '/v1/sys/mounts/secret', { body: { type: 'kv-v2' } });
    const token = await loginToken(v, await provisionRole(v, { policy: rule('secret/data/allowed', ['read']) }));
    const r = await call(v, 'GET', '/v1/secret/data/other', { token });
    expect([r.status, r.text]).toEqual([403, BODY.policyDenied]);
  });

  it('a missing mount: root gets 404 no handler, a normal token 403 first', async () => {
    v = await startDouble();
    const token = await loginToken(v, await provisionRole(v, { policy: rule('nope/*', ['read']) }));
    const root = await call(v, 'GET', '/v1/nowhere/x');
    expect([root.status, root.text]).toEqual([404, '{"errors":["no handler for route \\"nowhere/x\\". route entry not found."]}\n']);
    expect((await call(v, 'GET', '/v1/nowhere/x', { token })).text).toBe(BODY.policyDenied);
  });

  it('a policy written over HTTP (legacy sys/policy with rules) takes effect', async () => {
    v = await startDouble();
    await call(v, 'POST', '/v1/sys/mounts/kv', { body: { type: 'kv' } });
    await call(v, 'POST', '/v1/kv/a', { body: { x: 1 } });
    const token = await loginToken(v, await provisionRole(v, { policyName: 'legacy' }));
    expect((await call(v, 'GET', '/v1/kv/a', { token })).status).toBe(403);
    expect((await call(v, 'PUT', '/v1/sys/policy/legacy', { body: { rules: rule('kv/*', ['read']) } })).status).toBe(204);
    expect((await call(v, 'GET', '/v1/kv/a', { token })).status).toBe(200);
    const read = await call(v, 'GET', '/v1/sys/policy/legacy');
    expect(read.json.rules).toBe(rule('kv/*', ['read'])); // injected at the top level too (docs/vault-behaviour.md §4.1)
  });

  it('the default policy cannot be deleted; a bad policy is a 400', async () => {
    v = await startDouble();
    expect((await call(v, 'DELETE', '/v1/sys/policies/acl/default')).json).toEqual({ errors: ['cannot delete "default" policy'] });
    expect((await call(v, 'PUT', '/v1/sys/policies/acl/bad', { body: { policy: rule('a', ['fly']) } })).status).toBe(400);
    expect((await call(v, 'LIST', '/v1/sys/policies/acl')).json.data.keys).toEqual(['default', 'root']);
  });
});

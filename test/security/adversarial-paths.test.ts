/**
 * Hostile paths through a real provider against the double, checked from the double's request log:
 * every request reads only below a mount the author named (never sys/, auth/, identity/ or
 * cubbyhole/, of this or of a child namespace), and touches sys/ only for sys/mounts and the
 * sys/internal/ui/mounts/ probe. Paths go in both directly and inside
 * references through the engine hook.
 */
import fc from 'fast-check';
import {
  createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider, parseSecretReference, resolveSecretReferences,
} from '../../src';
import { SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';
import { isActivepiecesError } from '../../src/activepieces/errors';
import { LoggedRequest, VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import { connectionConfig } from '../support/fixtures';
import { anyPathInput, plausiblePath } from './adversarial-input';

const SAMPLED = 300;
const RESERVED = ['sys', 'auth', 'identity', 'cubbyhole'];
const TOKEN_SELF = /^auth\/token\/(lookup|renew|revoke)-self$/;

/** Classic attacks, written out so they are always in the run. */
const HANDPICKED = [
  'secret/data/../../sys/mounts/x', 'secret/data/..%2f..%2fsys/policy/k', 'sys/mounts/secret/k', 'sys/policy/root/k',
  'auth/token/lookup-self/k', 'auth/approle/role/r/secret-id/k', 'identity/entity/id/k', 'cubbyhole/x/k',
  'ns1/secret/data/app/key', 'ns1/sys/data/mounts/k', 'team/sys/data/policy/k', 'team/auth/data/approle/k', 'a/identity/data/x/k',
  'secret/data/app/key?list=true', 'secret/data/app/key?version=1&list=true', 'secret/data/app/key?version=1?x', 'secret/data/app/key#frag',
  'secret/data/app\\..\\..\\sys/k', 'secret/data/app/key/', '/secret/data/app/key', 'secret//data/app/key', 'secret/data/./app/key',
  'secret/data/app\u0000/key', 'secret/data/app\n/key', 'secret/data/\u2215sys/k', 'secret/data/\uff0e\uff0e/k', 'secret/metadata/app/key',
  'secret/data/app/key', 'secret/app/key', 'legacy/app/key', 'legacy/app/key?version=1', 'legacy/../secret/app/key', 'ns1/legacy/app/key',
];

let target: VaultTarget & { double: VaultDouble };
let full: HashicorpVaultConfig;
let noMounts: HashicorpVaultConfig;
let provider: HashicorpVaultProvider;

beforeAll(async () => {
  target = await startDouble();
  const setup = await provisionAppRole(target.admin, {
    kvMount: 'secret',
    policy: 'path "secret/data/*" { capabilities = ["read"] }\npath "legacy/*" { capabilities = ["read"] }\npath "sys/mounts" { capabilities = ["read"] }',
  });
  await target.admin.enableKv('legacy', 1);
  await target.admin.putKv2('secret', 'app', { key: 'root-v2' });
  await target.admin.putKv1('legacy', 'app', { key: 'root-v1' });
  // Child namespaces a path prefix could steer into, were it allowed to.
  for (const ns of ['ns1', 'team']) {
    await target.admin.createNamespace(ns);
    await target.admin.enableKv('secret', 2, ns);
    await target.admin.putKv2('secret', 'app', { key: `${ns}-v2` }, ns);
  }
  full = connectionConfig(target.url, setup);
  // This role may not read sys/mounts, so discovery goes through the sys/internal/ui/mounts probe.
  const limited = await target.admin.createRole(setup.approleMount, 'nomounts', { token_policies: ['nomounts'] });
  await target.admin.writePolicy('nomounts', 'path "secret/data/*" { capabilities = ["read"] }\npath "legacy/*" { capabilities = ["read"] }');
  noMounts = { ...full, ...limited };
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
});
afterAll(async () => {
  await provider.close();
  await target.stop();
});

/** The request is one the path `written` may cause, and nothing else. */
function expectSafe(r: LoggedRequest, written: string, approleMount: string): void {
  const rel = r.path.replace(/^\/v1\//, '');
  if (r.namespace !== '') return expectChildNamespaceRead(r, rel, written);
  if (r.method === 'POST') {
    expect(rel === `auth/${approleMount}/login` || TOKEN_SELF.test(rel)).toBe(true);
    return;
  }
  expect(r.method).toBe('GET');
  const [pathPart, query] = written.split('?');
  const withoutKey = pathPart.split('/').slice(0, -1);
  if (rel === 'sys/mounts') return expect(r.query).toBe('');
  if (rel.startsWith('sys/internal/ui/mounts/')) {
    expect(rel.slice('sys/internal/ui/mounts/'.length).split('/')).toEqual(withoutKey);
    return expect(r.query).toBe('');
  }
  // A read: the author's segments (the key dropped), with at most one "data" segment inserted after the mount;
  // or, after a 404, all of them read as a secret (the key may name it: src/provider/path-hints.ts).
  const segments = rel.split('/');
  expect(RESERVED).not.toContain(segments[0]);
  const asWritten = (s: string[]) => s.join('/') === withoutKey.join('/') || s.join('/') === pathPart;
  expect(asWritten(segments) || segments.some((s, i) => i > 0 && s === 'data' && asWritten([...segments.slice(0, i), ...segments.slice(i + 1)]))).toBe(true);
  expect(r.query === '' || (query !== undefined && r.query === query && /^version=[1-9][0-9]*$/.test(query))).toBe(true);
}

/**
 * Vault Enterprise reads a leading path segment that names a child namespace as that namespace
 * (docs/vault-behaviour.md §8), and the connection's token may read there if its policies say so. Such a request
 * must come from the author's own path prefix, be a plain KV read, and address no system path.
 */
function expectChildNamespaceRead(r: LoggedRequest, rel: string, written: string): void {
  const namespaceSegments = r.namespace.split('/');
  const segments = rel.split('/');
  expect(r.method).toBe('GET');
  expect(written.split('/').slice(0, namespaceSegments.length)).toEqual(namespaceSegments);
  expect(segments.slice(0, namespaceSegments.length)).toEqual(namespaceSegments);
  const inside = segments.slice(namespaceSegments.length);
  expect(RESERVED).not.toContain(inside[0]);
  expect(inside[1]).toBe('data');
}

/** Weighted towards paths that pass the grammar, so that most of them reach Vault. */
const sampled = fc.oneof({ weight: 3, arbitrary: plausiblePath }, { weight: 1, arbitrary: anyPathInput });
const paths = [...HANDPICKED, ...fc.sample(sampled, { numRuns: SAMPLED, seed: 4242 })];

describe.each([
  ['a role that may read sys/mounts', () => full],
  ['a role that may not (mount probe)', () => noMounts],
])('%s', (_name, configOf) => {
  it(`sends no request outside the mount for ${paths.length} hostile paths, and fails only with ActivepiecesErrors`, async () => {
    const config = configOf();
    const seen = { values: 0, refused: 0, requests: 0 };
    for (const [i, path] of paths.entries()) {
      // Fresh connection ids now and then, so discovery runs again with a cold mount table.
      const connectionId = `c-${i % 25}`;
      target.double.clearRequests();
      const outcome = await provider.resolve({ connectionId, config, path }).then((v) => ({ v }), (err: unknown) => ({ err }));
      if ('err' in outcome) {
        if (!isActivepiecesError(outcome.err)) throw new Error(`"${path}" failed with ${String(outcome.err)}`);
        seen.refused++;
      } else {
        seen.values++;
        expect(['root-v2', 'root-v1']).toContain(outcome.v);
      }
      for (const r of target.double.requests.filter((q) => !q.admin)) {
        seen.requests++;
        expectSafe(r, path, config.appRoleMount!);
      }
    }
    console.info(`adversarial paths: ${JSON.stringify(seen)}`);
    expect(seen.values).toBeGreaterThan(0);
    expect(seen.requests).toBeGreaterThan(SAMPLED / 5);
  });
});

it('the same paths inside references, through the engine hook', async () => {
  const connection = { id: 'ref', platformId: 'p', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config: full };
  for (const path of paths) {
    const text = `{{ref|ap_sep_v1|${path}}}`;
    target.double.clearRequests();
    const out = await resolveSecretReferences({ f: text }, { platformId: 'p', getConnection: () => connection, providers: [provider], onFailure: 'keep-reference' });
    const parsed = parseSecretReference(text);
    if (!parsed) expect(out.f).toBe(text);
    for (const r of target.double.requests.filter((q) => !q.admin)) expectSafe(r, parsed!.path, full.appRoleMount!);
  }
});

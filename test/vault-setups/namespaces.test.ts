/**
 * Vault Enterprise / HCP namespaces: AppRole and secrets in one namespace; AppRole in a parent (or
 * the root) namespace and secrets in a child (`authNamespace`); namespaces that do not exist; and
 * policy lines in messages written relative to the namespace the token belongs to (docs/vault-behaviour.md §8).
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { uniqueName } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import type { VaultDouble } from '../../src/testing/vault-double';
import { configOf, failureOf, providerTraffic } from './support';

const GET_FAILED = ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED;
const CONNECTION_FAILED = ErrorCode.SECRET_MANAGER_CONNECTION_FAILED;

let target: VaultTarget & { double: VaultDouble };
let provider: HashicorpVaultProvider;

const org = uniqueName('org');
const child = `${org}/team-b`;
const solo = uniqueName('solo');
const kv = 'kv';
const approle = 'approle';

/** AppRole and secrets in `solo`. */
let inSolo: HashicorpVaultConfig;
/** AppRole in `org`, secrets in `org/team-b`. */
let fromParent: HashicorpVaultConfig;
/** The same, with a policy that grants neither the secret nor sys/mounts. */
let fromParentDenied: HashicorpVaultConfig;
/** AppRole in the root namespace, secrets in `org/team-b`. */
let fromRoot: HashicorpVaultConfig;

beforeAll(async () => {
  target = await startDouble();
  const { admin } = target;
  await admin.createNamespace(org);
  await admin.createNamespace('team-b', org);
  await admin.createNamespace(solo);
  for (const ns of [child, solo]) {
    await admin.enableKv(kv, 2, ns);
    await admin.putKv2(kv, 'app', { key: `value in ${ns}` }, ns);
  }

  await admin.enableAppRole(approle, solo);
  await admin.writePolicy('reader', `path "${kv}/data/*" { capabilities = ["read"] }\npath "sys/mounts" { capabilities = ["read"] }`, solo);
  inSolo = configOf(target.url, await admin.createRole(approle, 'app', { token_policies: ['reader'] }, solo), { namespace: solo });

  // docs/vault-behaviour.md §8: the token belongs to `org`; its policies are org's, with paths relative to org.
  await admin.enableAppRole(approle, org);
  await admin.writePolicy('child-reader', `path "team-b/${kv}/data/*" { capabilities = ["read"] }\npath "team-b/sys/mounts" { capabilities = ["read"] }`, org);
  await admin.writePolicy('nothing', `path "elsewhere/*" { capabilities = ["read"] }`, org);
  fromParent = configOf(target.url, await admin.createRole(approle, 'app', { token_policies: ['child-reader'] }, org), { namespace: child, authNamespace: org });
  fromParentDenied = configOf(target.url, await admin.createRole(approle, 'denied', { token_policies: ['nothing'] }, org), { namespace: child, authNamespace: org });

  await admin.enableAppRole(approle);
  await admin.writePolicy('org-child-reader', `path "${child}/${kv}/data/*" { capabilities = ["read"] }`);
  fromRoot = configOf(target.url, await admin.createRole(approle, 'app', { token_policies: ['org-child-reader'] }), { namespace: child, authNamespace: 'root' });
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
  target.double.clearRequests();
});
afterEach(async () => provider.close());

const resolve = (config: HashicorpVaultConfig, path = `${kv}/data/app/key`) => provider.resolve({ connectionId: 'c1', config, path });

describe('reading from a namespace', () => {
  it('logs in and reads in the same namespace', async () => {
    await expect(resolve(inSolo)).resolves.toBe(`value in ${solo}`);
    expect(providerTraffic(target.double)).toEqual([`POST /v1/auth/${approle}/login @${solo}`, `GET /v1/${kv}/data/app @${solo}`]);
  });

  it('accepts the namespace written with slashes around it', async () => {
    await expect(resolve({ ...inSolo, namespace: `/${solo}/` })).resolves.toBe(`value in ${solo}`);
  });

  it('logs in to the parent (authNamespace) and reads in the child', async () => {
    await expect(resolve(fromParent)).resolves.toBe(`value in ${child}`);
    await expect(resolve(fromParent, `${kv}/app/key`)).resolves.toBe(`value in ${child}`);
    expect(providerTraffic(target.double)).toEqual([
      `POST /v1/auth/${approle}/login @${org}`, `GET /v1/${kv}/data/app @${child}`, `GET /v1/sys/mounts @${child}`,
    ]);
  });

  it('revokes the token in the namespace it was issued in', async () => {
    await resolve(fromParent);
    await provider.disconnect({ connectionId: 'c1' });
    expect(providerTraffic(target.double)).toContain(`POST /v1/auth/token/revoke-self @${org}`);
  });

  it('logs in to the root namespace when authNamespace is "root"', async () => {
    await expect(resolve(fromRoot)).resolves.toBe(`value in ${child}`);
    expect(providerTraffic(target.double)[0]).toBe(`POST /v1/auth/${approle}/login`);
  });

  it('validate reports both namespaces and the child\'s KV mounts', async () => {
    await expect(provider.validate({ config: fromParent })).resolves.toMatchObject({
      namespace: child, authNamespace: org, kvMounts: [{ path: `${kv}/`, version: 2 }],
    });
  });
});

describe('policy lines are written relative to the auth namespace', () => {
  it('permission denied on the secret', async () => {
    await failureOf(resolve(fromParentDenied), GET_FAILED, new RegExp(
      `^Permission denied reading secret "${kv}/data/app" on ${target.url} \\(namespace "${child}"\\)\\. `
      + `Add this to the AppRole's policy in namespace "${org}": path "team-b/${kv}/data/app" \\{ capabilities = \\["read"\\] \\}$`,
    ));
  });

  it('sys/mounts not readable, on Save', async () => {
    await failureOf(provider.validate({ config: fromParentDenied }), CONNECTION_FAILED, new RegExp(
      `^Logged in, but the AppRole's token may not read sys/mounts on ${target.url} \\(namespace "${child}"\\)\\. `
      + `Add this to the AppRole's policy in namespace "${org}": path "team-b/sys/mounts" \\{ capabilities = \\["read"\\] \\}$`,
    ));
  });

  it('from the root namespace, the whole namespace path is the prefix', async () => {
    await failureOf(resolve(fromRoot, `${kv}/data/other/key`), GET_FAILED, /^Secret ".*" was not found/);
    await failureOf(provider.validate({ config: fromRoot }), CONNECTION_FAILED, new RegExp(`Add this to the AppRole's policy: path "${child}/sys/mounts" \\{ capabilities = \\["read"\\] \\}$`));
  });
});

describe('a namespace that does not exist', () => {
  it('secrets namespace missing (the auth namespace exists): on a read', async () => {
    await failureOf(resolve({ ...fromParent, namespace: `${org}/team-c` }), GET_FAILED, new RegExp(`^Namespace "${org}/team-c" does not exist on ${target.url}\\. Check the Namespace field \\(child namespaces are written parent/child\\)\\.$`));
  });

  it('secrets namespace missing: on Save', async () => {
    await failureOf(provider.validate({ config: { ...fromParent, namespace: `${org}/team-c` } }), CONNECTION_FAILED, new RegExp(`^Namespace "${org}/team-c" does not exist on ${target.url}\\. Check the Namespace field`));
  });

  it('auth namespace missing', async () => {
    await failureOf(resolve({ ...fromParent, authNamespace: `${org}x` }), CONNECTION_FAILED, new RegExp(`^Namespace "${org}x" does not exist on ${target.url}\\. Check the Auth namespace field`));
  });

  it('the one namespace missing', async () => {
    await failureOf(provider.validate({ config: { ...inSolo, namespace: 'team-b' } }), CONNECTION_FAILED, new RegExp(`^Namespace "team-b" does not exist on ${target.url}\\. Check the Namespace field`));
  });

  it('no namespace given for an AppRole that lives in one', async () => {
    const rootless = await startDouble();
    try {
      await rootless.admin.createNamespace(solo);
      await rootless.admin.enableAppRole(approle, solo);
      const creds = await rootless.admin.createRole(approle, 'app', {}, solo);
      await failureOf(provider.validate({ config: configOf(rootless.url, creds) }), CONNECTION_FAILED, /^AppRole is not enabled at auth\/approle\/ on .* If the AppRole lives in a Vault Enterprise namespace, set the Namespace \(or Auth namespace\) field\.$/);
    } finally {
      await rootless.stop();
    }
  });
});

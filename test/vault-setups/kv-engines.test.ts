/**
 * KV v1 and v2 mounts, multi-segment mounts, paths with and without data/, ?version=N pins,
 * deleted and destroyed versions, and mount discovery (sys/mounts, then
 * sys/internal/ui/mounts/<path>, then the /data/ convention) — against the Vault double over
 * HTTP, with the request log proving what each path form costs.
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { uniqueName } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import type { VaultDouble } from '../../src/testing/vault-double';
import { configOf, failureOf, providerTraffic } from './support';

const GET_FAILED = ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED;

let target: VaultTarget & { double: VaultDouble };
let provider: HashicorpVaultProvider;
/** A role whose policy may read sys/mounts, and one whose policy may not. */
let full: HashicorpVaultConfig;
let noMounts: HashicorpVaultConfig;

const approle = uniqueName('apps/approle');
const kv2 = uniqueName('kv2');
const kv1 = uniqueName('legacy');
const teamKv2 = `teams/${uniqueName('payments')}/kv`;
const teamKv1 = `teams/${uniqueName('hr')}/kv`;
/** A KV v2 mount no policy mentions. */
const privateKv = uniqueName('private');

const login = `POST /v1/auth/${approle}/login`;
const sysMounts = 'GET /v1/sys/mounts';

beforeAll(async () => {
  target = await startDouble();
  const { admin } = target;
  await admin.enableAppRole(approle);
  await admin.enableKv(kv2, 2);
  await admin.enableKv(kv1, 1);
  await admin.enableKv(teamKv2, 2);
  await admin.enableKv(teamKv1, 1);
  await admin.enableKv(privateKv, 2);
  const readData = [`${kv2}/data/*`, `${kv1}/*`, `${teamKv2}/data/*`, `${teamKv1}/*`]
    .map((p) => `path "${p}" { capabilities = ["read"] }`).join('\n');
  await admin.writePolicy('reader', `${readData}\npath "sys/mounts" { capabilities = ["read"] }\n`);
  await admin.writePolicy('reader-no-mounts', readData);
  const fullCreds = await admin.createRole(approle, 'full', { token_policies: ['reader'] });
  const noMountsCreds = await admin.createRole(approle, 'no-mounts', { token_policies: ['reader-no-mounts'] });
  full = configOf(target.url, fullCreds, { appRoleMount: approle });
  noMounts = configOf(target.url, noMountsCreds, { appRoleMount: approle });

  await admin.putKv2(kv2, 'app/db', { user: 'svc', password: 'p@ss' });
  await admin.putKv2(kv2, 'app/api', { key: 'k-1' });
  for (const k of ['one', 'two', 'three', 'four']) await admin.putKv2(kv2, 'rotating', { k });
  await admin.must('POST', `${kv2}/delete/rotating`, { versions: [1] }); // soft delete (docs/vault-behaviour.md §5.2)
  await admin.must('POST', `${kv2}/destroy/rotating`, { versions: [2] });
  await admin.putKv2(kv2, 'retired', { k: 'gone' });
  await admin.must('DELETE', `${kv2}/data/retired`); // soft-deletes the latest version
  await admin.putKv1(kv1, 'app/db', { user: 'legacy-svc' });
  await admin.putKv1(kv1, 'data/cfg', { k: 'a v1 secret whose path starts with data/' });
  await admin.putKv2(teamKv2, 'stripe/prod', { secret_key: 'sk-test-1' });
  await admin.putKv1(teamKv1, 'payroll', { token: 'hr-1' });
  await admin.putKv2(privateKv, 'app', { key: 'unreachable' });
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
  target.double.clearRequests();
  target.double.faults.clear();
});
afterEach(async () => provider.close());

const resolve = (path: string, config = full, connectionId = 'c1') => provider.resolve({ connectionId, config, path });

describe('KV v2', () => {
  it('reads a canonical mount/data/... path directly: one login, one read, no discovery', async () => {
    await expect(resolve(`${kv2}/data/app/db/password`)).resolves.toBe('p@ss');
    expect(providerTraffic(target.double)).toEqual([login, `GET /v1/${kv2}/data/app/db`]);
  });

  it('reads mount/path/key on a KV v2 mount as mount/data/path/key, after one sys/mounts per connection', async () => {
    await expect(resolve(`${kv2}/app/db/user`)).resolves.toBe('svc');
    await expect(resolve(`${kv2}/app/api/key`)).resolves.toBe('k-1');
    expect(providerTraffic(target.double)).toEqual([login, sysMounts, `GET /v1/${kv2}/data/app/db`, `GET /v1/${kv2}/data/app/api`]);
    target.double.clearRequests();
    await expect(resolve(`${kv2}/app/db/user`, full, 'c2')).resolves.toBe('svc');
    expect(providerTraffic(target.double)).toEqual([login, sysMounts, `GET /v1/${kv2}/data/app/db`]);
  });

  it('finds a mount with several segments, with and without data/', async () => {
    await expect(resolve(`${teamKv2}/data/stripe/prod/secret_key`)).resolves.toBe('sk-test-1');
    expect(providerTraffic(target.double)).not.toContain(sysMounts);
    provider.invalidate();
    await expect(resolve(`${teamKv2}/stripe/prod/secret_key`)).resolves.toBe('sk-test-1');
    expect(providerTraffic(target.double)).toContain(sysMounts);
  });

  it('pins a version with ?version=N, and reads the current one without it', async () => {
    await expect(resolve(`${kv2}/data/rotating/k?version=3`)).resolves.toBe('three');
    await expect(resolve(`${kv2}/data/rotating/k`)).resolves.toBe('four');
    await expect(resolve(`${kv2}/rotating/k?version=3`)).resolves.toBe('three');
    expect(providerTraffic(target.double)).toEqual([
      login, `GET /v1/${kv2}/data/rotating?version=3`, `GET /v1/${kv2}/data/rotating`, sysMounts,
    ]); // the pinned non-canonical path shares the first read's cache entry
  });

  it('says when a pinned version never existed', async () => {
    await failureOf(resolve(`${kv2}/data/rotating/k?version=9`), GET_FAILED, new RegExp(`^Secret "${kv2}/data/rotating" has no version 9 on ${target.url}\\.$`));
  });

  it('says how to restore a soft-deleted version', async () => {
    const { message } = await failureOf(resolve(`${kv2}/data/rotating/k?version=1`), GET_FAILED, /^Version 1 of secret ".*" was deleted on \d{4}-\d\d-\d\dT/);
    expect(message).toContain(`vault kv undelete -mount=${kv2} -versions=1 rotating`);
  });

  it('says a destroyed version cannot be recovered', async () => {
    await failureOf(resolve(`${kv2}/data/rotating/k?version=2`), GET_FAILED, new RegExp(`^Version 2 of secret "${kv2}/data/rotating" was destroyed and cannot be recovered\\. Pin another version`));
  });

  it('says so when the current version was deleted', async () => {
    await failureOf(resolve(`${kv2}/data/retired/k`), GET_FAILED, /^Version 1 of secret ".*\/data\/retired" was deleted on .*vault kv undelete/);
  });

  it('names the full path when a secret written without data/ is not found', async () => {
    await failureOf(resolve(`${kv2}/app/nope/key`), GET_FAILED, new RegExp(`^Secret "${kv2}/data/app/nope" was not found on ${target.url}\\. Check the path and the namespace\\. The full path is ${kv2}/data/app/nope/key\\.$`));
  });

  it('lists the KV mounts when no mount holds the path', async () => {
    const { message } = await failureOf(resolve('nowhere/app/key'), GET_FAILED, /^No KV secrets engine is mounted at the start of "nowhere\/app\/key"\. KV mounts visible to this connection: /);
    expect(message).toContain(`${kv2}/ (v2)`);
    expect(message).toContain(`${kv1}/ (v1)`);
  });
});

describe('KV v1', () => {
  it('reads mount/path/key from a KV v1 mount', async () => {
    await expect(resolve(`${kv1}/app/db/user`)).resolves.toBe('legacy-svc');
    expect(providerTraffic(target.double)).toEqual([login, sysMounts, `GET /v1/${kv1}/app/db`]);
  });

  it('reads a KV v1 mount with several segments', async () => {
    await expect(resolve(`${teamKv1}/payroll/token`)).resolves.toBe('hr-1');
  });

  it('refuses ?version=N on a KV v1 mount, which keeps no versions', async () => {
    await failureOf(resolve(`${kv1}/app/db/user?version=2`), ErrorCode.VALIDATION, new RegExp(`^"${kv1}/" is a KV version 1 mount, which keeps no versions: remove "\\?version=2" from the path\\.$`));
    expect(providerTraffic(target.double)).not.toContain(`GET /v1/${kv1}/app/db`);
  });

  it('a mount/data/... path on a KV v1 mount: the read says the engine differs, discovery fixes it, no second read', async () => {
    await expect(resolve(`${kv1}/data/cfg/k`)).resolves.toBe('a v1 secret whose path starts with data/');
    expect(providerTraffic(target.double)).toEqual([login, `GET /v1/${kv1}/data/cfg`, sysMounts]);
  });

  it('suggests the v1 path when data/ was written on a KV v1 mount', async () => {
    await failureOf(resolve(`${kv1}/data/app/db/user`), GET_FAILED, new RegExp(`^Secret "${kv1}/data/app/db" was not found .* "${kv1}/" is a KV version 1 mount, whose paths have no data/ segment: did you mean ${kv1}/app/db/user\\?$`));
    // The last read: after the 404, the whole path as a secret, in case the key named it (src/provider/path-hints.ts).
    expect(providerTraffic(target.double)).toEqual([login, `GET /v1/${kv1}/data/app/db`, sysMounts, `GET /v1/${kv1}/data/app/db/user`]);
  });
});

describe('when the token may not read sys/mounts', () => {
  const uiMounts = (p: string) => `GET /v1/sys/internal/ui/mounts/${p}`;

  it('a canonical path still costs no discovery', async () => {
    await expect(resolve(`${kv2}/data/app/db/user`, noMounts)).resolves.toBe('svc');
    expect(providerTraffic(target.double)).toEqual([login, `GET /v1/${kv2}/data/app/db`]);
  });

  it('falls back to sys/internal/ui/mounts/<path>, once per mount', async () => {
    await expect(resolve(`${kv2}/app/db/user`, noMounts)).resolves.toBe('svc');
    await expect(resolve(`${kv2}/app/api/key`, noMounts)).resolves.toBe('k-1');
    await expect(resolve(`${kv1}/app/db/user`, noMounts)).resolves.toBe('legacy-svc');
    expect(providerTraffic(target.double)).toEqual([
      login, sysMounts, uiMounts(`${kv2}/app/db`), `GET /v1/${kv2}/data/app/db`,
      `GET /v1/${kv2}/data/app/api`,
      sysMounts, uiMounts(`${kv1}/app/db`), `GET /v1/${kv1}/app/db`,
    ]);
  });

  it('detects a KV v1 mount behind a mount/data/... path through sys/internal/ui/mounts', async () => {
    await expect(resolve(`${kv1}/data/cfg/k`, noMounts)).resolves.toBe('a v1 secret whose path starts with data/');
    expect(providerTraffic(target.double)).toEqual([login, `GET /v1/${kv1}/data/cfg`, sysMounts, uiMounts(`${kv1}/data/cfg`)]);
  });

  it('when sys/internal/ui/mounts is blocked too, reads by the /data/ convention and names the corrected path otherwise', async () => {
    // A proxy in front of Vault that blocks sys/internal/* (Vault itself would answer, docs/vault-behaviour.md §4.2).
    target.double.faults.add({ match: { path: /^\/v1\/sys\/internal\// }, kind: 'status', status: 404 });
    await expect(resolve(`${kv2}/data/app/db/user`, noMounts)).resolves.toBe('svc');
    const { message } = await failureOf(resolve(`${kv2}/app/db/user`, noMounts), GET_FAILED, new RegExp(`^Cannot tell which KV engine holds "${kv2}/app/db/user": .* If "${kv2}/" is a KV v2 mount, write ${kv2}/data/app/db/user\\. `));
    expect(message).toMatch(/To read paths without data\/, add this to the AppRole's policy: path "sys\/mounts" \{ capabilities = \["read"\] \}$/);
    expect(providerTraffic(target.double)).toEqual([login, `GET /v1/${kv2}/data/app/db`, sysMounts, uiMounts(`${kv2}/app/db`)]);
  });

  it('a path under a mount the token may not touch: no read is sent, and the message says why', async () => {
    await failureOf(resolve(`${privateKv}/app/key?version=1`, noMounts), GET_FAILED, new RegExp(`^Cannot tell which KV engine holds .* may read nothing under that path, or nothing is mounted there.* write ${privateKv}/data/app/key\\?version=1\\.`));
    expect(providerTraffic(target.double)).toEqual([login, sysMounts, uiMounts(`${privateKv}/app`)]);
  });
});

describe('discoveries are remembered per connection, until invalidate', () => {
  it('re-discovers after invalidate', async () => {
    await resolve(`${kv1}/app/db/user`);
    await resolve(`${kv1}/app/db/user`);
    provider.invalidate({ connectionId: 'c1' });
    await resolve(`${kv1}/app/db/user`);
    expect(providerTraffic(target.double).filter((r) => r === sysMounts)).toHaveLength(2);
  });
});

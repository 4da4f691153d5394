/**
 * A connection replaced by an edit, disconnected or evicted from the provider's connection LRU
 * leaves nothing behind: its token is revoked (every token the double issued ends unusable), and
 * no value read under the old credentials is served under the new ones, a read in flight across
 * the edit included.
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../../src/activepieces/shared';
import { VaultDouble } from '../../src/testing/vault-double';
import { uniqueName } from '../../src/testing/vault-admin';
import { startProvisionedDouble } from '../support/fixtures';
import type { VaultTarget } from '../support/vault-target';
import { vaultCounts, VaultCounts } from '../support/vault-counts';

let target: VaultTarget & { double: VaultDouble };
let kvMount: string;
let config: HashicorpVaultConfig;
/** Another role on the same AppRole mount: logs in, may read nothing. */
let noAccess: HashicorpVaultConfig;
/** The same role as `config`, with a second Secret ID. */
let sameRoleOtherSecretId: HashicorpVaultConfig;
let counts: VaultCounts;
let provider: HashicorpVaultProvider;

beforeAll(async () => {
  let setup;
  ({ target, kvMount, config, setup } = await startProvisionedDouble());
  await target.admin.writePolicy('reads-nothing', 'path "nothing/*" { capabilities = ["read"] }');
  const other = await target.admin.createRole(setup.approleMount, uniqueName('role'), { token_policies: ['reads-nothing'] });
  noAccess = { ...config, roleId: other.roleId, secretId: other.secretId };
  sameRoleOtherSecretId = { ...config, secretId: await target.admin.newSecretId(setup.approleMount, setup.roleName) };
  await target.admin.putKv2(kvMount, 'app/cfg', { key: 'only-for-the-first-role' });
  counts = vaultCounts(target.double, kvMount);
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider({ maxConnections: 2 });
  target.double.clearRequests();
});
afterEach(async () => {
  target.double.faults.clear();
  await provider.close();
});

const path = `app/cfg/key`;
const resolve = (connectionId: string, cfg: HashicorpVaultConfig) => provider.resolve({ connectionId, config: cfg, path: `${kvMount}/data/${path}` });

/** Whether the double still accepts `token` (lookup-self answers 200 only for a live token). */
async function usable(token: string): Promise<boolean> {
  const res = await fetch(`${target.url}/v1/auth/token/lookup-self`, { headers: { 'X-Vault-Token': token } });
  await res.arrayBuffer();
  return res.status === 200;
}

async function revocationsReach(n: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (counts.revocations() < n && Date.now() < deadline) await new Promise((done) => setTimeout(done, 10));
}

it('after edits, disconnects and evictions every token the double issued is revoked', async () => {
  await resolve('c1', config);
  await resolve('c1', sameRoleOtherSecretId); // edit: new login, old token revoked
  await resolve('c1', config); // and back
  await resolve('c2', config);
  await provider.disconnect({ connectionId: 'c2' });
  await resolve('c3', config);
  await resolve('c4', config); // maxConnections 2: c1, least recently used, is evicted and disconnected
  expect(provider.resolveFromCache({ connectionId: 'c1', config, path: `${kvMount}/data/${path}` })).toBeUndefined();
  await revocationsReach(4);
  expect(counts.revocations()).toBe(4);
  await provider.disconnect({ connectionId: 'c3' });
  await provider.disconnect({ connectionId: 'c4' });
  expect(counts.logins()).toBe(6);
  expect(counts.revocations()).toBe(6);
  const issued = target.double.issuedTokens();
  expect(issued.length).toBeGreaterThanOrEqual(6);
  for (const token of issued) expect(await usable(token)).toBe(false);
});

it('an edit to credentials that may not read the secret is refused, though the old credentials cached it', async () => {
  await expect(resolve('c1', config)).resolves.toBe('only-for-the-first-role');
  await expect(resolve('c1', noAccess)).rejects.toMatchObject({ error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED } });
  expect(provider.resolveFromCache({ connectionId: 'c1', config: noAccess, path: `${kvMount}/data/${path}` })).toBeUndefined();
});

it('a read in flight across an edit of the credentials: its value is not served under the new ones', async () => {
  target.double.faults.add({ kind: 'delay', delayMs: 300, times: 1, match: { method: 'GET', path: `/v1/${kvMount}/data/app/cfg` } });
  const inFlight = resolve('c1', config);
  const deadline = Date.now() + 5_000;
  while (counts.reads('app/cfg') < 1 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 5));
  const edited = resolve('c1', noAccess);
  await inFlight.catch(() => undefined);
  await expect(edited).rejects.toMatchObject({ error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED } });
  await expect(resolve('c1', noAccess)).rejects.toMatchObject({ error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED } });
});

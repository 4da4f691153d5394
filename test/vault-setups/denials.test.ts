/**
 * Telling denials apart (docs/vault-behaviour.md §14.1), on the double's flavours: Vault ≥ 1.17
 * says "invalid token" for a dead token, so a plain "permission denied" there is a
 * token_bound_cidrs mismatch or a disabled entity, never worth a login; Vault 1.16 and OpenBao
 * say plain "permission denied" for a dead token too, so one re-login is tried, and a plain
 * denial right after a fresh login is reported, not retried. Also: an Agent / Proxy front that
 * requires X-Vault-Request (§14.5) serves every request the first time.
 */
import { createHashicorpVaultProvider, HashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';
import type { VaultFlavour } from '../../src/testing/vault-double';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { connectionConfig } from '../support/fixtures';
import { startDouble, VaultTarget } from '../support/vault-target';
import { vaultCounts } from '../support/vault-counts';
import type { VaultDouble } from '../../src/testing/vault-double';
import { failureOf } from './support';

const GET_FAILED = ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED;
const BOUND_CIDR = /refused the AppRole's token with a plain "permission denied", which is not a policy denial \(those say "1 error occurred"\): the role's token_bound_cidrs do not include the address Vault sees for the Activepieces workers, or the token's identity entity is disabled\. Compare token_bound_cidrs \(vault read auth\/approle-[a-z0-9]+\/role\/<role>\)/;

let target: VaultTarget & { double: VaultDouble };
let provider: HashicorpVaultProvider;
afterEach(async () => {
  await provider?.close();
  await target?.stop();
});

async function setUp(flavour: VaultFlavour, role: Record<string, unknown> = {}) {
  target = await startDouble({ flavour });
  const setup = await provisionAppRole(target.admin, { role });
  for (let i = 0; i < 5; i++) await target.admin.putKv2(setup.kvMount, `s${i}`, { v: `value-${i}` });
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
  target.double.clearRequests();
  const config = connectionConfig(target.url, setup, { cacheTtlSeconds: 0 });
  const read = (i: number) => provider.resolve({ connectionId: 'c1', config, path: `${setup.kvMount}/data/s${i}/v` });
  return { setup, config, read, counts: vaultCounts(target.double, setup.kvMount) };
}

describe('a token_bound_cidrs denial (the workers are outside the role\'s CIDR)', () => {
  it.each<VaultFlavour>(['vault', 'vault-1.16', 'openbao'])('on %s: 5 reads cost 1 login, each with its own message (a plain denial right after a login is a denial)', async (flavour) => {
    const { read, counts } = await setUp(flavour, { token_bound_cidrs: ['10.0.0.0/8'] });
    for (let i = 0; i < 5; i++) await failureOf(read(i), GET_FAILED, BOUND_CIDR);
    expect(counts.logins()).toBe(1);
    expect(counts.reads()).toBe(5);
  });
});

describe('a token that worked, then gets a plain denial (its identity entity disabled)', () => {
  async function disableEntity(): Promise<void> {
    const lookup = await target.admin.must('POST', 'auth/token/lookup', { token: target.double.issuedTokens()[0] });
    target.double.setEntityDisabled(lookup.body.data.entity_id as string, true);
  }

  it('on Vault ≥ 1.17 it is not a dead token: no new login; the version is asked once (sys/health)', async () => {
    const { read, counts } = await setUp('vault');
    await expect(read(0)).resolves.toBe('value-0');
    await disableEntity();
    for (let i = 1; i < 4; i++) await failureOf(read(i), GET_FAILED, BOUND_CIDR);
    expect(counts.logins()).toBe(1);
    expect(target.double.count({ path: '/v1/sys/health' })).toBe(1);
  });

  it.each<VaultFlavour>(['vault-1.16', 'openbao'])('on %s it may be a dead token: one re-login, and then the denial is reported (3 reads, 2 logins)', async (flavour) => {
    const { read, counts } = await setUp(flavour);
    await expect(read(0)).resolves.toBe('value-0');
    await disableEntity();
    for (let i = 1; i < 4; i++) await failureOf(read(i), GET_FAILED, BOUND_CIDR);
    expect(counts.logins()).toBe(2);
    expect(counts.reads()).toBe(1 + 2 + 1 + 1);
  });
});

describe('a dead token, both forms', () => {
  it.each<VaultFlavour>(['vault', 'vault-1.16', 'openbao'])('on %s: after the token is revoked, one re-login and the value', async (flavour) => {
    const { read, counts } = await setUp(flavour);
    await expect(read(0)).resolves.toBe('value-0');
    target.double.revokeAllTokens();
    await expect(read(1)).resolves.toBe('value-1');
    expect(counts.logins()).toBe(2);
    expect(counts.answered(403)).toBe(1);
  });
});

describe('Vault Agent / Proxy with require_request_header', () => {
  it('every request succeeds the first time (X-Vault-Request: true is always sent)', async () => {
    const { read, config } = await setUp('vault');
    target.double.setRequireRequestHeader(true);
    await expect(provider.validate({ config })).resolves.toBeDefined();
    await expect(read(0)).resolves.toBe('value-0');
    expect(target.double.requests.filter((r) => !r.admin).every((r) => r.status !== 412)).toBe(true);
    expect(target.double.requests.filter((r) => !r.admin).length).toBeGreaterThanOrEqual(4);
  });
});

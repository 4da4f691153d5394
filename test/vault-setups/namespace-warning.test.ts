/**
 * validate (what Save runs) warns when a namespace is set against Vault Community Edition, which
 * ignores X-Vault-Namespace and serves the root namespace (docs/vault-behaviour.md §14.9). It asks
 * sys/health only when a namespace is set.
 */
import { createHashicorpVaultProvider, HashicorpVaultProvider } from '../../src';
import { HEALTH_PATH } from '../../src/vault/health';
import { provisionAppRole } from '../../src/testing/vault-admin';
import type { VaultDouble, VaultFlavour } from '../../src/testing/vault-double';
import { startDouble, VaultTarget } from '../support/vault-target';
import { configOf, providerTraffic } from './support';

const NAMESPACE = 'team-a';
const healthAsked = (double: VaultDouble) => double.count({ method: 'GET', path: /sys\/health$/, admin: false });

async function flavoured(flavour: VaultFlavour, inNamespace: boolean) {
  const target = await startDouble({ flavour });
  if (inNamespace) await target.admin.createNamespace(NAMESPACE);
  const setup = await provisionAppRole(target.admin, inNamespace ? { namespace: NAMESPACE } : {});
  return { target, setup };
}

describe('Community Edition', () => {
  let target: VaultTarget & { double: VaultDouble };
  let setup: Awaited<ReturnType<typeof provisionAppRole>>;
  let provider: HashicorpVaultProvider;

  beforeAll(async () => {
    // CE ignores the header, so the AppRole in the root namespace answers a login "in" team-a.
    ({ target, setup } = await flavoured('community', false));
    provider = createHashicorpVaultProvider();
  });
  afterAll(async () => {
    await provider.close();
    await target.stop();
  });
  beforeEach(() => target.double.clearRequests());

  it('a namespace set: Save succeeds with a warning that the namespace is ignored and the root one is read', async () => {
    const summary = await provider.validate({ config: configOf(target.url, setup.credentials, { namespace: NAMESPACE, appRoleMount: setup.approleMount }) });
    expect(summary.warnings).toEqual([
      `Vault 1.21.0 at ${target.url} is Community Edition, which ignores namespaces: with namespace "${NAMESPACE}" set, the login and every read happen in the root namespace. `
        + 'Clear the Namespace (and Auth namespace) field, or point the URL at Vault Enterprise or HCP Vault.',
    ]);
    // One unauthenticated sys/health, in the root namespace, asking a 2xx for every node state.
    const health = target.double.requests.filter((r) => !r.admin && /sys\/health$/.test(r.path));
    expect(health).toHaveLength(1);
    expect(`${health[0].path}?${health[0].query.replace(/^\?/, '')}`).toBe(`/v1/${HEALTH_PATH}`);
    expect(health[0].namespace).toBe('');
    expect(health[0].hadToken).toBe(false);
  });

  it('only an auth namespace set: the same warning, naming it', async () => {
    const summary = await provider.validate({ config: configOf(target.url, setup.credentials, { authNamespace: 'auth-ns', appRoleMount: setup.approleMount }) });
    expect(summary.warnings).toHaveLength(1);
    expect(summary.warnings[0]).toContain('with namespace "auth-ns" set');
  });

  it('no namespace: no warning, and no sys/health request at all', async () => {
    const summary = await provider.validate({ config: configOf(target.url, setup.credentials, { appRoleMount: setup.approleMount }) });
    expect(summary.warnings).toEqual([]);
    expect(healthAsked(target.double)).toBe(0);
    expect(providerTraffic(target.double).map((r) => r.split(' ')[0] + ' ' + r.split(' ')[1])).toEqual([
      `POST /v1/auth/${setup.approleMount}/login`, 'GET /v1/sys/mounts', 'POST /v1/auth/token/revoke-self',
    ]);
  });
});

describe.each<[VaultFlavour]>([['enterprise'], ['openbao']])('%s (namespaces honoured)', (flavour) => {
  let target: VaultTarget & { double: VaultDouble };
  let setup: Awaited<ReturnType<typeof provisionAppRole>>;
  let provider: HashicorpVaultProvider;

  beforeAll(async () => {
    ({ target, setup } = await flavoured(flavour, true));
    provider = createHashicorpVaultProvider();
  });
  afterAll(async () => {
    await provider.close();
    await target.stop();
  });
  beforeEach(() => target.double.clearRequests());

  it('a namespace set: sys/health asked once, no warning', async () => {
    const summary = await provider.validate({ config: configOf(target.url, setup.credentials, { namespace: NAMESPACE, appRoleMount: setup.approleMount }) });
    expect(summary.warnings).toEqual([]);
    expect(summary.kvMounts.map((m) => m.path)).toEqual([`${setup.kvMount}/`]);
    expect(healthAsked(target.double)).toBe(1);
  });
});

/**
 * AppRole login set-ups: the default mount, a custom (nested) mount, and every way a login fails —
 * wrong Role ID or Secret ID, AppRole not enabled at the mount, the role locked out — on Save
 * (validate) and at run time (resolve), each with the error code and the message.
 *
 * "Not enabled" and "locked out" both answer a plain 403 `permission denied` (docs/vault-behaviour.md §2.4, §3.4);
 * the session tells them apart with a second login under a random role_id, which an enabled
 * AppRole answers 400 and which never counts towards lockout (docs/vault-behaviour.md §2.4).
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { AppRoleCredentials, provisionAppRole, uniqueName } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import type { VaultDouble } from '../../src/testing/vault-double';
import { configOf, expectNoCredentials, failureOf, providerTraffic } from './support';

const CONNECTION_FAILED = ErrorCode.SECRET_MANAGER_CONNECTION_FAILED;

let target: VaultTarget & { double: VaultDouble };
let provider: HashicorpVaultProvider;
let kvMount: string;
/** AppRole at the default mount `approle`. */
let atDefault: AppRoleCredentials;
/** AppRole at a nested custom mount. */
const customMount = `teams/${uniqueName('ci')}/approle`;
let atCustom: AppRoleCredentials;
/** A role that only accepts logins from 10.0.0.0/8. */
let fenced: AppRoleCredentials;

beforeAll(async () => {
  target = await startDouble();
  const first = await provisionAppRole(target.admin, { approleMount: 'approle' });
  kvMount = first.kvMount;
  atDefault = first.credentials;
  const second = await provisionAppRole(target.admin, { approleMount: customMount, kvMount: uniqueName('kv'), policy: `path "${kvMount}/data/*" { capabilities = ["read"] }\npath "sys/mounts" { capabilities = ["read"] }` });
  atCustom = second.credentials;
  fenced = await target.admin.createRole(customMount, 'fenced', { secret_id_bound_cidrs: ['10.0.0.0/8'] });
  await target.admin.putKv2(kvMount, 'app', { key: 'v-1' });
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
  target.double.clearRequests();
});
afterEach(async () => provider.close());

const resolve = (config: HashicorpVaultConfig, connectionId = 'c1') => provider.resolve({ connectionId, config, path: `${kvMount}/data/app/key` });
/** Both entry points an admin or a flow meets: Save, and a run. */
const entryPoints: Array<[string, (config: HashicorpVaultConfig) => Promise<unknown>]> = [
  ['validate', (config) => provider.validate({ config })],
  ['resolve', (config) => resolve(config)],
];

describe('where AppRole is mounted', () => {
  it('logs in at auth/approle/ when no mount is given', async () => {
    await expect(resolve(configOf(target.url, atDefault))).resolves.toBe('v-1');
    expect(providerTraffic(target.double)[0]).toBe('POST /v1/auth/approle/login');
  });

  it.each(['', '  '])('treats an appRoleMount of %j as the default', async (appRoleMount) => {
    await expect(resolve(configOf(target.url, atDefault, { appRoleMount }))).resolves.toBe('v-1');
  });

  it.each([customMount, `auth/${customMount}/`, `/${customMount}`])('logs in at a custom nested mount written as %j', async (appRoleMount) => {
    await expect(resolve(configOf(target.url, atCustom, { appRoleMount }))).resolves.toBe('v-1');
    expect(providerTraffic(target.double)[0]).toBe(`POST /v1/auth/${customMount}/login`);
  });

  it('refuses a mount path that could leave auth/ before any request', async () => {
    await failureOf(resolve(configOf(target.url, atCustom, { appRoleMount: '../sys' })), ErrorCode.VALIDATION, /^appRoleMount "\.\.\/sys" is not a valid Vault path/);
    expect(providerTraffic(target.double)).toEqual([]);
  });
});

describe.each(entryPoints)('login failures on %s', (_name, call) => {
  it('wrong Secret ID', async () => {
    const config = configOf(target.url, { ...atCustom, secretId: 'wrong-secret-id-0000' }, { appRoleMount: customMount });
    const { message } = await failureOf(call(config), CONNECTION_FAILED, new RegExp(`^Vault at ${target.url} rejected the Role ID or Secret ID \\(invalid role or secret ID\\)\\. The Secret ID may be wrong, expired or used up \\(secret_id_num_uses\\)\\. Issue a new one with: vault write -f auth/${customMount}/role/<role>/secret-id$`));
    expectNoCredentials(message, { roleId: atCustom.roleId, secretId: 'wrong-secret-id-0000' });
  });

  it('wrong Role ID', async () => {
    const config = configOf(target.url, { ...atDefault, roleId: 'not-a-role-id-0000' });
    const { message } = await failureOf(call(config), CONNECTION_FAILED, /rejected the Role ID or Secret ID \(invalid role or secret ID\)/);
    expectNoCredentials(message, { roleId: 'not-a-role-id-0000', secretId: atDefault.secretId });
  });

  it('a role bound to other source addresses (secret_id_bound_cidrs)', async () => {
    const config = configOf(target.url, fenced, { appRoleMount: customMount });
    const { message } = await failureOf(call(config), CONNECTION_FAILED, new RegExp(`^Vault at ${target.url} refused the AppRole login from this machine's address \\(source address "127\\.0\\.0\\.1" unauthorized by CIDR restrictions on the role\\)\\. Add the Activepieces workers' address to the role's secret_id_bound_cidrs or the Secret ID's cidr_list, or issue a Secret ID without that restriction\\.$`));
    expectNoCredentials(message, fenced);
  });

  it('AppRole not enabled at the mount: one probe login, then the command that enables it', async () => {
    const config = configOf(target.url, atDefault, { appRoleMount: 'approle-typo' });
    const { message } = await failureOf(call(config), CONNECTION_FAILED, new RegExp(`^AppRole is not enabled at auth/approle-typo/ on ${target.url}\\. Enable it with: vault auth enable -path=approle-typo approle, or set the AppRole mount option to where it is enabled\\. If the AppRole lives in a Vault Enterprise namespace, set the Namespace \\(or Auth namespace\\) field\\.$`));
    expectNoCredentials(message, atDefault);
    expect(providerTraffic(target.double)).toEqual(['POST /v1/auth/approle-typo/login', 'POST /v1/auth/approle-typo/login']);
  });
});

describe('a locked-out role', () => {
  // Its own double, on a clock the test moves: the lockout lasts 15 minutes (docs/vault-behaviour.md §2.4).
  let lockTarget: VaultTarget & { double: VaultDouble };
  let clock = Date.parse('2025-06-01T00:00:00Z');
  let locked: AppRoleCredentials;
  let config: HashicorpVaultConfig;
  let lockedKv: string;

  beforeAll(async () => {
    lockTarget = await startDouble({ now: () => clock });
    const setup = await provisionAppRole(lockTarget.admin);
    locked = setup.credentials;
    lockedKv = setup.kvMount;
    await lockTarget.admin.putKv2(lockedKv, 'app', { key: 'after-lockout' });
    config = configOf(lockTarget.url, locked, { appRoleMount: setup.approleMount });
    // docs/vault-behaviour.md §2.4: 5 failed logins (a valid role_id with a wrong secret_id) lock the role
    const wrong = { ...config, secretId: 'wrong' };
    const setupProvider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
    for (let i = 0; i < 5; i++) await expect(setupProvider.validate({ config: wrong })).rejects.toMatchObject({ error: { code: CONNECTION_FAILED } });
    await setupProvider.close();
  });
  afterAll(async () => lockTarget.stop());
  beforeEach(() => lockTarget.double.clearRequests());

  const lockedOut = () => new RegExp(`^Vault at ${lockTarget.url} refused the AppRole login with 403: the role is locked out after repeated failed logins \\(user lockout\\)\\. Wait for the lockout to end \\(15 minutes by default\\) or unlock it with: vault write -f sys/locked-users/<mount accessor>/unlock/<role id>; then fix the Secret ID\\.$`);

  it.each([
    ['validate', () => provider.validate({ config })],
    ['resolve', () => provider.resolve({ connectionId: 'c1', config, path: `${lockedKv}/data/app/key` })],
  ])('is told apart from a missing AppRole on %s, even with the right Secret ID', async (_name, call) => {
    const { message } = await failureOf(call(), CONNECTION_FAILED, lockedOut());
    expectNoCredentials(message, locked);
    const login = `POST /v1/auth/${config.appRoleMount}/login`;
    expect(providerTraffic(lockTarget.double)).toEqual([login, login]);
  });

  it('the same connection logs in once the lockout is over; the probes did not prolong it', async () => {
    // On the double's clock: after a lockout the connection pauses its logins for 30 s (login failure protection).
    const onClock = createHashicorpVaultProvider({ retry: { maxAttempts: 1 }, now: () => clock });
    try {
      const read = () => onClock.resolve({ connectionId: 'c1', config, path: `${lockedKv}/data/app/key` });
      clock += 14 * 60_000;
      await failureOf(read(), CONNECTION_FAILED, lockedOut());
      clock += 60_000 + 1_000;
      await expect(read()).resolves.toBe('after-lockout');
    } finally {
      await onClock.close();
    }
  });
});

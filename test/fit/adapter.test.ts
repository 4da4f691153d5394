/**
 * The adapter as Activepieces' server would hold it in its providers map, against the Vault double.
 */
import type { ConnectSecretManagerRequest } from '@activepieces/shared/src/lib/ee/secret-managers';
import {
  HashicorpProviderConfigSchema, SECRET_MANAGER_PROVIDERS_METADATA, SecretManagerProviderMetaDataSchema,
} from '@activepieces/shared/src/lib/ee/secret-managers';
import {
  ActivepiecesSecretManagerProvider, connectionIdForConfig, createHashicorpVaultProvider, HashicorpVaultProvider, toActivepiecesSecretManagerProvider,
} from '../../src';
import { ActivepiecesError, ErrorCode, SecretManagerProviderId } from '../support/activepieces';
import type { VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole, uniqueName } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';

/**
 * The server's own definition (secret-manager-providers.ts), restated so the compiler checks the
 * adapter against it: `SecretManagerProvider<K>` with its config type taken from the request schema.
 */
type ServerConfigFor<K extends SecretManagerProviderId> = Extract<ConnectSecretManagerRequest, { providerId: K }>['config'];
type ServerSecretManagerProvider<K extends SecretManagerProviderId> = {
  checkConnection: (config: ServerConfigFor<K>) => Promise<unknown>;
  connect: (config: ServerConfigFor<K>) => Promise<void>;
  disconnect: () => Promise<void>;
  getSecret: (params: { path: string }, config: ServerConfigFor<K>) => Promise<string>;
};
/** Older servers also had this member. */
type OlderServerSecretManagerProvider<K extends SecretManagerProviderId> = ServerSecretManagerProvider<K> & {
  validatePathFormat: (path: string) => Promise<void>;
};

let target: VaultTarget & { double: VaultDouble };
let setup: Awaited<ReturnType<typeof provisionAppRole>>;
/** Exactly what the server's form stores: url, namespace?, roleId, secretId. */
let formConfig: ServerConfigFor<SecretManagerProviderId.HASHICORP>;
let provider: HashicorpVaultProvider;
let adapter: ActivepiecesSecretManagerProvider;

const logins = () => target.double.count({ method: 'POST', path: /\/login$/, admin: false });
const reads = (mount = setup.kvMount) => target.double.count({ method: 'GET', path: new RegExp(`^/v1/${mount}/`), admin: false });
const revokes = () => target.double.count({ method: 'POST', path: '/v1/auth/token/revoke-self' });
const secretPath = (p: string) => `${setup.kvMount}/data/${p}`;

beforeAll(async () => {
  target = await startDouble();
  // Activepieces' form cannot name the AppRole mount, so the fixture uses the default one.
  setup = await provisionAppRole(target.admin, { approleMount: 'approle' });
  formConfig = { url: target.url, roleId: setup.credentials.roleId, secretId: setup.credentials.secretId };
  await target.admin.putKv2(setup.kvMount, 'crm', { api_key: 'k-crm-1', user: 'svc' });
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider();
  adapter = toActivepiecesSecretManagerProvider(provider);
  target.double.clearRequests();
});
afterEach(async () => provider.close());

describe('fits the server providers map', () => {
  it('has the members the server calls, as functions, and can stand in for the built-in entry', () => {
    const entry: ServerSecretManagerProvider<SecretManagerProviderId.HASHICORP> = adapter;
    const older: OlderServerSecretManagerProvider<SecretManagerProviderId.HASHICORP> = adapter;
    for (const member of ['checkConnection', 'connect', 'disconnect', 'getSecret'] as const) expect(typeof entry[member]).toBe('function');
    expect(typeof older.validatePathFormat).toBe('function');
  });

  it('its metadata passes the shared metadata schema and equals the HashiCorp entry it replaces', () => {
    expect(() => SecretManagerProviderMetaDataSchema.parse(adapter.metadata)).not.toThrow();
    const builtIn = SECRET_MANAGER_PROVIDERS_METADATA.find((m) => m.id === SecretManagerProviderId.HASHICORP);
    expect(adapter.metadata).toEqual(builtIn);
  });

  it('its form fields are the config schema keys, with secrets as password fields and optional exactly where the schema is', () => {
    const shape = HashicorpProviderConfigSchema.shape;
    const fields = adapter.metadata.fields as Record<string, { type: string; optional?: boolean }>;
    expect(Object.keys(fields).sort()).toEqual(Object.keys(shape).sort());
    for (const [key, field] of Object.entries(fields)) {
      expect([key, field.optional === true]).toEqual([key, shape[key as keyof typeof shape].safeParse(undefined).success]);
      expect([key, field.type]).toEqual([key, key === 'roleId' || key === 'secretId' ? 'password' : 'text']);
    }
  });

  it('a config filled in from those fields passes the server schema and connects', async () => {
    const filled = Object.fromEntries(Object.keys(adapter.metadata.fields).filter((k) => k in formConfig).map((k) => [k, formConfig[k as keyof typeof formConfig]]));
    const parsed = HashicorpProviderConfigSchema.parse(filled);
    await expect(adapter.connect(parsed)).resolves.toBeUndefined();
    await expect(adapter.checkConnection(parsed)).resolves.toMatchObject({ kvMounts: [{ path: `${setup.kvMount}/`, version: 2 }] });
  });
});

describe('checkConnection and connect', () => {
  it('reject with SECRET_MANAGER_CONNECTION_FAILED that says what to fix, without the credentials', async () => {
    const bad = { ...formConfig, secretId: 'a-mistyped-secret-id-0000' };
    const err = await adapter.connect(bad).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ error: { code: ErrorCode.SECRET_MANAGER_CONNECTION_FAILED, params: { provider: 'hashicorp' } } });
    const text = JSON.stringify({ m: (err as Error).message, p: (err as ActivepiecesError).error.params });
    expect(text).toMatch(/rejected the Role ID or Secret ID/);
    expect(text).not.toContain(bad.secretId);
    expect(text).not.toContain(bad.roleId);
  });

  it('is what the server lists as "connected": truthy on success, rejecting otherwise', async () => {
    // secret-managers.service.ts: Boolean(await provider.checkConnection(config).catch(() => false))
    const connected = async (c: typeof formConfig) => Boolean(await adapter.checkConnection(c).catch(() => false));
    expect(await connected(formConfig)).toBe(true);
    expect(await connected({ ...formConfig, roleId: 'nobody' })).toBe(false);
  });
});

describe('getSecret({ path }, config)', () => {
  it('reads the value, and reuses token and cache across calls that pass a fresh config object each time', async () => {
    for (let i = 0; i < 5; i++) {
      // The server decrypts the stored config anew on every call.
      await expect(adapter.getSecret({ path: secretPath('crm/api_key') }, { ...formConfig })).resolves.toBe('k-crm-1');
      await expect(adapter.getSecret({ path: secretPath('crm/user') }, JSON.parse(JSON.stringify(formConfig)))).resolves.toBe('svc');
    }
    expect(logins()).toBe(1);
    expect(reads()).toBe(1);
  });

  it('never lets two configs share a cached value: a role without access is refused after another role cached it', async () => {
    await target.admin.writePolicy('nothing', 'path "nothing/*" { capabilities = ["read"] }');
    const other = await target.admin.createRole('approle', uniqueName('role'), { token_policies: ['nothing'] });
    const otherConfig = { url: target.url, roleId: other.roleId, secretId: other.secretId };
    await expect(adapter.getSecret({ path: secretPath('crm/api_key') }, formConfig)).resolves.toBe('k-crm-1');
    await expect(adapter.getSecret({ path: secretPath('crm/api_key') }, otherConfig)).rejects.toMatchObject({
      error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, params: { message: expect.stringMatching(/Permission denied/) } },
    });
  });

  it('two configs used in turn keep a token each (no re-login when the server alternates between them)', async () => {
    const secretId = await target.admin.newSecretId('approle', setup.roleName);
    const second = { ...formConfig, secretId };
    for (let i = 0; i < 3; i++) {
      await adapter.getSecret({ path: secretPath('crm/api_key') }, formConfig);
      await adapter.getSecret({ path: secretPath('crm/api_key') }, second);
    }
    expect(logins()).toBe(2);
    expect(reads()).toBe(2);
  });

  it('an edited config (new Secret ID) logs in again and reads again', async () => {
    await adapter.getSecret({ path: secretPath('crm/api_key') }, formConfig);
    const secretId = await target.admin.newSecretId('approle', setup.roleName);
    await expect(adapter.getSecret({ path: secretPath('crm/api_key') }, { ...formConfig, secretId })).resolves.toBe('k-crm-1');
    expect(logins()).toBe(2);
    expect(reads()).toBe(2);
  });

  it('a bad path is a VALIDATION error, with no request to Vault', async () => {
    await expect(adapter.getSecret({ path: 'just-one-segment' }, formConfig)).rejects.toMatchObject({ error: { code: ErrorCode.VALIDATION } });
    await expect(adapter.validatePathFormat('just-one-segment')).rejects.toMatchObject({ error: { code: ErrorCode.VALIDATION } });
    await expect(adapter.validatePathFormat(secretPath('crm/api_key'))).resolves.toBeUndefined();
    expect(target.double.count({ admin: false })).toBe(0);
  });
});

describe('connection identity', () => {
  it('differs for every identity field, and not for the tuning fields (timeout, cache TTL)', () => {
    const base = { url: 'https://vault.example.com:8200', roleId: 'r', secretId: 's' };
    const ids = [
      base, { ...base, secretId: 's2' }, { ...base, roleId: 'r2' }, { ...base, url: 'https://vault2.example.com:8200' },
      { ...base, namespace: 'team-a' }, { ...base, appRoleMount: 'ci' },
    ].map(connectionIdForConfig);
    expect(new Set(ids).size).toBe(ids.length);
    expect(connectionIdForConfig({ ...base, cacheTtlSeconds: 60, requestTimeoutSeconds: 3 })).toBe(ids[0]);
  });

  it('is the same for configs that mean the same (trailing slash, whitespace, a new object)', () => {
    const a = connectionIdForConfig({ url: 'https://vault.example.com:8200', roleId: 'r', secretId: 's' });
    expect(connectionIdForConfig({ url: 'https://vault.example.com:8200/', roleId: ' r ', secretId: 's' })).toBe(a);
  });

  it('contains no credential', () => {
    const id = connectionIdForConfig({ url: 'https://vault.example.com', roleId: 'role-id-visible-marker', secretId: 'secret-id-visible-marker' });
    expect(id).not.toMatch(/marker/);
  });
});

describe('disconnect and bounds', () => {
  it('disconnect() (the server passes no id) revokes the tokens this adapter opened; the next read logs in again', async () => {
    await adapter.getSecret({ path: secretPath('crm/api_key') }, formConfig);
    await adapter.disconnect();
    expect(revokes()).toBe(1);
    await adapter.getSecret({ path: secretPath('crm/api_key') }, formConfig);
    expect(logins()).toBe(2);
  });

  it('beyond maxConnections the least recently used config is disconnected', async () => {
    const small = toActivepiecesSecretManagerProvider(provider, { maxConnections: 1 });
    const secretId = await target.admin.newSecretId('approle', setup.roleName);
    await small.getSecret({ path: secretPath('crm/api_key') }, formConfig);
    await small.getSecret({ path: secretPath('crm/api_key') }, { ...formConfig, secretId });
    await waitFor(() => revokes() === 1);
    expect(revokes()).toBe(1);
  });
});

describe('options', () => {
  it('defaults supply what the form cannot carry, e.g. an AppRole mount other than approle', async () => {
    const ci = await provisionAppRole(target.admin, { approleMount: 'ci-approle' });
    const config = { url: target.url, roleId: ci.credentials.roleId, secretId: ci.credentials.secretId };
    await expect(adapter.connect(config)).rejects.toMatchObject({ error: { params: { message: expect.stringMatching(/auth\/approle\//) } } });
    const withMount = toActivepiecesSecretManagerProvider(provider, { defaults: { appRoleMount: 'ci-approle' } });
    await expect(withMount.connect(config)).resolves.toBeUndefined();
  });

  it('errorClass: errors are rethrown as the host copy of ActivepiecesError, with code, params and message kept', async () => {
    class HostActivepiecesError extends Error {
      constructor(readonly error: ActivepiecesError['error'], message?: string) {
        super(message ?? error.code);
      }
    }
    const hosted = toActivepiecesSecretManagerProvider(provider, { errorClass: HostActivepiecesError });
    const err = await hosted.getSecret({ path: secretPath('crm/missing_key') }, formConfig).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostActivepiecesError);
    expect(err).toMatchObject({ error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED }, message: expect.stringMatching(/has no key "missing_key"/) });
    const connectErr = await hosted.connect({ ...formConfig, roleId: 'nobody' }).catch((e: unknown) => e);
    expect(connectErr).toBeInstanceOf(HostActivepiecesError);
  });

  it('errorClass: a host class that prefixes the code (as ActivepiecesError does) gets it once', async () => {
    class PrefixingActivepiecesError extends Error {
      constructor(readonly error: ActivepiecesError['error'], message?: string) {
        super(error.code + (message ? `: ${message}` : ''));
      }
    }
    const hosted = toActivepiecesSecretManagerProvider(provider, { errorClass: PrefixingActivepiecesError });
    const err = (await hosted.getSecret({ path: secretPath('crm/missing_key') }, formConfig).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(PrefixingActivepiecesError);
    expect(err.message).toMatch(/^SECRET_MANAGER_GET_SECRET_FAILED: Secret ".*" has no key "missing_key"/);
    expect(err.message.split('SECRET_MANAGER_GET_SECRET_FAILED')).toHaveLength(2);
  });
});

async function waitFor(done: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
}

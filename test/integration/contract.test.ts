/**
 * The contract suite: what the engine and an admin rely on, over real HTTP. It runs against the
 * local Vault double, and again against a real Vault when VAULT_ADDR and a root VAULT_TOKEN are set
 * (it provisions its own AppRole, policy and KV data there, under unique names).
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider, resolveSecretReferences } from '../../src';
import { ErrorCode, SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';
import { provisionAppRole, uniqueName } from '../../src/testing/vault-admin';
import type { VaultFlavour } from '../../src/testing/vault-double';
import { realVaultConfigured, startContractTarget, startDouble, VaultTarget } from '../support/vault-target';
import { connectionConfig } from '../support/fixtures';

/** The double in each deployment flavour it imitates (src/testing/vault-double/flavours.ts), then a real Vault if configured. */
const FLAVOURS: VaultFlavour[] = ['vault', 'vault-1.16', 'openbao', 'enterprise', 'community'];
const targets: Array<[string, () => Promise<VaultTarget>]> = FLAVOURS.map((flavour) => [`the Vault double (${flavour})`, () => startDouble({ flavour })]);
if (realVaultConfigured()) targets.push(['real Vault (VAULT_ADDR)', startContractTarget]);
else console.info('contract suite: VAULT_ADDR and VAULT_TOKEN not set; the real-Vault run is skipped (the double run goes on).');

describe.each(targets)('contract against %s', (_name, start) => {
  let target: VaultTarget;
  let kvMount: string;
  let config: HashicorpVaultConfig;
  let provider: HashicorpVaultProvider;

  beforeAll(async () => {
    target = await start();
    const setup = await provisionAppRole(target.admin);
    kvMount = setup.kvMount;
    config = connectionConfig(target.url, setup);
    await target.admin.putKv2(kvMount, 'mysec', { api_key: 'k-123', empty: '' });
    await target.admin.putKv2(kvMount, 'app/db', { user: 'svc', password: 'p@ss' });
  });
  afterAll(async () => target.stop());
  beforeEach(() => {
    provider = createHashicorpVaultProvider();
  });
  afterEach(async () => provider.close());

  it('validate logs in and lists the KV mounts', async () => {
    const summary = await provider.validate({ config });
    expect(summary.kvMounts).toContainEqual({ path: `${kvMount}/`, version: 2 });
    expect(summary.token.ttlSeconds).toBeGreaterThan(0);
  });

  it('resolves a KV v2 reference', async () => {
    await expect(provider.resolve({ connectionId: 'c1', config, path: `${kvMount}/data/mysec/api_key` })).resolves.toBe('k-123');
  });

  it('returns an empty string as a value, not as missing', async () => {
    await expect(provider.resolve({ connectionId: 'c1', config, path: `${kvMount}/data/mysec/empty` })).resolves.toBe('');
  });

  it('says which: a missing secret, or a missing key', async () => {
    await expect(provider.resolve({ connectionId: 'c1', config, path: `${kvMount}/data/nope/api_key` })).rejects.toMatchObject({
      error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, params: { message: expect.stringMatching(/Secret ".*\/data\/nope" was not found/) } },
    });
    await expect(provider.resolve({ connectionId: 'c1', config, path: `${kvMount}/data/mysec/nokey` })).rejects.toMatchObject({
      error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, params: { message: expect.stringMatching(/has no key "nokey"\. Keys in it: api_key, empty/) } },
    });
  });

  it('rejects a malformed path with VALIDATION', async () => {
    await expect(provider.resolve({ connectionId: 'c1', config, path: `${kvMount}/data/../x` })).rejects.toMatchObject({ error: { code: ErrorCode.VALIDATION } });
  });

  it('fails validation with a message that names a bad Secret ID', async () => {
    await expect(provider.validate({ config: { ...config, secretId: 'not-the-secret-id' } })).rejects.toMatchObject({
      error: { code: ErrorCode.SECRET_MANAGER_CONNECTION_FAILED, params: { message: expect.stringMatching(/rejected the Role ID or Secret ID/) } },
    });
  });

  it('resolves the references of a piece connection value through the engine hook', async () => {
    const connection = { id: 'conn-1', platformId: 'p1', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config };
    const value = {
      type: 'BASIC_AUTH',
      username: `{{conn-1|ap_sep_v1|${kvMount}/data/app/db/user}}`,
      password: `{{conn-1|ap_sep_v1|${kvMount}/data/app/db/password}}`,
    };
    const resolved = await resolveSecretReferences(value, { platformId: 'p1', getConnection: async () => connection, providers: [provider] });
    expect(resolved).toEqual({ type: 'BASIC_AUTH', username: 'svc', password: 'p@ss' });
  });

  it('reads the new value after invalidate', async () => {
    const path = uniqueName('rotating');
    await target.admin.putKv2(kvMount, path, { v: 'one' });
    await expect(provider.resolve({ connectionId: 'c1', config, path: `${kvMount}/data/${path}/v` })).resolves.toBe('one');
    await target.admin.putKv2(kvMount, path, { v: 'two' });
    await expect(provider.resolve({ connectionId: 'c1', config, path: `${kvMount}/data/${path}/v` })).resolves.toBe('one');
    provider.invalidate({ connectionId: 'c1' });
    await expect(provider.resolve({ connectionId: 'c1', config, path: `${kvMount}/data/${path}/v` })).resolves.toBe('two');
  });
});

/**
 * The advanced connection options as a contract: Activepieces stores the config as JSON by these
 * keys, the form declares each as an optional prop with a description, absent or empty means the
 * default, and the options that change behaviour at run time do so against the double.
 */
import { createHashicorpVaultProvider, DEFAULT_APPROLE_MOUNT, HashicorpVaultConfig, HashicorpVaultProvider, parseVaultConfig } from '../../src';
import { HashicorpProviderConfigSchema } from '../support/activepieces';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import type { VaultDouble } from '../../src/testing/vault-double';
import { configOf } from './support';

const ADVANCED = ['appRoleMount', 'authNamespace', 'caCertificate', 'tlsSkipVerify', 'requestTimeoutSeconds', 'cacheTtlSeconds'] as const;
const BASE = { url: 'https://vault.example.com:8200', roleId: 'r', secretId: 's' };

describe('the config contract', () => {
  it('the form has one prop per stored key: Activepieces\' own, then ours, each optional and described', () => {
    const provider = createHashicorpVaultProvider();
    const props = provider.props as unknown as Record<string, { required: boolean; description?: string; displayName: string }>;
    const activepiecesKeys = Object.keys(HashicorpProviderConfigSchema.shape);
    expect(Object.keys(props).sort()).toEqual([...activepiecesKeys, ...ADVANCED].sort());
    for (const key of ADVANCED) {
      expect({ key, required: props[key].required }).toEqual({ key, required: false });
      expect(props[key].description?.length).toBeGreaterThan(20);
    }
  });

  it('a config Activepieces\' own schema accepts parses, with every advanced option at its default', () => {
    expect(HashicorpProviderConfigSchema.safeParse(BASE).success).toBe(true);
    expect(parseVaultConfig(BASE)).toMatchObject({
      appRoleMount: DEFAULT_APPROLE_MOUNT, namespace: '', authNamespace: '', caCertificate: undefined, tlsSkipVerify: false,
    });
  });

  it.each(['roleId', 'secretId'])('a blank %s is refused before any request (Vault would trim it to nothing)', (key) => {
    expect(() => parseVaultConfig({ ...BASE, [key]: ' \t ' })).toThrow(`Invalid HashiCorp Vault connection config: ${key} is blank.`);
  });

  it.each(ADVANCED)('%s: an empty value means the default', (key) => {
    expect(parseVaultConfig({ ...BASE, [key]: '' })).toEqual(parseVaultConfig(BASE));
  });
});

describe('options at run time', () => {
  let target: VaultTarget & { double: VaultDouble };
  let provider: HashicorpVaultProvider;
  let config: HashicorpVaultConfig;
  let path: string;
  let readsOf: () => number;

  beforeAll(async () => {
    target = await startDouble();
    const setup = await provisionAppRole(target.admin);
    await target.admin.putKv2(setup.kvMount, 'app', { key: 'v' });
    config = configOf(target.url, setup.credentials, { appRoleMount: setup.approleMount, namespace: '' });
    path = `${setup.kvMount}/data/app/key`;
    readsOf = () => target.double.count({ method: 'GET', path: `/v1/${setup.kvMount}/data/app`, admin: false });
  });
  afterAll(async () => target.stop());
  beforeEach(() => {
    provider = createHashicorpVaultProvider();
    target.double.clearRequests();
  });
  afterEach(async () => provider.close());

  it.each([
    ['default (cached)', {}, 1],
    ['cacheTtlSeconds "" (default)', { cacheTtlSeconds: '' }, 1],
    ['cacheTtlSeconds 0 (no cache)', { cacheTtlSeconds: 0 }, 3],
    ['cacheTtlSeconds "0" (no cache)', { cacheTtlSeconds: '0' }, 3],
  ])('%s: reads Vault as often as it says', async (_name, extra, reads) => {
    for (let i = 0; i < 3; i++) await expect(provider.resolve({ connectionId: 'c1', config: { ...config, ...extra }, path })).resolves.toBe('v');
    expect(readsOf()).toBe(reads);
  });

  it('cacheTtlSeconds 0 still shares one read among concurrent resolves', async () => {
    const c = { ...config, cacheTtlSeconds: 0 };
    await Promise.all([1, 2, 3].map(() => expect(provider.resolve({ connectionId: 'c1', config: c, path })).resolves.toBe('v')));
    expect(readsOf()).toBe(1);
  });
});

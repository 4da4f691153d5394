/**
 * The one list of config fields (CONFIG_FIELDS) drives identity: an edit of any single identity
 * field makes a new connection (a new login, no value cached under the old config), and an edit
 * of a tuning field keeps the connection (no request at all) while its new value takes effect.
 */
import { CONFIG_FIELDS, createHashicorpVaultProvider, FIELD_NAMES, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { HashicorpProviderConfigSchema } from '../support/activepieces';
import type { FieldName } from '../../src/config/fields';
import { hashicorpVaultConfigSchema } from '../../src/config/schema';
import { sameConfigValues } from '../../src/config/identity';
import { startProvisionedDouble } from '../support/fixtures';

const FAKE_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----';

/**
 * One edit per field; the Record type makes a new field without an entry a compile error. The
 * namespace edit pins the auth namespace to the same root, so only the namespace changes.
 */
function edits(url: string): Record<FieldName, Partial<HashicorpVaultConfig>> {
  return {
    url: { url: url.replace('127.0.0.1', 'localhost') },
    roleId: { roleId: 'another-role-id-e1' },
    secretId: { secretId: 'another-secret-id-e2' },
    namespace: { namespace: 'team-e3', authNamespace: 'root' },
    appRoleMount: { appRoleMount: 'elsewhere-e4' },
    authNamespace: { authNamespace: 'parent-e5' },
    caCertificate: { caCertificate: FAKE_PEM },
    tlsSkipVerify: { tlsSkipVerify: true },
    requestTimeoutSeconds: { requestTimeoutSeconds: 7 },
    cacheTtlSeconds: { cacheTtlSeconds: 0 },
  };
}

/** Fields whose edit only retunes a connection; every other field is its identity. */
const TUNING: readonly FieldName[] = ['requestTimeoutSeconds', 'cacheTtlSeconds'];

let fixture: Awaited<ReturnType<typeof startProvisionedDouble>>;
let provider: HashicorpVaultProvider;
const path = () => `${fixture.kvMount}/data/fields/token`;

beforeAll(async () => {
  fixture = await startProvisionedDouble();
  await fixture.target.admin.putKv2(fixture.kvMount, 'fields', { token: 'FIELDS-VALUE-7q' });
});
afterAll(() => fixture.target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
});
afterEach(() => provider.close());

const logins = () => fixture.target.double.count({ admin: false, path: /\/login$/ });
const requests = () => fixture.target.double.count({ admin: false });

it('lists every field once, in a fixed order, and knows Activepieces\' own four', () => {
  expect(FIELD_NAMES).toEqual(Object.keys(CONFIG_FIELDS));
  const ours = FIELD_NAMES.filter((n) => CONFIG_FIELDS[n].activepieces).sort();
  expect(ours).toEqual(Object.keys(HashicorpProviderConfigSchema.shape).sort());
});

it('"same stored values" notices a change of any single field, and only a change', () => {
  const base: HashicorpVaultConfig = {
    url: 'https://v:8200', roleId: 'r', secretId: 's', namespace: 'n', appRoleMount: 'm', authNamespace: 'a',
    caCertificate: FAKE_PEM, tlsSkipVerify: false, requestTimeoutSeconds: 5, cacheTtlSeconds: 60,
  };
  expect(sameConfigValues(base, { ...base })).toBe(true);
  for (const name of FIELD_NAMES) {
    const changed = { ...base, [name]: typeof base[name] === 'string' ? `${base[name]}x` : typeof base[name] === 'number' ? 7 : true };
    expect([name, sameConfigValues(base, changed as HashicorpVaultConfig)]).toEqual([name, false]);
  }
});

it('builds a schema with exactly the listed fields', () => {
  expect(Object.keys(hashicorpVaultConfigSchema().shape).sort()).toEqual([...FIELD_NAMES].sort());
});

describe.each(FIELD_NAMES.map((name) => [name, !TUNING.includes(name)] as const))('an edit of %s alone (identity: %s)', (name, identity) => {
  it(identity ? 'is a new connection: a new login, not the value cached under the old config' : 'keeps the connection: no request', async () => {
    const config: HashicorpVaultConfig = fixture.config;
    await expect(provider.resolve({ connectionId: 'c1', config, path: path() })).resolves.toBe('FIELDS-VALUE-7q');
    const edited: HashicorpVaultConfig = { ...config, ...edits(fixture.target.url)[name] };
    const [before, loginsBefore] = [requests(), logins()];
    const outcome = await provider.resolve({ connectionId: 'c1', config: edited, path: path() }).then(
      (value) => ({ value }),
      (err: unknown) => ({ err }),
    );
    if (identity) {
      // The new connection logs in (which may fail: the edited value is not a working one) or
      // fails before it can; either way the old connection's cached value is not served.
      expect(logins() > loginsBefore || 'err' in outcome).toBe(true);
      expect(provider.resolveFromCache({ connectionId: 'c1', config, path: path() })).toBeUndefined();
    } else {
      expect(outcome).toEqual({ value: 'FIELDS-VALUE-7q' });
      expect(logins()).toBe(loginsBefore);
      if (name !== 'cacheTtlSeconds') expect(requests()).toBe(before);
    }
  });
});

it('a retuned cache TTL takes effect at once: TTL 0 reads Vault again, with the same token', async () => {
  const config = fixture.config;
  await provider.resolve({ connectionId: 'c1', config, path: path() });
  const [reads, loginsBefore] = [fixture.target.double.count({ admin: false, path: /\/data\/fields$/ }), logins()];
  await provider.resolve({ connectionId: 'c1', config: { ...config, cacheTtlSeconds: 0 }, path: path() });
  await provider.resolve({ connectionId: 'c1', config: { ...config, cacheTtlSeconds: 0 }, path: path() });
  expect(fixture.target.double.count({ admin: false, path: /\/data\/fields$/ })).toBe(reads + 2);
  expect(logins()).toBe(loginsBefore);
});

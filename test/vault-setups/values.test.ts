/**
 * What a connection field receives for each JSON value type a KV secret can hold (KV v1 and v2),
 * the null value and the missing key (each an error that says so), and segment encoding.
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { provisionAppRole, uniqueName } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import type { VaultDouble } from '../../src/testing/vault-double';
import { configOf, failureOf, providerTraffic } from './support';

const GET_FAILED = ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED;

/** Each stored JSON value, and the text a connection field must receive for it. */
const VALUES: Array<[string, unknown, string]> = [
  ['text', 'plain text', 'plain text'],
  ['empty', '', ''],
  ['spaces', '  padded  ', '  padded  '],
  ['unicode', 'Grüße ✓', 'Grüße ✓'],
  ['integer', 42, '42'],
  ['zero', 0, '0'],
  ['negative', -7.25, '-7.25'],
  ['true', true, 'true'],
  ['false', false, 'false'],
  ['object', { host: 'db', port: 5432, tls: { on: true } }, '{"host":"db","port":5432,"tls":{"on":true}}'],
  ['array', ['a', 1, null], '["a",1,null]'],
  ['empty_object', {}, '{}'],
  ['json_text', '{"already":"text"}', '{"already":"text"}'],
];
const STORED = Object.fromEntries([...VALUES.map(([k, v]) => [k, v]), ['nothing', null]]);

let target: VaultTarget & { double: VaultDouble };
let provider: HashicorpVaultProvider;
let config: HashicorpVaultConfig;
let kv2: string;
const kv1 = uniqueName('kv1');
const ODD_SECRET = "team:a+b@c=d,e;f$g!h'i(j)k*&version=1/x~y";
const ODD_KEY = 'k.e-y_1';

beforeAll(async () => {
  target = await startDouble();
  await target.admin.enableKv(kv1, 1);
  const setup = await provisionAppRole(target.admin, {
    policy: `path "*" { capabilities = ["read"] }`,
  });
  kv2 = setup.kvMount;
  config = configOf(target.url, setup.credentials, { appRoleMount: setup.approleMount });
  await target.admin.putKv2(kv2, 'typed', STORED);
  await target.admin.putKv1(kv1, 'typed', STORED);
  await target.admin.putKv2(kv2, encodeURI(ODD_SECRET).replace(/&/g, '%26'), { [ODD_KEY]: 'encoded fine' });
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
  target.double.clearRequests();
});
afterEach(async () => provider.close());

const resolve = (path: string) => provider.resolve({ connectionId: 'c1', config, path });

describe.each([
  ['KV v2', () => `${kv2}/data/typed`],
  ['KV v1', () => `${kv1}/typed`],
])('%s values', (_engine, secret) => {
  it.each(VALUES)('%s', async (key, _stored, text) => {
    await expect(resolve(`${secret()}/${key}`)).resolves.toBe(text);
  });

  it('a null value is an error that says so', async () => {
    await failureOf(resolve(`${secret()}/nothing`), GET_FAILED, new RegExp(`^Key "nothing" of secret "${secret()}" is null; store a value in it\\.$`));
  });

  it('a missing key lists the keys the secret has, never their values', async () => {
    const { message, params } = await failureOf(resolve(`${secret()}/passwd`), GET_FAILED, new RegExp(`^Secret "${secret()}" has no key "passwd"\\. Keys in it: [a-z_, ]+\\.$`));
    expect(message.replace(/.*Keys in it: |\.$/g, '').split(', ').sort()).toEqual(Object.keys(STORED).sort());
    for (const [, stored] of VALUES.filter(([, v]) => typeof v === 'string' && v.length > 3)) {
      expect(message).not.toContain(stored);
      expect(JSON.stringify(params)).not.toContain(stored);
    }
  });
});

it('every key of one secret costs one read', async () => {
  await Promise.all(VALUES.map(([key]) => resolve(`${kv2}/data/typed/${key}`)));
  expect(providerTraffic(target.double).filter((r) => r.startsWith('GET'))).toEqual([`GET /v1/${kv2}/data/typed`]);
});

it('encodes each segment, so URL characters in a name stay part of the name', async () => {
  await expect(resolve(`${kv2}/data/${ODD_SECRET}/${ODD_KEY}`)).resolves.toBe('encoded fine');
  // "&version=1" inside a segment is a name, not a query: it reaches Vault encoded, in the path
  expect(target.double.requests.filter((r) => !r.admin && r.method === 'GET').map((r) => [r.path, r.query])).toEqual([[`/v1/${kv2}/data/${ODD_SECRET}`, '']]);
});

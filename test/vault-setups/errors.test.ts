/**
 * The error rows of the troubleshooting table that are not about one set-up (those live in
 * approle, namespaces, kv-engines, tls and values): Vault unreachable (DNS, refused, timeout),
 * sealed, rate limited / standby, secret not found, permission denied, sys/mounts not readable,
 * and paths refused before any request. Each asserts the error code and the message.
 */
import dns from 'node:dns';
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { provisionAppRole, uniqueName } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import { unusedLocalUrl, VaultDouble } from '../../src/testing/vault-double';
import { configOf, expectNoCredentials, failureOf, providerTraffic } from './support';

const GET_FAILED = ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED;
const CONNECTION_FAILED = ErrorCode.SECRET_MANAGER_CONNECTION_FAILED;

let target: VaultTarget & { double: VaultDouble };
let provider: HashicorpVaultProvider;
let config: HashicorpVaultConfig;
let kv: string;
const kv1 = uniqueName('legacy');

beforeAll(async () => {
  target = await startDouble();
  await target.admin.enableKv(kv1, 1);
  const setup = await provisionAppRole(target.admin, {
    kvMount: uniqueName('kv'),
    policy: 'path "+/data/app/*" { capabilities = ["read"] }\npath "+/app/*" { capabilities = ["read"] }\npath "sys/mounts" { capabilities = ["read"] }',
  });
  kv = setup.kvMount;
  config = configOf(target.url, setup.credentials, { appRoleMount: setup.approleMount });
  await target.admin.putKv2(kv, 'app/db', { user: 'svc' });
  await target.admin.putKv2(kv, 'billing/stripe', { key: 'sk' });
  await target.admin.putKv1(kv1, 'billing/stripe', { key: 'sk' });
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
  target.double.clearRequests();
  target.double.faults.clear();
});
afterEach(async () => {
  target.double.unseal();
  await provider.close();
});

const resolve = (path: string, c = config) => provider.resolve({ connectionId: 'c1', config: c, path });
const entryPoints: Array<[string, (c: HashicorpVaultConfig) => Promise<unknown>]> = [
  ['validate', (c) => provider.validate({ config: c })],
  ['resolve', (c) => resolve(`${kv}/data/app/db/user`, c)],
];

describe.each(entryPoints)('Vault unreachable, on %s', (_name, call) => {
  it('a host name that does not resolve', async () => {
    // RFC 2606: .invalid never resolves. The resolver is answered here, not asked: tests send no
    // traffic off 127.0.0.1, DNS queries included.
    const lookup = jest.spyOn(dns, 'lookup').mockImplementation(((host: string, ...rest: unknown[]) => {
      const callback = rest[rest.length - 1] as (err: NodeJS.ErrnoException) => void;
      process.nextTick(() => callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })));
    }) as unknown as typeof dns.lookup);
    const url = 'http://vault.example.invalid:8200';
    try {
      await failureOf(call({ ...config, url }), CONNECTION_FAILED, new RegExp(`^Cannot reach Vault at ${url}: the host name does not resolve \\(ENOTFOUND\\)\\. Check the URL for typos and the workers' DNS\\.$`));
      expect(lookup).toHaveBeenCalledWith('vault.example.invalid', expect.anything(), expect.any(Function));
    } finally {
      lookup.mockRestore();
    }
  });

  it('connection refused', async () => {
    const url = await unusedLocalUrl();
    await failureOf(call({ ...config, url }), CONNECTION_FAILED, new RegExp(`^Cannot reach Vault at ${url}: connection refused\\. Check the URL and port, that Vault is running, and that the Activepieces workers can reach it\\.$`));
  });

  it('no answer within the request timeout', async () => {
    target.double.faults.add({ match: { path: /\/login$/ }, kind: 'hang' });
    await failureOf(call({ ...config, requestTimeoutSeconds: 1 }), CONNECTION_FAILED, new RegExp(`^Vault at ${target.url} did not answer within 1 s\\. Check that Vault is up and not overloaded, or raise the request timeout\\.$`));
  });

  it('sealed', async () => {
    target.double.seal();
    await failureOf(call(config), CONNECTION_FAILED, new RegExp(`^Vault at ${target.url} is sealed\\. Unseal it \\(vault operator unseal\\) and try again\\.$`));
  });

  it('rate limited (429 is a rate-limit quota outside sys/health)', async () => {
    target.double.faults.add({ match: { path: /\/login$/ }, kind: 'status', status: 429, retryAfterSeconds: 1 });
    await failureOf(call(config), CONNECTION_FAILED, new RegExp(`^Vault at ${target.url} is rate limiting these requests \\(429: request path "auth/.*/login": rate limit quota exceeded\\)\\. Raise the rate-limit quota for this path \\(vault write sys/quotas/rate-limit/<name>\\), or lower the request rate\\.$`));
  });
});

describe('after login, on a read', () => {
  beforeEach(async () => {
    await expect(resolve(`${kv}/data/app/db/user`)).resolves.toBe('svc'); // logged in, token cached
    target.double.clearRequests();
  });

  it('no answer within the request timeout', async () => {
    const slow = { ...config, requestTimeoutSeconds: 1 };
    await resolve(`${kv}/data/app/db/user`, slow); // a new config: a new login, before the fault
    target.double.faults.add({ match: { method: 'GET' }, kind: 'hang' });
    await failureOf(resolve(`${kv}/data/billing/x/key`, slow), GET_FAILED, /did not answer within 1 s\. Check that Vault is up and not overloaded, or raise the request timeout\.$/);
  });

  it('sealed', async () => {
    target.double.seal();
    await failureOf(resolve(`${kv}/data/app/other/key`), GET_FAILED, /^Vault at .* is sealed\. Unseal it \(vault operator unseal\) and try again\.$/);
  });

  it('rate limited', async () => {
    target.double.faults.add({ match: { method: 'GET' }, kind: 'status', status: 429 });
    await failureOf(resolve(`${kv}/data/app/other/key`), GET_FAILED, new RegExp(`is rate limiting these requests \\(429: request path "${kv}/data/app/other": rate limit quota exceeded\\)`));
  });

  it('secret not found', async () => {
    await failureOf(resolve(`${kv}/data/app/missing/key`), GET_FAILED, new RegExp(`^Secret "${kv}/data/app/missing" was not found on ${target.url}\\. Check the path and the namespace\\.$`));
  });

  it.each([
    ['KV v2', () => `${kv}/data/billing/stripe/key`, () => `${kv}/data/billing/stripe`],
    ['KV v2 without data/', () => `${kv}/billing/stripe/key`, () => `${kv}/data/billing/stripe`],
    ['KV v1', () => `${kv1}/billing/stripe/key`, () => `${kv1}/billing/stripe`],
  ])('permission denied on a %s secret shows the policy line that grants it', async (_engine, path, policyPath) => {
    const { message } = await failureOf(resolve(path()), GET_FAILED, new RegExp(`^Permission denied reading secret "${policyPath()}" on ${target.url}\\. Add this to the AppRole's policy: path "${policyPath()}" \\{ capabilities = \\["read"\\] \\}$`));
    expectNoCredentials(message, config);
  });
});

it('sys/mounts not readable, on Save, shows the policy line', async () => {
  const limited = await provisionAppRole(target.admin, { policy: `path "${kv}/data/*" { capabilities = ["read"] }` });
  const c = configOf(target.url, limited.credentials, { appRoleMount: limited.approleMount });
  await failureOf(provider.validate({ config: c }), CONNECTION_FAILED, new RegExp(`^Logged in, but the AppRole's token may not read sys/mounts on ${target.url}\\. Add this to the AppRole's policy: path "sys/mounts" \\{ capabilities = \\["read"\\] \\}$`));
});

describe('paths refused before any request', () => {
  it.each([
    ['empty', '', /it is empty\./],
    ['leading slash', '/secret/data/app/key', /it must not start with "\/"\./],
    ['trailing slash', 'secret/data/app/', /it must not end with "\/"/],
    ['empty segment', 'secret/data//app/key', /it contains an empty segment/],
    ['dot segment', 'secret/data/./key', /"\." and "\.\." segments are not allowed\./],
    ['dot-dot segment', 'secret/data/../../sys/mounts', /"\." and "\.\." segments are not allowed\./],
    ['encoded dot-dot', 'secret/data/%2e%2e/sys/key', /whitespace, a control character, "#", "%" or "\\"/],
    ['hash', 'secret/data/app#x/key', /"#"/],
    ['backslash', 'secret/data/app\\..\\key', /"\\"/],
    ['space inside a segment', 'secret/data/my app/key', /whitespace/],
    ['tab', 'secret/data/app/ke\ty', /control character/],
    ['NUL', 'secret/data/app/ke\u0000y', /control character/],
    ['query other than version', 'secret/data/app/key?list=true', /the only query allowed is \?version=N/],
    ['version and more', 'secret/data/app/key?version=1&x=2', /the only query allowed is \?version=N/],
    ['version 0', 'secret/data/app/key?version=0', /the only query allowed is \?version=N with N a positive whole number\./],
    ['two queries', 'secret/data/app/key?version=1?version=2', /more than one "\?"/],
    ['absurd length', `secret/data/${'a'.repeat(2000)}/key`, /longer than 1024 characters/],
    ['too few segments', 'secret/key', /it needs at least a mount, a secret and a key\./],
    ['a reserved mount', 'sys/mounts/x', /"sys\/" is reserved by Vault and is not a KV mount\./],
    ['auth', 'auth/token/lookup-self', /"auth\/" is reserved/],
    ['cubbyhole', 'cubbyhole/app/key', /"cubbyhole\/" is reserved/],
  ])('%s', async (_case, path, why) => {
    const { message } = await failureOf(resolve(path), ErrorCode.VALIDATION, /^Invalid secret path ".*": .* Expected mount\/data\/path\/to\/secret\/key, e\.g\. secret\/data\/mysec\/api_key\.$/);
    expect(message).toMatch(why);
    expect(message).not.toMatch(/[\u0000-\u0008]/); // eslint-disable-line no-control-regex
    expect(providerTraffic(target.double)).toEqual([]);
  });
});

/**
 * The leak test: realistic flows (validate, resolve, failures of every kind, invalidate,
 * disconnect, edited configs, the engine hook with both failure policies and scope violations)
 * run with planted, unique secret values, Role IDs and Secret IDs. Every log line and every error
 * thrown is captured and rendered every way a pipeline might print it; none may contain a planted
 * value or any token the double issued.
 */
import {
  createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider, resolveSecretReferences, SecretManagerConnection,
} from '../../src';
import { SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';
import { FaultRule, unusedLocalUrl, VaultDouble } from '../../src/testing/vault-double';
import { CapturingLogger } from '../support/capturing-logger';
import { startDouble, VaultTarget } from '../support/vault-target';
import { leaksIn, planted, provisionPlantedAppRole, renderThrown } from './planted';

const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 };

let target: VaultTarget & { double: VaultDouble };
const secrets = new Set<string>();
const logger = new CapturingLogger();
const thrown: string[] = [];
const outcomes = { values: 0, errors: 0 };

/** Runs one step of a flow; keeps the rendering of whatever it throws. */
async function step<T>(promise: Promise<T> | (() => Promise<T>)): Promise<T | undefined> {
  try {
    const value = await (typeof promise === 'function' ? promise() : promise);
    outcomes.values++;
    return value;
  } catch (err) {
    outcomes.errors++;
    thrown.push(renderThrown(err));
    return undefined;
  }
}

function plant(kind: string): string {
  const value = planted(kind);
  secrets.add(value);
  return value;
}

async function appRole(options: Parameters<typeof provisionPlantedAppRole>[1] = {}) {
  const setup = await provisionPlantedAppRole(target.admin, options);
  secrets.add(setup.credentials.roleId);
  secrets.add(setup.credentials.secretId);
  const config: HashicorpVaultConfig = { url: target.url, appRoleMount: setup.approleMount, namespace: options.namespace, ...setup.credentials };
  return { setup, config };
}

const newProvider = (): HashicorpVaultProvider => createHashicorpVaultProvider({ logger, retry: FAST_RETRY });

beforeAll(async () => {
  target = await startDouble();
});
afterAll(async () => target.stop());

it('no log line and no error carries a secret value, Role ID, Secret ID or token', async () => {
  const { setup, config } = await appRole();
  const kv = setup.kvMount;
  await target.admin.putKv2(kv, 'app/db', { user: plant('value'), password: plant('value'), port: 5432, nested: { deep: plant('value') }, empty: null });
  await target.admin.putKv2(kv, 'app/rot', { key: plant('value') });
  await target.admin.putKv2(kv, 'app/rot', { key: plant('value') });
  await target.admin.putKv2(kv, 'app/rot', { key: plant('value') });
  await target.admin.must('POST', `${kv}/delete/app/rot`, { versions: [1] });
  await target.admin.must('POST', `${kv}/destroy/app/rot`, { versions: [2] });
  await target.admin.enableKv(`${kv}-v1`, 1);
  await target.admin.writePolicy(setup.policyName, `path "${kv}/data/*" { capabilities = ["read"] }\npath "${kv}-v1/*" { capabilities = ["read"] }\npath "sys/mounts" { capabilities = ["read"] }`);
  await target.admin.putKv1(`${kv}-v1`, 'legacy', { token: plant('value') });
  await target.admin.putKv2(kv, 'forbidden/x', { key: plant('value') });
  await target.admin.writePolicy(setup.policyName, `path "${kv}/data/app/*" { capabilities = ["read"] }\npath "${kv}-v1/*" { capabilities = ["read"] }\npath "sys/mounts" { capabilities = ["read"] }`);

  const provider = newProvider();
  const resolve = (path: string, connectionId = 'c1', cfg = config) => step(provider.resolve({ connectionId, config: cfg, path }));

  // Validate: working, wrong Secret ID, wrong Role ID, nothing listening, AppRole not there, no sys/mounts.
  await step(provider.validate({ config }));
  await step(provider.validate({ config: { ...config, secretId: plant('wrong-secretid') } }));
  await step(provider.validate({ config: { ...config, roleId: plant('wrong-roleid') } }));
  await step(async () => provider.validate({ config: { ...config, url: await unusedLocalUrl() } }));
  await step(provider.validate({ config: { ...config, appRoleMount: 'nowhere' } }));
  const narrow = await appRole({ policy: `path "${kv}/data/app/*" { capabilities = ["read"] }` });
  await step(provider.validate({ config: narrow.config }));

  // Resolve: values, cache hits, and every kind of "not there".
  for (let i = 0; i < 3; i++) {
    for (const key of ['user', 'password', 'port', 'nested']) await resolve(`${kv}/data/app/db/${key}`);
  }
  await resolve(`${kv}/data/app/db/empty`);
  await resolve(`${kv}/data/app/db/nokey`);
  await resolve(`${kv}/data/app/none/key`);
  await resolve(`${kv}/data/app/rot/key?version=1`);
  await resolve(`${kv}/data/app/rot/key?version=2`);
  await resolve(`${kv}/data/app/rot/key?version=9`);
  await resolve(`${kv}/data/app/rot/key`);
  await resolve(`${kv}/app/rot/key`);
  await resolve(`${kv}-v1/legacy/token`);
  await resolve(`${kv}-v1/legacy/token?version=1`);
  await resolve(`${kv}/data/forbidden/x/key`);
  await resolve('sys/data/x/key');
  await resolve(`${kv}/data/../x/key`);
  await resolve(`${kv}/data/app/db/user`, 'narrow', narrow.config);
  await resolve(`${kv}/app/db/user`, 'narrow', narrow.config);

  // Faults, on a connection that caches for 0 s: cold (error) and warm (stale-if-error) each.
  const zeroTtl = { ...config, cacheTtlSeconds: 0 };
  const faults: FaultRule[] = [
    { kind: 'status', status: 500 }, { kind: 'status', status: 502 }, { kind: 'status', status: 503 },
    { kind: 'status', status: 429, retryAfterSeconds: 0 }, { kind: 'status', status: 412 }, { kind: 'reset' }, { kind: 'refuse' },
  ];
  for (const [i, fault] of faults.entries()) {
    await resolve(`${kv}/data/app/db/user`, `warm-${i}`, zeroTtl);
    await new Promise((r) => setTimeout(r, 2));
    target.double.faults.add(fault);
    await resolve(`${kv}/data/app/db/user`, `warm-${i}`, zeroTtl);
    await resolve(`${kv}/data/app/db/user`, `cold-${i}`, zeroTtl);
    await step(provider.validate({ config }));
    target.double.faults.clear();
  }
  target.double.seal();
  await resolve(`${kv}/data/app/db/password`, 'sealed', zeroTtl);
  target.double.unseal();
  const hanging = createHashicorpVaultProvider({ logger, retry: { ...FAST_RETRY, totalDeadlineMs: 100 } });
  target.double.faults.add({ kind: 'hang', times: 1 });
  await step(hanging.resolve({ connectionId: 'hang', config: { ...config, requestTimeoutSeconds: 1 }, path: `${kv}/data/app/db/user` }));
  await hanging.close();

  // Tokens revoked under a cached connection; a Secret ID that runs out; a role locked out.
  target.double.revokeAllTokens();
  provider.invalidate({ connectionId: 'c1' });
  await resolve(`${kv}/data/app/db/user`);
  const once = await appRole({ role: { secret_id_num_uses: 1, token_policies: [setup.policyName] } });
  await resolve(`${kv}/data/app/db/user`, 'once', once.config);
  target.double.revokeAllTokens();
  provider.invalidate({ connectionId: 'once' });
  await resolve(`${kv}/data/app/db/user`, 'once', once.config);
  const locked = await appRole();
  for (let i = 0; i < 5; i++) await step(provider.validate({ config: { ...locked.config, secretId: plant('wrong-secretid') } }));
  await step(provider.validate({ config: locked.config }));
  await resolve(`${kv}/data/app/db/user`, 'locked', locked.config);

  // Edited config, invalidate, disconnect.
  const newSecretId = plant('secretid');
  await target.admin.must('POST', `auth/${setup.approleMount}/role/${setup.roleName}/custom-secret-id`, { secret_id: newSecretId });
  await resolve(`${kv}/data/app/db/user`, 'c1', { ...config, secretId: newSecretId });
  await resolve(`${kv}/data/app/db/user`, 'c1', { ...config, secretId: plant('revoked-secretid') });
  provider.invalidate();
  await resolve(`${kv}/data/app/db/password`);
  await step(provider.disconnect({ connectionId: 'c1' }));
  await resolve(`${kv}/data/app/db/password`);

  // The engine hook: both failure policies, scope violations, a lookup that fails with a secret in its message.
  const connection = (patch: Partial<SecretManagerConnection> = {}): SecretManagerConnection => ({
    id: 'conn-1', platformId: 'plat', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config, ...patch,
  });
  const value = {
    type: 'CUSTOM_AUTH',
    props: { user: `{{conn-1|ap_sep_v1|${kv}/data/app/db/user}}`, bad: `{{conn-1|ap_sep_v1|${kv}/data/app/db/nokey}}`, gone: `{{conn-1|ap_sep_v1|${kv}/data/nope/x}}` },
  };
  const hookContext = { platformId: 'plat', providers: [provider], logger };
  for (const onFailure of ['throw', 'keep-reference'] as const) {
    await step(resolveSecretReferences(value, { ...hookContext, onFailure, getConnection: () => connection() }));
    await step(resolveSecretReferences(value, { ...hookContext, onFailure, projectId: 'p2', getConnection: () => connection({ scope: SecretManagerConnectionScope.PROJECT, projectIds: ['p1'] }) }));
    await step(resolveSecretReferences(value, { ...hookContext, onFailure, getConnection: () => connection({ platformId: 'other' }) }));
    const lookupSecret = plant('lookup-error');
    await step(resolveSecretReferences(value, { ...hookContext, onFailure, getConnection: () => Promise.reject(new Error(`db said ${lookupSecret}`)) }));
  }
  await provider.close();

  // The evidence is rich enough to mean something...
  expect(outcomes.values).toBeGreaterThan(20);
  expect(outcomes.errors).toBeGreaterThan(40);
  expect(logger.find(/stale-if-error/).length).toBeGreaterThanOrEqual(faults.length);
  expect(logger.find(/retrying request/).length).toBeGreaterThan(10);
  expect(logger.find(/reference left unresolved/).length).toBeGreaterThan(4);
  const tokens = target.double.issuedTokens();
  expect(tokens.length).toBeGreaterThan(10);
  // ... and none of it carries a secret.
  const forbidden = [...secrets, ...tokens, target.double.rootToken];
  expect(leaksIn(logger.renderAll(), forbidden)).toEqual([]);
  for (const text of thrown) expect(leaksIn(text, forbidden)).toEqual([]);
}, 30_000);

/**
 * Answers real deployments send that are neither a value nor a plain error (docs/vault-behaviour.md
 * §14.6, §14.7, §14.10): login MFA, forced wrapping / control groups, an uninitialised Vault, a KV
 * mount being upgraded (transient, retried within the deadline), a destroyed version (no
 * discovery request), and 501 outside sys/health.
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { isTransientFailure } from '../../src/activepieces/errors';
import { startProvisionedDouble } from '../support/fixtures';
import { vaultCounts } from '../support/vault-counts';
import { failureOf } from './support';

const GET_FAILED = ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED;
const CONNECTION_FAILED = ErrorCode.SECRET_MANAGER_CONNECTION_FAILED;

let fixture: Awaited<ReturnType<typeof startProvisionedDouble>>;
let provider: HashicorpVaultProvider;
let config: HashicorpVaultConfig;
beforeAll(async () => {
  fixture = await startProvisionedDouble();
  config = { ...fixture.config, cacheTtlSeconds: 0 };
  await fixture.target.admin.putKv2(fixture.kvMount, 'app', { key: 'v1' });
  await fixture.target.admin.putKv2(fixture.kvMount, 'app', { key: 'v2' });
});
afterAll(async () => fixture.target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
  fixture.target.double.clearRequests();
});
afterEach(async () => {
  const double = fixture.target.double;
  double.setLoginMfa(fixture.setup.approleMount, false);
  double.setForcedWrapping(null);
  double.setNodeState('active');
  double.setKvUpgrading(fixture.kvMount, false);
  double.faults.clear();
  await provider.close();
});

const resolve = (path: string, p = provider) => p.resolve({ connectionId: 'c1', config, path });
const counts = () => vaultCounts(fixture.target.double, fixture.kvMount);

it('login MFA enforced on the AppRole mount: says so, and how to leave the mount out', async () => {
  fixture.target.double.setLoginMfa(fixture.setup.approleMount, true);
  await failureOf(
    provider.validate({ config }),
    CONNECTION_FAILED,
    new RegExp(`^Vault at ${fixture.target.url} asks for multi-factor authentication \\(login MFA\\) on AppRole logins at auth/${fixture.setup.approleMount}/, which an unattended connection cannot answer\\. Leave the AppRole mount out of the login MFA enforcement`),
  );
});

it('a read answered with only wrap_info (forced wrapping): named, and no discovery request', async () => {
  fixture.target.double.setForcedWrapping({ path: `${fixture.kvMount}/data/app` });
  const { message } = await failureOf(resolve(`${fixture.kvMount}/data/app/key`), GET_FAILED, /answered the read of secret ".*\/data\/app" with a response-wrapping token instead of the answer \(a control group or a policy's min_wrapping_ttl, Vault Enterprise\)/);
  expect(message).toMatch(/remove control_group \/ min_wrapping_ttl/);
  expect(counts().mountListings()).toBe(0);
});

it('an uninitialised Vault (503 "sealed" everywhere): says initialise, not unseal', async () => {
  fixture.target.double.setNodeState('uninitialised');
  await failureOf(provider.validate({ config }), CONNECTION_FAILED, new RegExp(`^Vault at ${fixture.target.url} is not initialised: it answers every request as sealed\\. Initialise it \\(vault operator init\\)`));
});

it('a sealed Vault is still told to unseal', async () => {
  fixture.target.double.setNodeState('sealed');
  await failureOf(provider.validate({ config }), CONNECTION_FAILED, /is sealed\. Unseal it/);
});

it('a KV upgrade in progress is retried as transient, within the deadline', async () => {
  const patient = createHashicorpVaultProvider({ retry: { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 100, totalDeadlineMs: 10_000 } });
  try {
    await resolve(`${fixture.kvMount}/data/app/key`, patient); // logged in
    fixture.target.double.setKvUpgrading(fixture.kvMount, true);
    const read = resolve(`${fixture.kvMount}/data/app/key`, patient);
    while (!fixture.target.double.requests.some((r) => r.status === 400)) await new Promise((r) => setTimeout(r, 5));
    fixture.target.double.setKvUpgrading(fixture.kvMount, false);
    await expect(read).resolves.toBe('v2');
  } finally {
    await patient.close();
  }
});

it('a KV upgrade that outlasts the retries: a transient failure that says so', async () => {
  fixture.target.double.setKvUpgrading(fixture.kvMount, true);
  const failing = resolve(`${fixture.kvMount}/data/app/key`);
  const { message } = await failureOf(failing, GET_FAILED, new RegExp(`^The KV mount "${fixture.kvMount}/" on ${fixture.target.url} is being upgraded from version 1 to version 2`));
  expect(message).toMatch(/Try again shortly\.$/);
  expect(await failing.catch((e: unknown) => isTransientFailure(e))).toBe(true);
});

it('a destroyed version: its own message, and no discovery request', async () => {
  await fixture.target.admin.must('POST', `${fixture.kvMount}/destroy/app`, { versions: [1] });
  await failureOf(resolve(`${fixture.kvMount}/data/app/key?version=1`), GET_FAILED, /^Version 1 of secret ".*\/data\/app" was destroyed and cannot be recovered\./);
  expect(counts().mountListings()).toBe(0);
  expect(fixture.target.double.count({ path: /sys\/internal\/ui\/mounts/ })).toBe(0);
});

it('501 outside sys/health is a plain server answer, not "not initialised"', async () => {
  await resolve(`${fixture.kvMount}/data/app/key`);
  fixture.target.double.faults.add({ match: { method: 'GET', path: `/v1/${fixture.kvMount}/data/app` }, kind: 'status', status: 501, times: 1 });
  const { message } = await failureOf(resolve(`${fixture.kvMount}/data/app/key`), GET_FAILED, new RegExp(`^Vault at ${fixture.target.url} answered 501\\.$`));
  expect(message).not.toMatch(/initialised/);
});

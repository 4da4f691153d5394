/**
 * The failure policy of resolveSecretReferences (context option `onFailure`): 'throw' (default)
 * raises an ActivepiecesError naming the field path and the cause; 'keep-reference' leaves the
 * reference text in place and logs a warning. Against the Vault double for real causes.
 */
import {
  createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider, resolveSecretReferences, ResolveContext, SecretManagerConnection,
} from '../../src';
import { ErrorCode, SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';
import { isActivepiecesError } from '../../src/activepieces/errors';
import { VaultDouble } from '../../src/testing/vault-double';
import { CapturingLogger } from '../support/capturing-logger';
import type { VaultTarget } from '../support/vault-target';
import { startProvisionedDouble } from '../support/fixtures';

let target: VaultTarget & { double: VaultDouble };
let kvMount: string;
let config: HashicorpVaultConfig;
let provider: HashicorpVaultProvider;

beforeAll(async () => {
  ({ target, kvMount, config } = await startProvisionedDouble());
  await target.admin.putKv2(kvMount, 'app/api', { key: 'api-key-value', user: 'service-user-value' });
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
});
afterEach(async () => {
  target.double.faults.clear();
  await provider.close();
});

const connection: SecretManagerConnection = {
  id: 'conn-1', platformId: 'plat-1', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config: undefined,
};
const context = (patch: Partial<ResolveContext> = {}): ResolveContext => ({
  platformId: 'plat-1',
  getConnection: (id) => (id === 'conn-1' ? { ...connection, config } : null),
  providers: [provider],
  ...patch,
});
const ref = (p: string) => `{{conn-1|ap_sep_v1|${kvMount}/data/${p}}}`;

async function failureOf(promise: Promise<unknown>): Promise<{ code: string; message: string; params: Record<string, unknown> }> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  if (!isActivepiecesError(err)) throw new Error(`expected an ActivepiecesError, got ${String(err)}`);
  const params = err.error.params as Record<string, unknown>;
  expect(err.message).toBe(`${err.error.code}: ${String(params.message)}`);
  return { code: err.error.code, message: params.message as string, params };
}

describe("onFailure: 'throw' (the default)", () => {
  it('names the field path and the cause', async () => {
    const value = { type: 'CUSTOM_AUTH', props: { apiKey: ref('app/missing/key'), user: ref('app/api/user') } };
    const failure = await failureOf(resolveSecretReferences(value, context()));
    expect(failure.code).toBe(ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED);
    expect(failure.message).toMatch(new RegExp(`^props\\.apiKey: Secret "${kvMount}/data/app/missing" was not found`));
    expect(failure.params.request).toEqual({ field: 'props.apiKey', connectionId: 'conn-1', path: `${kvMount}/data/app/missing/key` });
  });

  it('names array positions, and keeps the cause\'s error code (VALIDATION for a bad path)', async () => {
    const value = { props: { headers: ['plain', `{{conn-1|ap_sep_v1|${kvMount}/data/../../sys/policy/x}}`] } };
    const failure = await failureOf(resolveSecretReferences(value, context()));
    expect(failure.code).toBe(ErrorCode.VALIDATION);
    expect(failure.message).toMatch(/^props\.headers\[1\]: Invalid secret path/);
  });

  it('reports the first failing field in document order when several fail', async () => {
    const value = { a: ref('app/api/nokey'), b: ref('app/missing/key') };
    const failure = await failureOf(resolveSecretReferences(value, context()));
    expect(failure.message).toMatch(/^a: .*has no key "nokey"/);
  });

  it('names a bare reference "(value)"', async () => {
    const failure = await failureOf(resolveSecretReferences(ref('app/missing/key'), context()));
    expect(failure.message).toMatch(/^\(value\): Secret .* was not found/);
  });

  it('resolves a bare reference string', async () => {
    await expect(resolveSecretReferences(ref('app/api/key'), context())).resolves.toBe('api-key-value');
  });

  it('fails with a clear message when Vault is down, not with the reference text', async () => {
    target.double.faults.add({ kind: 'status', status: 503 });
    const failure = await failureOf(resolveSecretReferences({ props: { apiKey: ref('app/api/key') } }, context()));
    expect(failure.code).toBe(ErrorCode.SECRET_MANAGER_CONNECTION_FAILED);
    expect(failure.message).toMatch(/^props\.apiKey: Vault at .* is sealed/);
  });

  it('wraps an unexpected provider error without repeating its text (it may hold anything)', async () => {
    const broken = { id: SecretManagerProviderId.HASHICORP, resolve: async () => { throw new TypeError('boom with s3cr3t-inside'); } };
    const failure = await failureOf(resolveSecretReferences({ k: ref('app/api/key') }, context({ providers: [broken] })));
    expect(failure.code).toBe(ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED);
    expect(failure.message).toBe('k: resolving the secret failed unexpectedly.');
    expect(JSON.stringify(failure)).not.toContain('s3cr3t');
  });

  it('wraps a failing connection lookup the same way', async () => {
    const failure = await failureOf(resolveSecretReferences({ k: ref('app/api/key') }, context({ getConnection: () => { throw new Error('db down: password=hunter2'); } })));
    expect(failure.message).toBe('k: resolving the secret failed unexpectedly.');
    expect(JSON.stringify(failure)).not.toContain('hunter2');
  });
});

describe("onFailure: 'keep-reference'", () => {
  it('leaves the failing references as they were, resolves the rest, and warns without values', async () => {
    const logger = new CapturingLogger();
    const value = { props: { apiKey: ref('app/missing/key'), user: ref('app/api/user'), bad: `{{conn-1|ap_sep_v1|sys/x/y}}`, other: `{{ghost|ap_sep_v1|${kvMount}/data/app/api/key}}` } };
    const out = await resolveSecretReferences(value, context({ onFailure: 'keep-reference', logger }));
    expect(out).toEqual({ props: { apiKey: value.props.apiKey, user: 'service-user-value', bad: value.props.bad, other: value.props.other } });
    const warnings = logger.find(/reference left unresolved/, 'warn');
    expect(warnings.map((w) => w.fields.field).sort()).toEqual(['props.apiKey', 'props.bad', 'props.other']);
    expect(warnings.find((w) => w.fields.field === 'props.apiKey')!.msg).toMatch(/props\.apiKey: Secret .* was not found/);
    expect(logger.renderAll()).not.toMatch(/service-user-value|api-key-value/);
  });

  it('still fails closed on scope: the reference text stays, no value is read', async () => {
    const scoped = { ...connection, config, scope: SecretManagerConnectionScope.PROJECT, projectIds: ['proj-a'] };
    target.double.clearRequests();
    const out = await resolveSecretReferences({ k: ref('app/api/key') }, context({ onFailure: 'keep-reference', projectId: 'proj-b', getConnection: () => scoped }));
    expect(out).toEqual({ k: ref('app/api/key') });
    expect(target.double.count({ admin: false })).toBe(0);
  });
});

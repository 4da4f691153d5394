/**
 * The fault matrix: every fault the double can inject, against validate, a cold resolve and a
 * resolve whose cached value has expired (stale-if-error). Each cell asserts the outcome (the
 * value, the stale value, or the specific error) and the attempts the double counted.
 *
 * Backoff is made fast through the provider's `retry` option; hangs end by the request timeout
 * (1 s, the smallest the config allows) or the total deadline.
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider, RetryPolicy } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { isActivepiecesError } from '../../src/activepieces/errors';
import { FaultRule, unusedLocalUrl, VaultDouble } from '../../src/testing/vault-double';
import { CapturingLogger } from '../support/capturing-logger';
import { provisionAppRole, RoleOptions } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import type { VaultFlavour } from '../../src/testing/vault-double';

/** What the secret holds before the stale op's change, and after it. */
const OLD = 'value-before-the-fault';
const NEW = 'value-after-the-fault';
const FAST_RETRY: Partial<RetryPolicy> = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 4 };
const CONNECTION_FAILED = ErrorCode.SECRET_MANAGER_CONNECTION_FAILED;
const GET_SECRET_FAILED = ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED;

type Op = 'validate' | 'resolve' | 'resolve-stale';

/** What the double counts: AppRole logins and KV reads made by the provider (not by the test's admin). */
interface Attempts {
  logins?: number;
  reads?: number;
}

type Expected =
  | { outcome: 'value'; attempts: Attempts }
  | { outcome: 'stale'; attempts: Attempts }
  | { outcome: 'error'; code: ErrorCode; message: RegExp; attempts: Attempts };

interface Fixture {
  config: HashicorpVaultConfig;
  path: string;
  setup: Awaited<ReturnType<typeof provisionAppRole>>;
}

interface Row {
  fault: string;
  /** Makes Vault misbehave; runs after the stale op's warm-up, right before the op. */
  arrange(fx: Fixture): Promise<void> | void;
  role?: RoleOptions;
  retry?: Partial<RetryPolicy>;
  /** Extra checks on what the provider logged. */
  logged?(logger: CapturingLogger): void;
  cells: Partial<Record<Op, Expected>>;
}

const value = (attempts: Attempts): Expected => ({ outcome: 'value', attempts });
const stale = (attempts: Attempts): Expected => ({ outcome: 'stale', attempts });
const error = (code: ErrorCode, message: RegExp, attempts: Attempts): Expected => ({ outcome: 'error', code, message, attempts });

let target: VaultTarget & { double: VaultDouble };
const inject = (rule: FaultRule) => () => target.double.faults.add(rule);
const lockOut = async (fx: Fixture) => {
  // docs/vault-behaviour.md §2.4: 5 failed logins with a valid role_id lock the role for 15 minutes.
  for (let i = 0; i < 5; i++) {
    await target.admin.request('POST', `auth/${fx.setup.approleMount}/login`, { role_id: fx.config.roleId, secret_id: 'wrong-secret-id' });
  }
};

const rows: Row[] = [
  {
    fault: 'connection accepted, then closed without an answer (refuse)',
    arrange: inject({ kind: 'refuse' }),
    cells: {
      validate: error(CONNECTION_FAILED, /closed the connection before answering/, { logins: 3 }),
      resolve: error(CONNECTION_FAILED, /closed the connection before answering/, { logins: 3 }),
      'resolve-stale': stale({ reads: 3 }),
    },
  },
  {
    fault: 'refuse once',
    arrange: inject({ kind: 'refuse', times: 1 }),
    cells: { validate: value({ logins: 2 }), resolve: value({ logins: 2, reads: 1 }), 'resolve-stale': value({ reads: 2 }) },
  },
  {
    fault: 'delay 100 ms (under the timeout)',
    arrange: inject({ kind: 'delay', delayMs: 100 }),
    cells: { validate: value({ logins: 1 }), resolve: value({ logins: 1, reads: 1 }), 'resolve-stale': value({ reads: 1 }) },
  },
  {
    fault: 'hang (never answers), total deadline shorter than the timeout',
    arrange: inject({ kind: 'hang' }),
    retry: { totalDeadlineMs: 500 },
    cells: {
      validate: error(CONNECTION_FAILED, /did not answer within 1 s/, { logins: 1 }),
      resolve: error(CONNECTION_FAILED, /did not answer within 1 s/, { logins: 1 }),
      'resolve-stale': stale({ reads: 1 }),
    },
  },
  {
    fault: 'hang once',
    arrange: inject({ kind: 'hang', times: 1 }),
    // One cell: each hang costs a 1 s timeout.
    cells: { 'resolve-stale': value({ reads: 2 }) },
  },
  {
    fault: 'reset mid-response',
    arrange: inject({ kind: 'reset' }),
    cells: {
      validate: error(CONNECTION_FAILED, /closed the connection before answering/, { logins: 3 }),
      resolve: error(CONNECTION_FAILED, /closed the connection before answering/, { logins: 3 }),
      'resolve-stale': stale({ reads: 3 }),
    },
  },
  {
    fault: 'reset mid-response once',
    arrange: inject({ kind: 'reset', times: 1 }),
    cells: { validate: value({ logins: 2 }), resolve: value({ logins: 2, reads: 1 }), 'resolve-stale': value({ reads: 2 }) },
  },
  {
    fault: '500',
    arrange: inject({ kind: 'status', status: 500 }),
    cells: {
      validate: error(CONNECTION_FAILED, /answered 500: internal error/, { logins: 3 }),
      resolve: error(CONNECTION_FAILED, /answered 500: internal error/, { logins: 3 }),
      'resolve-stale': stale({ reads: 3 }),
    },
  },
  {
    fault: '502',
    arrange: inject({ kind: 'status', status: 502 }),
    cells: {
      validate: error(CONNECTION_FAILED, /answered 502/, { logins: 3 }),
      resolve: error(CONNECTION_FAILED, /answered 502/, { logins: 3 }),
      'resolve-stale': stale({ reads: 3 }),
    },
  },
  {
    fault: '503 (sealed)',
    arrange: () => target.double.seal(),
    cells: {
      validate: error(CONNECTION_FAILED, /is sealed\. Unseal it/, { logins: 3 }),
      resolve: error(CONNECTION_FAILED, /is sealed\. Unseal it/, { logins: 3 }),
      'resolve-stale': stale({ reads: 3 }),
    },
  },
  {
    fault: '503 twice, then healthy (failover)',
    arrange: inject({ kind: 'status', status: 503, times: 2 }),
    cells: { validate: value({ logins: 3 }), resolve: value({ logins: 3, reads: 1 }), 'resolve-stale': value({ reads: 3 }) },
  },
  {
    fault: '429 with Retry-After beyond the total deadline',
    arrange: inject({ kind: 'status', status: 429, retryAfterSeconds: 3600 }),
    cells: {
      validate: error(CONNECTION_FAILED, /is rate limiting these requests \(429/, { logins: 1 }),
      resolve: error(CONNECTION_FAILED, /is rate limiting these requests \(429/, { logins: 1 }),
      'resolve-stale': stale({ reads: 1 }),
    },
  },
  {
    fault: '429 with Retry-After: 1, once',
    arrange: inject({ kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 }),
    logged: (logger) => {
      const retries = logger.find(/retrying request/);
      expect(retries).toHaveLength(1);
      expect(retries[0].fields).toMatchObject({ status: 429, delayMs: expect.any(Number) });
      expect(retries[0].fields.delayMs).toBeGreaterThanOrEqual(1000);
    },
    // One cell: each costs the 1 s Vault asked for.
    cells: { resolve: value({ logins: 2, reads: 1 }) },
  },
  {
    fault: '412 (not yet consistent)',
    arrange: inject({ kind: 'status', status: 412 }),
    cells: {
      validate: error(CONNECTION_FAILED, /answered 412/, { logins: 3 }),
      resolve: error(CONNECTION_FAILED, /answered 412/, { logins: 3 }),
      'resolve-stale': stale({ reads: 3 }),
    },
  },
  {
    fault: 'token revoked',
    arrange: () => target.double.revokeAllTokens(),
    cells: { validate: value({ logins: 1 }), resolve: value({ logins: 1, reads: 1 }), 'resolve-stale': value({ logins: 1, reads: 2 }) },
  },
  {
    fault: 'Secret ID used up (secret_id_num_uses)',
    role: { secret_id_num_uses: 1 },
    arrange: async (fx) => {
      // Spend the only use elsewhere (the stale op's warm-up has spent it already).
      await createHashicorpVaultProvider().validate({ config: fx.config }).catch(() => undefined);
      target.double.revokeAllTokens();
      target.double.clearRequests();
    },
    cells: {
      validate: error(CONNECTION_FAILED, /rejected the Role ID or Secret ID.*used up/, { logins: 1 }),
      resolve: error(CONNECTION_FAILED, /rejected the Role ID or Secret ID.*used up/, { logins: 1, reads: 0 }),
      'resolve-stale': error(CONNECTION_FAILED, /rejected the Role ID or Secret ID/, { logins: 1, reads: 1 }),
    },
  },
  {
    fault: 'role locked out after failed logins',
    arrange: async (fx) => {
      await lockOut(fx);
      target.double.revokeAllTokens();
    },
    // The second login is the diagnosis probe with a random Role ID (it does not count towards lockout).
    cells: {
      validate: error(CONNECTION_FAILED, /locked out after repeated failed logins/, { logins: 2 }),
      resolve: error(CONNECTION_FAILED, /locked out after repeated failed logins/, { logins: 2, reads: 0 }),
      'resolve-stale': error(CONNECTION_FAILED, /locked out after repeated failed logins/, { logins: 2, reads: 1 }),
    },
  },
  {
    fault: 'policy no longer allows the read (403)',
    arrange: (fx) => target.admin.writePolicy(fx.setup.policyName, 'path "sys/mounts" { capabilities = ["read"] }').then(() => undefined),
    cells: {
      validate: value({ logins: 1 }),
      resolve: error(GET_SECRET_FAILED, /Permission denied reading secret/, { logins: 1, reads: 1 }),
      'resolve-stale': error(GET_SECRET_FAILED, /Permission denied reading secret/, { logins: 0, reads: 1 }),
    },
  },
  {
    fault: 'secret deleted (404)',
    arrange: (fx) => target.admin.must('DELETE', `${fx.setup.kvMount}/metadata/app/cfg`).then(() => undefined),
    // The second read: after the 404, the whole path as a secret, in case the key named it (src/provider/path-hints.ts).
    cells: {
      validate: value({ logins: 1 }),
      resolve: error(GET_SECRET_FAILED, /was not found/, { logins: 1, reads: 2 }),
      'resolve-stale': error(GET_SECRET_FAILED, /was not found/, { logins: 0, reads: 2 }),
    },
  },
];

let provider: HashicorpVaultProvider | undefined;

async function fixture(role?: RoleOptions): Promise<Fixture> {
  const setup = await provisionAppRole(target.admin, { role });
  await target.admin.putKv2(setup.kvMount, 'app/cfg', { key: OLD });
  // Cache TTL 0: the value is stale the moment it is read, so stale-if-error applies at once.
  const config: HashicorpVaultConfig = {
    url: target.url, roleId: setup.credentials.roleId, secretId: setup.credentials.secretId, appRoleMount: setup.approleMount,
    cacheTtlSeconds: 0, requestTimeoutSeconds: 1,
  };
  return { config, setup, path: `${setup.kvMount}/data/app/cfg/key` };
}

function attemptsAt(fx: Fixture): Required<Attempts> {
  return {
    logins: target.double.count({ method: 'POST', path: `/v1/auth/${fx.setup.approleMount}/login`, admin: false }),
    reads: target.double.count({ method: 'GET', path: new RegExp(`^/v1/${fx.setup.kvMount}/`), admin: false }),
  };
}

const cells = rows.flatMap((row) => (Object.entries(row.cells) as Array<[Op, Expected]>).map(([op, expected]) => [row.fault, op, row, expected] as const));

/** Every deployment flavour the double imitates (src/testing/vault-double/flavours.ts) meets the same faults. */
const FLAVOURS: VaultFlavour[] = ['vault', 'vault-1.16', 'openbao', 'enterprise', 'community'];

describe.each(FLAVOURS)('fault matrix on the double (%s)', (flavour) => {
  beforeAll(async () => {
    target = await startDouble({ flavour });
  });
  afterAll(async () => target.stop());
  afterEach(async () => {
    target.double.faults.clear();
    target.double.unseal();
    await provider?.close();
    provider = undefined;
  });

  it.each(cells)('%s × %s', async (_fault, op, row, expected) => {
    const fx = await fixture(row.role);
    const logger = new CapturingLogger();
    provider = createHashicorpVaultProvider({ logger, retry: { ...FAST_RETRY, ...row.retry } });
    let fresh = OLD;
    if (op === 'resolve-stale') {
      await expect(provider.resolve({ connectionId: 'c1', config: fx.config, path: fx.path })).resolves.toBe(OLD);
      await target.admin.putKv2(fx.setup.kvMount, 'app/cfg', { key: NEW });
      fresh = NEW;
      await new Promise((r) => setTimeout(r, 5)); // past the 0 s cache TTL
    }
    target.double.clearRequests();
    await row.arrange(fx);
    logger.clear();

    const run = op === 'validate' ? provider.validate({ config: fx.config }).then(() => fresh) : provider.resolve({ connectionId: 'c1', config: fx.config, path: fx.path });
    const result = await run.then((v) => ({ value: v }), (err: unknown) => ({ err }));

    if (expected.outcome === 'error') {
      expect(result).toHaveProperty('err');
      const err = (result as { err: unknown }).err;
      expect(isActivepiecesError(err)).toBe(true);
      expect(err).toMatchObject({ error: { code: expected.code, params: { message: expect.stringMatching(expected.message) } } });
    } else {
      expect(result).toEqual({ value: expected.outcome === 'stale' ? OLD : fresh });
    }
    const staleWarnings = logger.find(/stale-if-error/, 'warn');
    expect(staleWarnings).toHaveLength(expected.outcome === 'stale' ? 1 : 0);
    for (const line of staleWarnings) expect(JSON.stringify(line)).not.toMatch(/value-(before|after)-the-fault/);
    expect(attemptsAt(fx)).toMatchObject(expected.attempts);
    row.logged?.(logger);
  });
});

describe('on the default double', () => {
  beforeAll(async () => {
    target = await startDouble();
  });
  afterAll(async () => target.stop());
  afterEach(async () => {
    target.double.faults.clear();
    target.double.unseal();
    await provider?.close();
    provider = undefined;
  });

  describe('Vault down (connection refused at the TCP level)', () => {
    // Nothing listens, so the double cannot count: the attempts are the retries logged plus one.
    const attemptsLogged = (logger: CapturingLogger) => logger.find(/retrying request/).length + 1;

    it.each(['validate', 'resolve'] as const)('%s fails with "connection refused" after 3 attempts', async (op) => {
      const logger = new CapturingLogger();
      provider = createHashicorpVaultProvider({ logger, retry: FAST_RETRY });
      const config = { url: await unusedLocalUrl(), roleId: 'r', secretId: 's' };
      const run = op === 'validate' ? provider.validate({ config }) : provider.resolve({ connectionId: 'c1', config, path: 'kv/data/a/b' });
      await expect(run).rejects.toMatchObject({ error: { code: CONNECTION_FAILED, params: { message: expect.stringMatching(/Cannot reach Vault .*connection refused/) } } });
      expect(attemptsLogged(logger)).toBe(3);
    });

    it('resolve serves the stale value when Vault went away after the read', async () => {
      const own = await startDouble();
      try {
        const setup = await provisionAppRole(own.admin);
        await own.admin.putKv2(setup.kvMount, 'app/cfg', { key: OLD });
        const config = { url: own.url, roleId: setup.credentials.roleId, secretId: setup.credentials.secretId, appRoleMount: setup.approleMount, cacheTtlSeconds: 0 };
        const logger = new CapturingLogger();
        provider = createHashicorpVaultProvider({ logger, retry: FAST_RETRY });
        const path = `${setup.kvMount}/data/app/cfg/key`;
        await expect(provider.resolve({ connectionId: 'c1', config, path })).resolves.toBe(OLD);
        await own.stop();
        await new Promise((r) => setTimeout(r, 5));
        logger.clear();
        await expect(provider.resolve({ connectionId: 'c1', config, path })).resolves.toBe(OLD);
        expect(attemptsLogged(logger)).toBe(3);
        expect(logger.find(/stale-if-error/, 'warn')).toHaveLength(1);
      } finally {
        await own.stop();
      }
    });
  });

  describe('best-effort token revocation', () => {
    it.each(['disconnect', 'close'] as const)('%s tries revoke-self once against a failing Vault, and returns', async (op) => {
      const fx = await fixture();
      provider = createHashicorpVaultProvider({ retry: FAST_RETRY });
      await expect(provider.resolve({ connectionId: 'c1', config: fx.config, path: fx.path })).resolves.toBe(OLD);
      target.double.faults.add({ kind: 'status', status: 503, match: { path: '/v1/auth/token/revoke-self' } });
      target.double.clearRequests();
      await (op === 'disconnect' ? provider.disconnect({ connectionId: 'c1' }) : provider.close());
      expect(target.double.count({ method: 'POST', path: '/v1/auth/token/revoke-self' })).toBe(1);
    });
  });
});

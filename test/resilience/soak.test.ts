/**
 * @jest-environment ./test/support/host-process-environment.ts
 *
 * A bounded soak: 20,000 resolves across 50 connections in 5 projects while the double injects
 * random faults (seeded) on 5% of requests. Zero wrong values, zero unhandled rejections, a
 * bounded heap and cache, and every scope violation refused before it reaches the provider.
 *
 * Every connection has its own namespace holding different values under the same path strings,
 * so a value served to the wrong connection would show. A fifth of the connections cache for 0 s,
 * so their resolves keep reaching Vault (and its faults) all along.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider, resolveSecretReferences, SecretManagerConnection, SecretResolvingProvider,
} from '../../src';
import { SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';
import { isActivepiecesError } from '../../src/activepieces/errors';
import { FaultRule, mulberry32, VaultDouble } from '../../src/testing/vault-double';
import { hostProcess } from '../support/host-process-environment';
import { suspendLeakAudit } from '../support/leak-audit';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';

const SEED = 20_250_601;
const RESOLVES = 20_000;
const CONNECTIONS = 50;
const PROJECTS = 5;
const CONCURRENCY = 200;
/** Resolves before the heap baseline is taken (connections logged in, caches filled). */
const WARM_UP = 2_000;
const SECRETS = ['app/db', 'app/api', 'billing/stripe', 'ops/pager'];
const KEYS = ['user', 'password'];
/**
 * Cache TTLs by connection: a 0 s TTL sends every resolve to Vault (and its faults), 1 s now and
 * then; the rest read once and stay warm, as most connections do.
 */
const CACHE_TTLS = [0, 1, 3600, 3600, 3600];
/** A cache smaller than the 200 secrets in play, so LRU eviction is exercised too. */
const MAX_CACHE_ENTRIES = 160;
/**
 * Measured after a full GC, growth stays under 1 MB (the double's request log included); 3 MB
 * leaves room for noise and still catches a leak of 200 bytes per resolve (one small object).
 */
const MAX_HEAP_GROWTH_BYTES = 3 * 1024 * 1024;

/** ≈5% of requests: each rule fires with its probability, checked in order. */
const RANDOM_FAULTS: FaultRule[] = [
  { kind: 'status', status: 500, probability: 0.01 },
  { kind: 'status', status: 502, probability: 0.01 },
  { kind: 'status', status: 503, probability: 0.01 },
  { kind: 'status', status: 429, retryAfterSeconds: 0, probability: 0.005 },
  { kind: 'status', status: 412, probability: 0.005 },
  { kind: 'reset', probability: 0.005 },
  { kind: 'refuse', probability: 0.0025 },
  { kind: 'delay', delayMs: 30, probability: 0.0025 },
];

/** What a resolve may fail with when every attempt met a fault (and no stale value was there). */
const INJECTED_FAILURE = /answered (412|429|500|502)|is sealed|closed the connection before answering/;

interface Connection extends SecretManagerConnection {
  config: HashicorpVaultConfig;
  project: string;
}

let target: VaultTarget & { double: VaultDouble };
let provider: HashicorpVaultProvider;
const connections: Connection[] = [];

const expectedValue = (c: Connection, secret: string, key: string) => `${c.id}:${secret}:${key}`;
const pathOf = (secret: string, key: string) => `secret/data/${secret}/${key}`;

beforeAll(async () => {
  // The heap bound below would measure the audit's own records; leaks are audited in every other suite.
  suspendLeakAudit();
  target = await startDouble();
  for (let i = 0; i < CONNECTIONS; i++) {
    const id = `conn-${String(i).padStart(2, '0')}`;
    const namespace = `ns-${id}`;
    await target.admin.createNamespace(namespace);
    const setup = await provisionAppRole(target.admin, { namespace, kvMount: 'secret', approleMount: 'approle' });
    const project = `proj-${i % PROJECTS}`;
    const connection: Connection = {
      id,
      platformId: 'plat-1',
      providerId: SecretManagerProviderId.HASHICORP,
      // Every fifth connection is platform-wide; the rest belong to one project.
      scope: i % 5 === 4 ? SecretManagerConnectionScope.PLATFORM : SecretManagerConnectionScope.PROJECT,
      projectIds: [project],
      project,
      config: { url: target.url, namespace, roleId: setup.credentials.roleId, secretId: setup.credentials.secretId, cacheTtlSeconds: CACHE_TTLS[i % CACHE_TTLS.length] },
    };
    connections.push(connection);
    for (const secret of SECRETS) {
      await target.admin.putKv2('secret', secret, Object.fromEntries(KEYS.map((k) => [k, expectedValue(connection, secret, k)])), namespace);
    }
  }
}, 30_000);
afterAll(async () => target.stop());

it(`${RESOLVES} resolves, 5% faults: no wrong value, no unhandled rejection, bounded heap, every scope violation refused`, async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  hostProcess().on('unhandledRejection', onUnhandled);
  try {
    await expectDetectorWorks(unhandled);

    provider = createHashicorpVaultProvider({ maxCacheEntries: MAX_CACHE_ENTRIES, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 8 } });
    target.double.faults.setSeed(SEED);
    for (const rule of RANDOM_FAULTS) target.double.faults.add(rule);
    const random = mulberry32(SEED);
    /** The provider as the engine sees it, counting the calls that scope checks let through. */
    const calls = { forViolations: 0 };
    const spy = (violation: boolean): SecretResolvingProvider => ({
      id: SecretManagerProviderId.HASHICORP,
      resolve: (input) => {
        if (violation) calls.forViolations++;
        return provider.resolve(input as never);
      },
    });
    const stats = { values: 0, wrong: 0, errors: 0, otherErrors: 0, violations: 0, refused: 0, invalidations: 0 };
    const byId = new Map(connections.map((c) => [c.id, c]));
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

    async function one(): Promise<void> {
      const c = pick(connections);
      const secret = pick(SECRETS);
      const key = pick(KEYS);
      const roll = random();
      if (roll < 0.002) {
        stats.invalidations++;
        provider.invalidate({ connectionId: c.id });
      }
      // 5% of calls come from a project the connection does not serve (or name no project).
      const violation = c.scope === SecretManagerConnectionScope.PROJECT && roll > 0.95;
      const projectId = violation ? pick([`proj-${(Number(c.project.slice(5)) + 1) % PROJECTS}`, undefined]) : c.project;
      if (violation) stats.violations++;
      const field = `{{${c.id}|ap_sep_v1|${pathOf(secret, key)}}}`;
      try {
        const out = await resolveSecretReferences({ props: { field } }, {
          platformId: 'plat-1', projectId, getConnection: (id) => byId.get(id), providers: [spy(violation)],
        });
        if (out.props.field === expectedValue(c, secret, key) && !violation) stats.values++;
        else stats.wrong++;
      } catch (err) {
        const message = isActivepiecesError(err) ? String((err.error.params as { message?: string }).message) : '';
        if (violation && /limited to some projects|not available to project/.test(message)) stats.refused++;
        else if (!violation && INJECTED_FAILURE.test(message)) stats.errors++;
        else stats.otherErrors++;
      }
    }

    const heap = () => {
      collectGarbage();
      return process.memoryUsage().heapUsed;
    };
    // A pool of workers (not batches): a slow, retried request holds up only its own worker.
    let started = 0;
    let heapAfterWarmUp: number | undefined;
    const worker = async () => {
      while (started < RESOLVES) {
        started++;
        if (started === WARM_UP) heapAfterWarmUp = heap();
        await one();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const heapAtEnd = heap();
    target.double.faults.clear();
    await new Promise((r) => setImmediate(r));

    const faulted = target.double.requests.filter((r) => r.status === 0 || r.status >= 412).length;
    console.info(`soak: ${JSON.stringify(stats)}; ${target.double.requests.length} requests at Vault, ${faulted} faulted; heap +${Math.round((heapAtEnd - heapAfterWarmUp!) / 1024)} KiB`);
    expect(stats.wrong).toBe(0);
    expect(stats.otherErrors).toBe(0);
    expect(stats.values + stats.errors + stats.refused).toBe(RESOLVES);
    expect(stats.refused).toBe(stats.violations);
    expect(stats.violations).toBeGreaterThan(RESOLVES / 40);
    expect(calls.forViolations).toBe(0);
    // Retries and stale-if-error absorb nearly all faults; a request failing three times in a row is rare.
    expect(stats.errors).toBeLessThan(RESOLVES / 200);
    expect(faulted).toBeGreaterThan(target.double.requests.length / 40);
    expect(unhandled).toEqual([]);
    expect(heapAtEnd - heapAfterWarmUp!).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
  } finally {
    hostProcess().off('unhandledRejection', onUnhandled);
    await provider?.close();
  }
}, 60_000);

/**
 * A full GC before each heap reading, so the comparison measures what is kept, not what is not yet
 * collected. `global.gc` needs --expose-gc; V8 also hands it out when the flag is set at run time.
 */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** The listener must see an unhandled rejection, or "zero" above would prove nothing. */
async function expectDetectorWorks(unhandled: unknown[]): Promise<void> {
  const probe = new Error('probe: deliberately unhandled');
  const rejected = Promise.reject(probe);
  await new Promise((r) => setTimeout(r, 10));
  expect(unhandled).toEqual([probe]);
  // Handled late: Node then emits 'rejectionHandled', and Jest forgets the probe.
  rejected.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 10));
  unhandled.length = 0;
}

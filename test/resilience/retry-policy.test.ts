/**
 * The retry policy on its own, with an injected clock: which outcomes are retried, exponential
 * backoff with full jitter, Retry-After, and the attempt and total-time bounds. (The fault matrix
 * checks the same end to end, counting attempts at the Vault double.)
 */
import { VaultNetworkError } from '../../src/vault/http';
import { AttemptOutcome, parseRetryAfter, RetryClock, RetryPolicy, withRetries } from '../../src/vault/retry';

const POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1_000, totalDeadlineMs: 60_000 };

/** A clock whose sleeps advance time instantly and are recorded; random() is scripted. */
function fakeClock(random: () => number = () => 0.5): RetryClock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** Runs `withRetries` over scripted outcomes; returns the attempts made and the sleeps between them. */
async function run(outcomes: AttemptOutcome[], policy: RetryPolicy = POLICY, clock = fakeClock()) {
  let attempts = 0;
  const result = await withRetries(
    async () => {
      const outcome = outcomes[Math.min(attempts++, outcomes.length - 1)];
      if (outcome.error) throw outcome.error;
      return outcome;
    },
    (o) => o,
    policy,
    clock,
  ).then((r) => ({ r }), (e: unknown) => ({ e }));
  return { attempts, sleeps: clock.sleeps, result };
}

describe('what is retried', () => {
  it.each([412, 429, 500, 502, 503, 504])('status %i, up to maxAttempts', async (status) => {
    expect((await run([{ status }])).attempts).toBe(POLICY.maxAttempts);
  });

  it.each([200, 204, 400, 403, 404, 405, 501])('never status %i', async (status) => {
    expect((await run([{ status }])).attempts).toBe(1);
  });

  it.each([
    ['connection refused', new VaultNetworkError('refused', 'ECONNREFUSED'), POLICY.maxAttempts],
    ['connection reset', new VaultNetworkError('reset', 'ECONNRESET'), POLICY.maxAttempts],
    ['timeout', new VaultNetworkError('timeout', 'ETIMEDOUT'), POLICY.maxAttempts],
    ['DNS hiccup (EAI_AGAIN)', new VaultNetworkError('dns', 'EAI_AGAIN'), POLICY.maxAttempts],
    ['no such host', new VaultNetworkError('dns', 'ENOTFOUND'), 1],
    ['untrusted certificate', new VaultNetworkError('tls', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 1],
  ])('%s', async (_why, error, attempts) => {
    const outcome = await run([{ error }]);
    expect(outcome.attempts).toBe(attempts);
    expect(outcome.result).toEqual({ e: error });
  });

  it('stops at the first good answer', async () => {
    const outcome = await run([{ status: 503 }, { status: 429 }, { status: 200 }]);
    expect(outcome.attempts).toBe(3);
    expect(outcome.result).toEqual({ r: { status: 200 } });
  });
});

describe('exponential backoff with full jitter', () => {
  it('waits up to base × 2^(n-1), capped at maxDelay, when random() is near 1', async () => {
    const { sleeps } = await run([{ status: 503 }], POLICY, fakeClock(() => 0.999_999));
    expect(sleeps).toEqual([99, 199, 399, 799, 999]);
  });

  it('may wait nothing at all when random() is 0 (the jitter is full, not ±)', async () => {
    const { sleeps } = await run([{ status: 503 }], POLICY, fakeClock(() => 0));
    expect(sleeps).toEqual([0, 0, 0, 0, 0]);
  });

  it('spreads waits uniformly below the ceiling', async () => {
    const values = [0.1, 0.5, 0.9, 0.25, 0.75];
    const { sleeps } = await run([{ status: 503 }], POLICY, fakeClock(() => values.shift()!));
    expect(sleeps).toEqual([10, 100, 360, 200, 750]);
  });
});

describe('Retry-After and the total deadline', () => {
  it('waits at least what Retry-After asks', async () => {
    const { sleeps, attempts } = await run([{ status: 429, retryAfterSeconds: 3 }, { status: 200 }], POLICY, fakeClock(() => 0));
    expect(sleeps).toEqual([3_000]);
    expect(attempts).toBe(2);
  });

  it('gives up at once when Retry-After goes beyond the deadline, returning the answer', async () => {
    const outcome = await run([{ status: 429, retryAfterSeconds: 120 }], { ...POLICY, totalDeadlineMs: 30_000 });
    expect(outcome.attempts).toBe(1);
    expect(outcome.sleeps).toEqual([]);
    expect(outcome.result).toEqual({ r: { status: 429, retryAfterSeconds: 120 } });
  });

  it('starts no attempt after the total deadline', async () => {
    const outcome = await run([{ status: 429, retryAfterSeconds: 4 }], { ...POLICY, maxAttempts: 100, totalDeadlineMs: 10_000 }, fakeClock(() => 0));
    expect(outcome.attempts).toBe(3);
    expect(outcome.sleeps).toEqual([4_000, 4_000]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter(['2', '9'], now)).toBe(2);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

import { VaultNetworkError } from './http';

/**
 * When to try a Vault request again. Exponential backoff with full jitter ("AWS architecture
 * blog: Exponential Backoff And Jitter"): the wait before attempt n+1 is uniform in
 * [0, min(maxDelay, baseDelay * 2^n)], so many workers retrying a recovering Vault spread out.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No attempt starts after this much time since the first; a Retry-After beyond it ends the retries. */
  totalDeadlineMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  totalDeadlineMs: 30_000,
};

export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realRetryClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
  random: Math.random,
};

export interface AttemptOutcome {
  status?: number;
  retryAfterSeconds?: number;
  error?: unknown;
  /** The answer's own verdict, when its status alone does not tell (the KV upgrade's 400). */
  transient?: boolean;
}

/** Failures a retry cannot fix: a TLS failure, an oversized answer, an aborted request, a guard's refusal. */
const FINAL_FAILURES = new Set(['tls', 'too-large', 'aborted']);

/**
 * Worth another try: no answer at all (but not DNS "no such host", a TLS failure, an oversized
 * answer or an aborted request, which a retry cannot fix), 412 (Enterprise: the consistency index
 * is not there yet, docs/vault-behaviour.md §9), 429 (rate limit quota, §14.11), 5xx except 501,
 * and an answer that says it is transient (KV upgrade, §14.10). Never 400, 403, 404, 405 otherwise.
 */
export function isRetryable(outcome: AttemptOutcome): boolean {
  if (outcome.error instanceof VaultNetworkError) {
    return !FINAL_FAILURES.has(outcome.error.failure) && !(outcome.error.failure === 'dns' && outcome.error.code === 'ENOTFOUND');
  }
  if (outcome.error !== undefined) return false;
  return outcome.transient ?? isTransientStatus(outcome.status ?? 0);
}

/** Statuses a retry or a little patience may cure. */
export function isTransientStatus(status: number): boolean {
  return status === 412 || status === 429 || (status >= 500 && status !== 501);
}

/** Runs `attempt` until it gives a final outcome or the policy is spent; returns the last result. */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  outcomeOf: (result: T) => AttemptOutcome,
  policy: RetryPolicy,
  clock: RetryClock,
  onRetry?: (info: { attempt: number; delayMs: number; outcome: AttemptOutcome }) => void,
): Promise<T> {
  const started = clock.now();
  for (let n = 1; ; n++) {
    let result: T | undefined;
    let outcome: AttemptOutcome;
    try {
      result = await attempt();
      outcome = outcomeOf(result);
    } catch (error) {
      outcome = { error };
    }
    const delayMs = n < policy.maxAttempts && isRetryable(outcome) ? delayBefore(n, outcome, policy, clock) : undefined;
    if (delayMs === undefined || clock.now() + delayMs - started > policy.totalDeadlineMs) {
      if (outcome.error !== undefined) throw outcome.error;
      return result as T;
    }
    onRetry?.({ attempt: n, delayMs, outcome });
    await clock.sleep(delayMs);
  }
}

function delayBefore(n: number, outcome: AttemptOutcome, policy: RetryPolicy, clock: RetryClock): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
  const jittered = Math.floor(clock.random() * ceiling);
  const asked = outcome.retryAfterSeconds === undefined ? 0 : outcome.retryAfterSeconds * 1000;
  return Math.max(jittered, asked);
}

/** `Retry-After` as seconds (RFC 9110 §10.2.3: delay-seconds or an HTTP date). */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

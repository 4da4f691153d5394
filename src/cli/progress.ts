import type { Logger } from '../logger';
import type { CliIo } from './io';

/** What a progress line needs to know of the connection: the per-request timeout and how many attempts a request gets. */
export interface ProgressContext {
  timeoutSeconds: number;
  maxAttempts: number;
}

/** The fields of the client's `vault: retrying request` line (src/vault/client.ts send). */
interface RetryFields {
  path?: unknown;
  attempt?: unknown;
  delayMs?: unknown;
  status?: unknown;
  failure?: unknown;
}

const RETRY_MESSAGE = 'vault: retrying request';

/**
 * A logger for the provider that turns its retry lines into progress lines on stderr, so a
 * hanging Vault is not 30 s of silence: `ap-vault: sys/health: no answer after 10 s, attempt 2 of 3…`.
 * Everything else it is given is dropped (the command reports the outcome itself). Never stdout:
 * `--json` output stays one document.
 */
export function progressLogger(io: Pick<CliIo, 'stderr'>, context: ProgressContext): Logger {
  const info = (fields: Record<string, unknown>, message: string): void => {
    if (message === RETRY_MESSAGE) io.stderr(progressLine(fields as RetryFields, context));
  };
  const drop = (): void => undefined;
  return { debug: drop, info, warn: drop, error: drop };
}

export function progressLine(fields: RetryFields, context: ProgressContext): string {
  const path = typeof fields.path === 'string' ? fields.path.split('?')[0] : 'request';
  const next = typeof fields.attempt === 'number' ? fields.attempt + 1 : undefined;
  const delayMs = typeof fields.delayMs === 'number' ? fields.delayMs : 0;
  const wait = delayMs >= 1000 ? ` in ${Math.round(delayMs / 1000)} s` : '';
  const attempt = next === undefined ? 'trying again' : `attempt ${next} of ${context.maxAttempts}${wait}`;
  return `ap-vault: ${path}: ${whatHappened(fields, context)}, ${attempt}…`;
}

function whatHappened(fields: RetryFields, context: ProgressContext): string {
  if (typeof fields.status === 'number') return `Vault answered ${fields.status}${STATUS_MEANING[fields.status] ?? ''}`;
  switch (fields.failure) {
    case 'timeout':
      return `no answer after ${context.timeoutSeconds} s`;
    case 'refused':
      return 'connection refused';
    case 'reset':
      return 'connection closed before an answer';
    case 'dns':
      return 'the host name did not resolve';
    default:
      return typeof fields.failure === 'string' ? `no answer (${fields.failure})` : 'no answer';
  }
}

const STATUS_MEANING: Record<number, string> = {
  412: ' (not yet consistent)',
  429: ' (rate limited)',
  500: ' (internal error)',
  502: ' (bad gateway)',
  503: ' (unavailable)',
  504: ' (gateway timeout)',
};

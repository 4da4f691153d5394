/**
 * Exit codes of `ap-vault`, for scripts:
 * 0 everything passed; 1 Vault answered and something is wrong (login refused, permission denied,
 * secret not found); 2 usage or configuration error (nothing was sent to Vault); 3 Vault could not
 * be reached or is unavailable (network, TLS, sealed, 5xx, rate limited): worth retrying later;
 * 70 an internal error of this tool. No imports at load: `--help` and usage errors load nothing else.
 */
export const ExitCode = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  UNAVAILABLE: 3,
  INTERNAL: 70,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Transient (network, sealed, 5xx, 429) → 3; VALIDATION → 2; any other ActivepiecesError → 1;
 * anything else → 70. Its modules are required on the first error, so `--help` stays light.
 */
export function exitCodeForError(err: unknown): ExitCodeValue {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { errorCodeOf, isTransientFailure } = require('../activepieces/errors') as typeof import('../activepieces/errors');
  const { VaultNetworkError } = require('../vault/http') as typeof import('../vault/http');
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (err instanceof VaultNetworkError || isTransientFailure(err)) return ExitCode.UNAVAILABLE;
  const code = errorCodeOf(err);
  if (code === 'VALIDATION') return ExitCode.USAGE;
  return code === undefined ? ExitCode.INTERNAL : ExitCode.FAILED;
}

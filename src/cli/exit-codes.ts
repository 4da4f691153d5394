/**
 * Exit codes of `ap-vault`, for scripts:
 * 0 everything passed; 1 Vault answered and something is wrong (login refused, permission denied,
 * secret not found); 2 usage or configuration error (nothing was sent to Vault); 3 Vault could not
 * be reached or is unavailable (network, TLS, sealed, 5xx, rate limited): worth retrying later;
 * 70 an internal error of this tool. An address the network guard refuses is 2 as well: nothing was
 * sent, and only the configuration (the URL, AP_SSRF_ALLOW_LIST, --allow-network) changes it. No imports at load: `--help` and usage errors load nothing else.
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
 * The network guard's refusal, raw or as the provider reports it: SECRET_MANAGER_CONNECTION_FAILED
 * whose message starts "Not connecting" (src/vault/network-guard.ts, mapped in network-failure.ts).
 */
export function isAddressRefusal(err: unknown): boolean {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { errorCodeOf, humanMessage } = require('../activepieces/errors') as typeof import('../activepieces/errors');
  const { isNetworkRefusedError } = require('../vault/network-guard') as typeof import('../vault/network-guard');
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (isNetworkRefusedError(err)) return true;
  return errorCodeOf(err) === 'SECRET_MANAGER_CONNECTION_FAILED' && humanMessage(err).startsWith('Not connecting');
}

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
  if (code === 'VALIDATION' || isAddressRefusal(err)) return ExitCode.USAGE;
  return code === undefined ? ExitCode.INTERNAL : ExitCode.FAILED;
}

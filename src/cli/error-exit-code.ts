import { ErrorCode } from '../activepieces';
import { errorCodeOf, isTransientFailure } from '../errors';
import { VaultNetworkError } from '../vault/http-request';
import { ExitCode, ExitCodeValue } from './exit-codes';

/** Transient (network, sealed, 5xx, 429) → 3; VALIDATION → 2; any other ActivepiecesError → 1; anything else → 70. */
export function exitCodeForError(err: unknown): ExitCodeValue {
  if (err instanceof VaultNetworkError || isTransientFailure(err)) return ExitCode.UNAVAILABLE;
  if (errorCodeOf(err) === ErrorCode.VALIDATION) return ExitCode.USAGE;
  return errorCodeOf(err) === undefined ? ExitCode.INTERNAL : ExitCode.FAILED;
}

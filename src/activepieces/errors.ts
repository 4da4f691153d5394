import { ActivepiecesError, ErrorCode, HASHICORP_PROVIDER_ID } from './shared';

/**
 * Constructors for the errors this package throws. Every message is written for a person and
 * carries no secret value, token, Role ID or Secret ID: callers pass only paths, mounts,
 * status codes and Vault's own error strings (which never echo credentials).
 */
const provider = HASHICORP_PROVIDER_ID;

export function connectionFailed(message: string): ActivepiecesError {
  return new ActivepiecesError(
    { code: ErrorCode.SECRET_MANAGER_CONNECTION_FAILED, params: { message, provider } },
    message,
  );
}

export function getSecretFailed(message: string, request: Record<string, unknown> = {}, providerId: string = provider): ActivepiecesError {
  return new ActivepiecesError(
    { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, params: { message, provider: providerId, request } },
    message,
  );
}

export function validationFailed(message: string): ActivepiecesError {
  return new ActivepiecesError({ code: ErrorCode.VALIDATION, params: { message } }, message);
}

/** Works across copies of `@activepieces/shared` (where `instanceof` would not). */
export function isActivepiecesError(err: unknown): err is ActivepiecesError {
  return (
    err instanceof Error &&
    typeof (err as Partial<ActivepiecesError>).error === 'object' &&
    typeof (err as ActivepiecesError).error?.code === 'string'
  );
}

/** The sentence for a person: `params.message` (ActivepiecesError's own message starts with the code). */
export function humanMessage(err: unknown): string {
  if (isActivepiecesError(err)) {
    const message = (err.error.params as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return err instanceof Error ? err.message : String(err);
}

export function errorCodeOf(err: unknown): string | undefined {
  return isActivepiecesError(err) ? err.error.code : undefined;
}

/**
 * Failures that may pass by themselves (no answer, 5xx, 429, 412): the only ones after which a
 * stale value may be served. Kept beside the error, not in its params, which the engine shows.
 */
const transientFailures = new WeakSet<object>();

export function markTransient<E extends Error>(err: E): E {
  transientFailures.add(err);
  return err;
}

export function isTransientFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && transientFailures.has(err);
}

/** `ActivepiecesError`'s constructor, as the host's own copy of `@activepieces/shared` (or core-utils) defines it. */
export type ActivepiecesErrorClass = new (error: ActivepiecesError['error'], message?: string) => Error;

/**
 * `err` as an instance of the host's class, when the host loads another copy of
 * `ActivepiecesError` than this package (same code, params and message); any other error, or no
 * class given, is returned as it is. With one copy installed (the peer dependency) it is a no-op.
 * Rebuilt with the human message: the constructor puts the code in front again (`CODE: message`).
 */
export function asHostError(err: unknown, errorClass: ActivepiecesErrorClass | undefined): unknown {
  if (!errorClass || !isActivepiecesError(err)) return err;
  const { error } = err;
  return err instanceof errorClass ? err : new errorClass(error, humanMessage(err));
}

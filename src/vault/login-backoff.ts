import type { ActivepiecesError } from '../activepieces/shared';
import { connectionFailed, humanMessage } from '../activepieces/errors';

/** First wait after a credential failure; it doubles with each failure in a row, up to MAX_BACKOFF_MS. */
export const FIRST_BACKOFF_MS = 30_000;
export const MAX_BACKOFF_MS = 5 * 60_000;
/**
 * Vault's default user lockout: 5 failed logins for one role_id, with no 15-minute pause between
 * them, lock that role for 15 minutes, for every connection that uses it (hashicorp/vault
 * docs/concepts/user-lockout; docs/vault-behaviour.md §14.3).
 */
export const VAULT_LOCKOUT_THRESHOLD = 5;
export const VAULT_LOCKOUT_COUNTER_RESET_MS = 15 * 60_000;

/**
 * Login failure protection for one connection: after a credential failure (wrong Role ID or
 * Secret ID, a used-up Secret ID, a lockout) the connection fails fast, without asking Vault,
 * for a wait that doubles from 30 s to 5 min. A connection's own failures must never lock out
 * the role it shares with healthy connections: once it has failed THRESHOLD − 1 times in a row,
 * it waits until Vault's failure counter has reset (15 min of quiet) before trying again.
 */
export class LoginBackoff {
  #failuresInARow = 0;
  #until = 0;
  #failure: ActivepiecesError | undefined;

  constructor(private readonly now: () => number) {}

  /** Throws, without asking Vault, while the last credential failure is being waited out. */
  check(): void {
    const failure = this.#failure;
    if (!failure) return;
    const waitMs = this.#until - this.now();
    if (waitMs <= 0) return;
    throw connectionFailed(
      `${humanMessage(failure)} Vault was not asked again: logins with these credentials pause for ${Math.ceil(waitMs / 1000)} s more, so that failed logins do not lock the role out. Saving the connection again retries at once.`,
    );
  }

  /** A login failed on its credentials: wait before the next. */
  failed(failure: ActivepiecesError): void {
    this.#failuresInARow += 1;
    const doubling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (this.#failuresInARow - 1));
    const nearLockout = this.#failuresInARow >= VAULT_LOCKOUT_THRESHOLD - 1;
    this.#until = this.now() + (nearLockout ? Math.max(doubling, VAULT_LOCKOUT_COUNTER_RESET_MS + 1_000) : doubling);
    this.#failure = failure;
  }

  /** A login succeeded, or a person asked to try again (edit, Save, invalidate). */
  clear(): void {
    this.#failuresInARow = 0;
    this.#until = 0;
    this.#failure = undefined;
  }
}

import type { ActivepiecesError } from '../activepieces/shared';
import { markTransient } from '../activepieces/errors';
import type { VaultSettings } from '../config/settings';
import { VaultNetworkError } from './http';
import { networkFailureMessage } from './messages';

/**
 * Runs a Vault request; one that got no HTTP answer at all becomes `as(message)`, an
 * ActivepiecesError that says what to check, marked transient (it may pass by itself).
 */
export async function answeredOr<T>(send: () => Promise<T>, settings: VaultSettings, as: (message: string) => ActivepiecesError): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof VaultNetworkError) throw markTransient(as(networkFailureMessage(err, settings)));
    throw err;
  }
}

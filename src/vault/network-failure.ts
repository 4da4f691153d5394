import type { ActivepiecesError } from '../activepieces/shared';
import { markTransient } from '../activepieces/errors';
import type { VaultSettings } from '../config/settings';
import { connectionFailed } from '../activepieces/errors';
import { VaultNetworkError } from './http';
import { networkFailureMessage } from './messages';
import { isNetworkRefusedError } from './network-guard';

/**
 * Runs a Vault request; one that got no HTTP answer at all becomes `as(message)`, an
 * ActivepiecesError that says what to check, marked transient (it may pass by itself). An address
 * the network guard refused (the URL, or a standby's redirect) is a connection failure that names
 * the address class and how to allow it, and is not transient: no socket was opened.
 */
export async function answeredOr<T>(send: () => Promise<T>, settings: VaultSettings, as: (message: string) => ActivepiecesError): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof VaultNetworkError) throw markTransient(as(networkFailureMessage(err, settings)));
    if (isNetworkRefusedError(err)) throw connectionFailed(err.message);
    throw err;
  }
}

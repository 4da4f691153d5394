import type { VaultSettings } from '../config/settings';
import { connectionFailed } from '../activepieces/errors';
import type { Logger } from '../logger';
import type { VaultClient } from '../vault/client';
import { mountsFailureMessage } from '../vault/messages';
import { answeredOr } from '../vault/network-failure';
import { mountTableOf } from '../vault/mounts';
import type { VaultSession } from '../vault/session';
import { namespaceIgnoredWarning } from './namespace-warning';

/** What Save on the connection form reports when the connection works. */
export interface ValidationSummary {
  url: string;
  namespace: string;
  authNamespace: string;
  appRoleMount: string;
  token: { ttlSeconds: number; type: string; policies: string[] };
  /** KV engines the AppRole's token can list, e.g. `{ path: 'secret/', version: 2 }`. */
  kvMounts: Array<{ path: string; version: 1 | 2 }>;
  /**
   * What works but is likely not what the admin meant; empty when nothing is. Today: a namespace
   * set against Vault Community Edition, which ignores it (docs/vault-behaviour.md §14.9).
   */
  warnings: string[];
}

/**
 * AppRole login, then `GET sys/mounts` with the new token (the same two steps the built-in
 * provider checks); with a namespace set, also `GET sys/health` on `client` (unauthenticated) to
 * warn when the server ignores namespaces.
 */
export async function validateConnection(session: VaultSession, settings: VaultSettings, log: Logger, client: VaultClient): Promise<ValidationSummary> {
  const token = await session.loginNow(log);
  const res = await answeredOr(() => session.send({ method: 'GET', path: 'sys/mounts', namespace: settings.namespace }, log), settings, connectionFailed);
  if (res.status !== 200) throw connectionFailed(mountsFailureMessage(res, settings));
  const kvMounts = [...mountTableOf(res)]
    .filter(([, info]) => info.kvVersion !== undefined)
    .map(([path, info]) => ({ path: `${path}/`, version: info.kvVersion! }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const warning = await namespaceIgnoredWarning(client, settings, log);
  log.info({ kvMounts: kvMounts.length, warnings: warning === undefined ? 0 : 1 }, 'vault: connection validated');
  return {
    url: settings.url,
    namespace: settings.namespace,
    authNamespace: settings.authNamespace,
    appRoleMount: settings.appRoleMount,
    token: { ttlSeconds: token.leaseSeconds, type: token.tokenType, policies: token.policies },
    kvMounts,
    warnings: warning === undefined ? [] : [warning],
  };
}

import { getSecretFailed } from '../activepieces/errors';
import type { VaultSettings } from '../config/settings';
import type { Logger } from '../logger';
import { encodeSegments, KvVersion, MountInfo, SecretPath } from './kv-path';
import type { VaultResponse } from './client';
import { isPlainDenial, markTransientStatus, mountsFailureMessage } from './messages';
import { answeredOr } from './network-failure';
import type { VaultSession } from './session';

/**
 * The KV mounts a token can see. `sys/mounts` first (docs/vault-behaviour.md §4.1; needs `read` on it); when that is
 * refused, `sys/internal/ui/mounts/<path>` (docs/vault-behaviour.md §4.2; allowed whenever the token has any
 * capability under the mount). Null when neither is allowed.
 */
export interface DiscoveredMounts {
  table: Map<string, MountInfo>;
  /** True when the table lists every mount (sys/mounts), not just the one holding the path. */
  complete: boolean;
}

export async function discoverMounts(session: VaultSession, settings: VaultSettings, path: SecretPath, log: Logger): Promise<DiscoveredMounts | null> {
  const get = (apiPath: string): Promise<VaultResponse> =>
    answeredOr(() => session.send({ method: 'GET', path: apiPath, namespace: settings.namespace }, log), settings, (m) => getSecretFailed(m, { path: path.raw }));
  const all = await get('sys/mounts');
  if (all.status === 200) return { table: mountTableOf(all), complete: true };
  // A plain denial is the token itself refused (token_bound_cidrs, docs/vault-behaviour.md §14.1): the fallback would be refused too.
  if (all.status !== 403 || isPlainDenial(all)) throw markTransientStatus(getSecretFailed(mountsFailureMessage(all, settings), { path: path.raw }), all);
  const probe = encodeSegments(path.segments.slice(0, -1).join('/'));
  const one = await get(`sys/internal/ui/mounts/${probe}`);
  if (one.status !== 200) {
    log.debug({ status: one.status }, 'vault: KV mount discovery not permitted; using the /data/ convention');
    return null;
  }
  const data = (one.body?.data ?? {}) as MountEntry & { path?: unknown };
  return typeof data.path === 'string' && isMountPath(data.path) ? { table: new Map([[trimSlash(data.path), mountInfoOf(data)]]), complete: false } : null;
}

/** `sys/mounts` lists mounts under `data` and, on older servers and the root URL, at top level too (docs/vault-behaviour.md §4.1). */
export function mountTableOf(res: VaultResponse): Map<string, MountInfo> {
  const source = (res.body?.data && typeof res.body.data === 'object' ? res.body.data : res.body) as Record<string, unknown>;
  const table = new Map<string, MountInfo>();
  for (const [key, entry] of Object.entries(source ?? {})) {
    if (isMountPath(key) && entry && typeof entry === 'object') table.set(trimSlash(key), mountInfoOf(entry as MountEntry));
  }
  return table;
}

interface MountEntry {
  type?: string;
  options?: { version?: string } | null;
}

/** KV v1 shows `options: null`, `{}` or `{"version":"1"}`; legacy mounts have type `generic` (docs/vault-behaviour.md §4.1). */
function mountInfoOf(entry: MountEntry): MountInfo {
  const type = typeof entry.type === 'string' ? entry.type : 'unknown';
  if (type !== 'kv' && type !== 'generic' && type !== 'kv-v2') return { type };
  const kvVersion: KvVersion = type === 'kv-v2' || entry.options?.version === '2' ? 2 : 1;
  return { type, kvVersion };
}

/** A mount path as Vault lists it (`secret/`): short, one line; anything else is not Vault's and is skipped. */
function isMountPath(key: string): boolean {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  return key.endsWith('/') && key.length <= 256 && !/[\x00-\x1f\x7f-\x9f]/.test(key);
}

function trimSlash(p: string): string {
  return p.replace(/\/+$/, '');
}


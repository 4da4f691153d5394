import type { VaultSettings } from '../config';
import { getSecretFailed, markTransient } from '../errors';
import type { Logger } from '../logger';
import { encodeSegments, KvVersion, MountInfo, SecretLocation, SecretPath, readRequestPath } from '../secret-path';
import type { VaultResponse } from './client';
import { markTransientStatus, mountsFailureMessage, networkFailureMessage, readFailed, secretName } from './errors';
import { VaultNetworkError } from './http-request';
import type { VaultSession } from './session';

/** The key/value pairs of one KV secret. */
export type SecretData = Readonly<Record<string, unknown>>;

export type ReadOutcome =
  | { kind: 'found'; data: SecretData }
  /** Vault's answer may mean the mount is not the engine version we assumed. */
  | { kind: 'engine-mismatch'; response: VaultResponse };

/** `GET <mount>/data/<path>` (KV v2, notes §5.1) or `GET <mount>/<path>` (KV v1, notes §6). */
export async function readSecret(session: VaultSession, settings: VaultSettings, loc: SecretLocation, rawPath: string, log: Logger): Promise<ReadOutcome> {
  const res = await sendMapped(session, settings, { method: 'GET', path: readRequestPath(loc), namespace: settings.namespace }, log, rawPath);
  return readOutcomeOf(res, settings, loc, rawPath);
}

/**
 * What a read's answer means for a location. Also used to re-read an answer under another
 * location when discovery shows the same request meant something else (KV v1 at `mount/data/...`).
 */
export function readOutcomeOf(res: VaultResponse, settings: VaultSettings, loc: SecretLocation, rawPath: string): ReadOutcome {
  if (res.status === 200) {
    const data = loc.kvVersion === 2 ? v2Data(res) : (res.body?.data ?? undefined);
    if (data && typeof data === 'object') return { kind: 'found', data: data as SecretData };
    return { kind: 'engine-mismatch', response: res };
  }
  if (res.status === 404 && isPlainNotFound(res)) return { kind: 'engine-mismatch', response: res };
  throw readFailed(res, settings, loc, rawPath);
}

/** KV v2 nests the secret under `data.data` beside `data.metadata`; anything else is not a v2 read. */
function v2Data(res: VaultResponse): unknown {
  const data = res.body?.data as { data?: unknown; metadata?: unknown } | null | undefined;
  return data && typeof data.metadata === 'object' ? data.data : undefined;
}

/** 404 `{"errors":[]}` (no such secret, notes §5.1/§6) or the KV v2 "Invalid path" warning (read without data/). */
function isPlainNotFound(res: VaultResponse): boolean {
  const deleted = (res.body?.data as { metadata?: { deletion_time?: string } } | null | undefined)?.metadata?.deletion_time;
  return !deleted && (res.body?.errors?.length ?? 0) === 0;
}


/**
 * The KV mounts a token can see. `sys/mounts` first (notes §4.1; needs `read` on it); when that is
 * refused, `sys/internal/ui/mounts/<path>` (notes §4.2; allowed whenever the token has any
 * capability under the mount). Null when neither is allowed.
 */
export interface DiscoveredMounts {
  table: Map<string, MountInfo>;
  /** True when the table lists every mount (sys/mounts), not just the one holding the path. */
  complete: boolean;
}

export async function discoverMounts(session: VaultSession, settings: VaultSettings, path: SecretPath, log: Logger): Promise<DiscoveredMounts | null> {
  const all = await sendMapped(session, settings, { method: 'GET', path: 'sys/mounts', namespace: settings.namespace }, log, path.raw);
  if (all.status === 200) return { table: mountTableOf(all), complete: true };
  if (all.status !== 403) throw markTransientStatus(getSecretFailed(mountsFailureMessage(all, settings), { path: path.raw }), all.status);
  const probe = encodeSegments(path.segments.slice(0, -1).join('/'));
  const one = await sendMapped(session, settings, { method: 'GET', path: `sys/internal/ui/mounts/${probe}`, namespace: settings.namespace }, log, path.raw);
  if (one.status !== 200) {
    log.debug({ status: one.status }, 'vault: KV mount discovery not permitted; using the /data/ convention');
    return null;
  }
  const data = (one.body?.data ?? {}) as MountEntry & { path?: string };
  return data.path ? { table: new Map([[trimSlash(data.path), mountInfoOf(data)]]), complete: false } : null;
}

/** `sys/mounts` lists mounts under `data` and, on older servers and the root URL, at top level too (notes §4.1). */
export function mountTableOf(res: VaultResponse): Map<string, MountInfo> {
  const source = (res.body?.data && typeof res.body.data === 'object' ? res.body.data : res.body) as Record<string, unknown>;
  const table = new Map<string, MountInfo>();
  for (const [key, entry] of Object.entries(source ?? {})) {
    if (key.endsWith('/') && entry && typeof entry === 'object') table.set(trimSlash(key), mountInfoOf(entry as MountEntry));
  }
  return table;
}

interface MountEntry {
  type?: string;
  options?: { version?: string } | null;
}

/** KV v1 shows `options: null`, `{}` or `{"version":"1"}`; legacy mounts have type `generic` (notes §4.1). */
function mountInfoOf(entry: MountEntry): MountInfo {
  const type = entry.type ?? 'unknown';
  if (type !== 'kv' && type !== 'generic' && type !== 'kv-v2') return { type };
  const kvVersion: KvVersion = type === 'kv-v2' || entry.options?.version === '2' ? 2 : 1;
  return { type, kvVersion };
}

function trimSlash(p: string): string {
  return p.replace(/\/+$/, '');
}

/** Sends with the session; a request that never got an answer becomes a clear GET_SECRET_FAILED. */
async function sendMapped(session: VaultSession, settings: VaultSettings, req: Parameters<VaultSession['send']>[0], log: Logger, rawPath: string): Promise<VaultResponse> {
  try {
    return await session.send(req, log);
  } catch (err) {
    if (err instanceof VaultNetworkError) throw markTransient(getSecretFailed(networkFailureMessage(err, settings), { path: rawPath }));
    throw err;
  }
}

/** A value as a connection field holds it: text. */
export function valueAsText(data: SecretData, loc: SecretLocation, rawPath: string): string {
  if (!Object.prototype.hasOwnProperty.call(data, loc.key)) {
    const keys = Object.keys(data);
    const listed = keys.length > 20 ? `${keys.slice(0, 20).join(', ')}, …` : keys.join(', ');
    throw getSecretFailed(`Secret "${secretName(loc)}" has no key "${loc.key}". Keys in it: ${listed || '(none)'}.`, { path: rawPath });
  }
  const value = data[loc.key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) {
    throw getSecretFailed(`Key "${loc.key}" of secret "${secretName(loc)}" is null; store a value in it.`, { path: rawPath });
  }
  return JSON.stringify(value);
}

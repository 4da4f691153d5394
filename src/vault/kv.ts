import type { VaultSettings } from '../config/settings';
import { getSecretFailed } from '../activepieces/errors';
import type { Logger } from '../logger';
import { SecretLocation, readRequestPath } from './kv-path';
import type { VaultResponse } from './client';
import { isWrappedOnly, readFailed, secretName, versionMetadataOf } from './messages';
import { answeredOr } from './network-failure';
import type { VaultSession } from './session';
import { MAX_VALUE_DEPTH, nestsAtMost } from './value-shape';

/** The key/value pairs of one KV secret. */
export type SecretData = Readonly<Record<string, unknown>>;

export type ReadOutcome =
  | { kind: 'found'; data: SecretData }
  /** Vault's answer may mean the mount is not the engine version we assumed. */
  | { kind: 'engine-mismatch'; response: VaultResponse };

/** `GET <mount>/data/<path>` (KV v2, docs/vault-behaviour.md §5.1) or `GET <mount>/<path>` (KV v1, docs/vault-behaviour.md §6). */
export async function readSecret(session: VaultSession, settings: VaultSettings, loc: SecretLocation, rawPath: string, log: Logger): Promise<ReadOutcome> {
  const res = await answeredOr(
    () => session.send({ method: 'GET', path: readRequestPath(loc), namespace: settings.namespace }, log),
    settings,
    (m) => getSecretFailed(m, { path: rawPath }),
  );
  return readOutcomeOf(res, settings, loc, rawPath);
}

/**
 * What a read's answer means for a location. Also used to re-read an answer under another
 * location when discovery shows the same request meant something else (KV v1 at `mount/data/...`).
 */
export function readOutcomeOf(res: VaultResponse, settings: VaultSettings, loc: SecretLocation, rawPath: string): ReadOutcome {
  if (res.status === 200) {
    // A control group's wrapping token is not a sign of another engine: no discovery (docs/vault-behaviour.md §14.6).
    if (isWrappedOnly(res)) throw readFailed(res, settings, loc, rawPath);
    const data = loc.kvVersion === 2 ? v2Data(res) : (res.body?.data ?? undefined);
    if (data && typeof data === 'object' && !Array.isArray(data)) return { kind: 'found', data: checkedShape(data as SecretData, loc, rawPath) };
    return { kind: 'engine-mismatch', response: res };
  }
  if (res.status === 404 && isPlainNotFound(res)) return { kind: 'engine-mismatch', response: res };
  throw readFailed(res, settings, loc, rawPath);
}

/** Refused here, before anything caches it: a value no walk over it survives. */
function checkedShape(data: SecretData, loc: SecretLocation, rawPath: string): SecretData {
  if (nestsAtMost(data)) return data;
  throw getSecretFailed(`Secret "${secretName(loc)}" nests deeper than ${MAX_VALUE_DEPTH} levels, which no connection value needs; it was not read. Store a flatter value.`, { path: rawPath });
}

/** KV v2 nests the secret under `data.data` beside `data.metadata`; anything else is not a v2 read. */
function v2Data(res: VaultResponse): unknown {
  const data = res.body?.data as { data?: unknown; metadata?: unknown } | null | undefined;
  return data && typeof data === 'object' && typeof data.metadata === 'object' ? data.data : undefined;
}

/**
 * 404 `{"errors":[]}` (no such secret, docs/vault-behaviour.md §5.1/§6) or the KV v2 "Invalid path"
 * warning (read without data/). Not the envelope of a deleted or destroyed version: that is
 * KV v2's own answer (§14.10), and costs no discovery.
 */
function isPlainNotFound(res: VaultResponse): boolean {
  const version = versionMetadataOf(res);
  return !(version?.destroyed || version?.deletionTime) && res.errors.length === 0;
}

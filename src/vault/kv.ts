import type { VaultSettings } from '../config/settings';
import { getSecretFailed } from '../activepieces/errors';
import type { Logger } from '../logger';
import { SecretLocation, readRequestPath } from './kv-path';
import type { VaultResponse } from './client';
import { readFailed } from './messages';
import { answeredOr } from './network-failure';
import type { VaultSession } from './session';

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

/** 404 `{"errors":[]}` (no such secret, docs/vault-behaviour.md §5.1/§6) or the KV v2 "Invalid path" warning (read without data/). */
function isPlainNotFound(res: VaultResponse): boolean {
  const deleted = (res.body?.data as { metadata?: { deletion_time?: string } } | null | undefined)?.metadata?.deletion_time;
  return !deleted && (res.body?.errors?.length ?? 0) === 0;
}

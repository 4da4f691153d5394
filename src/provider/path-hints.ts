import { getSecretFailed } from '../activepieces/errors';
import type { ActivepiecesError } from '../activepieces/shared';
import type { Logger } from '../logger';
import type { SecretData } from '../vault/kv';
import { canonicalPathOf, readRequestPath, SecretLocation } from '../vault/kv-path';
import { secretName } from '../vault/messages';
import type { Connection } from './connection';

/**
 * The commonest mistake: a path that names a secret but no key, as `vault kv get` prints it
 * ("secret/data/crm"). Read as mount/data/<secret>/<key>, its last segment becomes the key of a
 * secret that does not exist, and the answer is a 404. The secret the author meant is the whole
 * path: `<mount>/data/<path with its last segment>`; reading that once, only after a 404, tells
 * whether it exists and which keys it has. Only key names are shown, never a value.
 */

/** Where the secret would be if the last segment named it instead of a key. */
export function secretWithoutKeyLocation(loc: SecretLocation): SecretLocation {
  // "secret/data/crm" on a v2 mount was taken as secret "data", key "crm": the author wrote data/ and meant secret "crm".
  const wroteDataSegment = loc.kvVersion === 2 && !loc.canonical && loc.secretPath === 'data';
  const secretPath = wroteDataSegment ? loc.key : `${loc.secretPath}/${loc.key}`;
  return { ...loc, secretPath, key: '', canonical: true };
}

/** One GET of that secret; its keys when it exists and holds some, else undefined (any other answer changes nothing). */
export async function keysOfSecretWithoutKey(connection: Connection, loc: SecretLocation, log: Logger): Promise<{ location: SecretLocation; keys: string[] } | undefined> {
  const location = secretWithoutKeyLocation(loc);
  try {
    const res = await connection.session.send({ method: 'GET', path: readRequestPath(location), namespace: connection.settings.namespace }, log);
    if (res.status !== 200) return undefined;
    const data = location.kvVersion === 2 ? (res.body?.data as { data?: unknown } | null | undefined)?.data : res.body?.data;
    if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
    const keys = Object.keys(data as SecretData);
    return keys.length > 0 ? { location, keys } : undefined;
  } catch {
    // The probe is only a better message: no answer, or a failed login, leaves the original one.
    return undefined;
  }
}

const MAX_KEYS_LISTED = 20;

/** `"secret/data/crm" names a secret, not a key in it …: write secret/data/crm/api_key. Keys in it: api_key, subdomain.` */
export function secretWithoutKeyFailed(rawPath: string, found: { location: SecretLocation; keys: string[] }): ActivepiecesError {
  const keys = [...found.keys].sort().map(printableKey);
  const listed = keys.length > MAX_KEYS_LISTED ? `${keys.slice(0, MAX_KEYS_LISTED).join(', ')}, … (${keys.length} keys)` : keys.join(', ');
  const corrected = canonicalPathOf({ ...found.location, key: keys[0] });
  const message = `"${rawPath}" names the secret ${secretName(found.location)}, not a key in it: add the key at the end, e.g. ${corrected}. Keys in it: ${listed}.`;
  return getSecretFailed(message, { path: rawPath });
}

/** Key names are the author's, but may hold anything: no control characters, at most 64 characters. */
function printableKey(key: string): string {
  // eslint-disable-next-line no-control-regex
  const text = key.replace(/[\u0000-\u001f\u007f]/g, '?');
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

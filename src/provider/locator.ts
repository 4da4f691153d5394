import { getSecretFailed } from '../activepieces/errors';
import type { Logger } from '../logger';
import type { SecretData } from '../vault/kv';
import { readOutcomeOf, readSecret } from '../vault/kv';
import { locateByConvention, locateInMounts, readRequestPath, SecretLocation, SecretPath } from '../vault/kv-path';
import { policyLine, readFailed } from '../vault/messages';
import { discoverMounts } from '../vault/mounts';
import type { VaultResponse } from '../vault/client';
import { Connection, LocatedPath, MAX_LOCATED_PATHS } from './connection';
import { keysOfSecretWithoutKey, secretWithoutKeyFailed } from './path-hints';

/**
 * Where a path's value lives, and reading it there: a canonical KV v2 path needs no request;
 * others need the mounts, discovered once per connection. When a read's answer shows the mount
 * is not the engine the path assumed, the mounts are discovered and the secret read again once.
 */
export class Locator {
  constructor(private readonly cacheKeyOf: (connection: Connection, location: SecretLocation) => string) {}

  async locate(connection: Connection, parsed: SecretPath, log: Logger): Promise<LocatedPath> {
    let location = connection.mounts ? locateInMounts(parsed, connection.mounts.table) : null;
    if (!location && !connection.mounts?.complete) location = locateByConvention(parsed);
    if (!location) {
      await discover(connection, parsed, log);
      location = connection.mounts ? locateInMounts(parsed, connection.mounts.table) : null;
    }
    if (!location) throw noMountFor(connection, parsed);
    return this.remember(connection, parsed.raw, location);
  }

  /** Reads a secret at its location, re-located once when the engine was not the one assumed. */
  async read(connection: Connection, location: SecretLocation, parsed: SecretPath, log: Logger): Promise<SecretData> {
    const { session, settings } = connection;
    const first = await readSecret(session, settings, location, parsed.raw, log);
    if (first.kind === 'found') return first.data;
    if (!connection.mounts?.complete) {
      await discover(connection, parsed, log);
      const better = connection.mounts ? locateInMounts(parsed, connection.mounts.table) : null;
      if (better && secretAddressOf(better) !== secretAddressOf(location)) {
        this.remember(connection, parsed.raw, better);
        // Same URL under another engine (KV v1 with a secret under data/): the answer is already here.
        const second = readRequestPath(better) === readRequestPath(location)
          ? readOutcomeOf(first.response, settings, better, parsed.raw)
          : await readSecret(session, settings, better, parsed.raw, log);
        if (second.kind === 'found') return second.data;
        throw await notFoundFailure(connection, second.response, better, parsed, log);
      }
    }
    throw await notFoundFailure(connection, first.response, location, parsed, log);
  }

  private remember(connection: Connection, raw: string, location: SecretLocation): LocatedPath {
    const entry = { location, cacheKey: this.cacheKeyOf(connection, location) };
    if (connection.located.size >= MAX_LOCATED_PATHS) connection.located.clear();
    connection.located.set(raw, entry);
    return entry;
  }
}

/**
 * The failure of a read that found nothing. A 404 may be a path that names a secret but no key
 * (src/provider/path-hints.ts): one more read, on this failure path only, says so with its keys.
 */
async function notFoundFailure(connection: Connection, response: VaultResponse, location: SecretLocation, parsed: SecretPath, log: Logger): Promise<Error> {
  if (response.status === 404) {
    const found = await keysOfSecretWithoutKey(connection, location, log);
    if (found) return secretWithoutKeyFailed(parsed.raw, found);
  }
  return readFailed(response, connection.settings, location, parsed.raw);
}

/** Identifies the secret (not the key): every key of one secret shares one cache entry and one read. */
export function secretAddressOf(l: SecretLocation): string {
  return `${l.kvVersion}\u0000${l.mount}\u0000${l.secretPath}\u0000${l.version ?? ''}`;
}

/** One discovery at a time per connection; the result is remembered until invalidate. */
async function discover(connection: Connection, parsed: SecretPath, log: Logger): Promise<void> {
  if (connection.mounts?.complete) return;
  connection.discovering ??= discoverMounts(connection.session, connection.settings, parsed, log)
    .then((found) => {
      if (!found) return;
      const table = found.complete ? found.table : new Map([...(connection.mounts?.table ?? []), ...found.table]);
      connection.mounts = { table, complete: found.complete };
    })
    .finally(() => (connection.discovering = undefined));
  await connection.discovering;
}

function noMountFor(connection: Connection, parsed: SecretPath): Error {
  if (!connection.mounts) return getSecretFailed(undiscoverableMessage(connection, parsed), { path: parsed.raw });
  const kv = [...connection.mounts.table].filter(([, m]) => m.kvVersion).map(([p, m]) => `${p}/ (v${m.kvVersion})`);
  const known = kv.length ? ` KV mounts visible to this connection: ${kv.join(', ')}.` : '';
  return getSecretFailed(`No KV secrets engine is mounted at the start of "${parsed.raw}".${known}`, { path: parsed.raw });
}

/**
 * Neither sys/mounts nor sys/internal/ui/mounts answered, so only the /data/ convention is left,
 * and this path does not follow it: say the path it would have (if the first segment is a KV v2
 * mount, the commonest set-up) and the policy line that makes paths without data/ work.
 */
function undiscoverableMessage(connection: Connection, parsed: SecretPath): string {
  const [first, ...rest] = parsed.segments;
  const query = parsed.version === undefined ? '' : `?version=${parsed.version}`;
  const guess = `${first}/data/${rest.join('/')}${query}`;
  const probe = parsed.segments.slice(0, -1).join('/');
  return `Cannot tell which KV engine holds "${parsed.raw}": this connection may read neither sys/mounts nor sys/internal/ui/mounts/${probe} `
    + `(Vault refuses the latter when the token may read nothing under that path, or nothing is mounted there), so only <mount>/data/<path>/<key> paths can be read. `
    + `If "${first}/" is a KV v2 mount, write ${guess}. To read paths without data/, ${uncapitalise(policyLine(connection.settings, 'sys/mounts', 'read'))}`;
}

function uncapitalise(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

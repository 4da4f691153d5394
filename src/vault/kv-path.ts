import { validationFailed } from '../activepieces/errors';

/**
 * The grammar of what a piece author writes after the key icon:
 *
 *   <mount>/data/<secret path>/<key>[?version=N]   KV v2 (canonical)
 *   <mount>/<secret path>/<key>[?version=N]        KV v2 without `data/` (read as above), or KV v1
 *
 * `<mount>` may have several segments (`teams/payments/kv`). Everything is checked before any
 * request, and every segment is URI-encoded, so a reference can only ever address a secret
 * inside a KV mount.
 */
export interface SecretPath {
  /** What the author wrote, for messages. */
  readonly raw: string;
  readonly segments: readonly string[];
  /** A pinned KV v2 version, from `?version=N`. */
  readonly version?: number | undefined;
}

export type KvVersion = 1 | 2;

/** Where one value lives: the secret to read, and the key inside it. */
export interface SecretLocation {
  readonly mount: string;
  readonly kvVersion: KvVersion;
  readonly secretPath: string;
  readonly key: string;
  readonly version?: number | undefined;
  /** True when the author wrote the path the way Vault's API names it. */
  readonly canonical: boolean;
}

export interface MountInfo {
  readonly type: string;
  readonly kvVersion?: KvVersion | undefined;
}

/** Mounts known for a connection, keyed by path without trailing slash. */
export type MountTable = ReadonlyMap<string, MountInfo>;

const MAX_PATH_LENGTH = 1024;
const MAX_SEGMENT_LENGTH = 255;
const MAX_SEGMENTS = 64;
const MAX_VERSION = 2 ** 31 - 1;
/** Vault reserves these as mount paths; none can be a KV engine, so none may be addressed. */
const RESERVED_MOUNTS = new Set(['sys', 'auth', 'identity', 'cubbyhole']);
// Control characters, whitespace, and characters with a meaning in a URL or in Vault's router.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f\s#%\\]/;

export function parseSecretPath(input: string): SecretPath {
  const fail = (why: string): never => {
    throw validationFailed(`Invalid secret path "${printable(input)}": ${why} Expected mount/data/path/to/secret/key, e.g. secret/data/mysec/api_key.`);
  };
  if (typeof input !== 'string' || input.length === 0) fail('it is empty.');
  if (input.length > MAX_PATH_LENGTH) fail(`it is longer than ${MAX_PATH_LENGTH} characters.`);
  if (FORBIDDEN.test(input)) fail('it contains whitespace, a control character, "#", "%" or "\\".');

  const [pathPart, query, extra] = input.split('?');
  if (extra !== undefined) fail('it contains more than one "?".');
  const version = query === undefined ? undefined : parseVersionQuery(query, fail);

  if (pathPart.startsWith('/')) fail('it must not start with "/".');
  if (pathPart.endsWith('/')) fail('it must not end with "/" (the last segment is the key).');
  const segments = pathPart.split('/');
  if (segments.length > MAX_SEGMENTS) fail(`it has more than ${MAX_SEGMENTS} segments.`);
  for (const s of segments) {
    if (s === '') fail('it contains an empty segment ("//").');
    if (s === '.' || s === '..') fail('"." and ".." segments are not allowed.');
    if (s.length > MAX_SEGMENT_LENGTH) fail(`a segment is longer than ${MAX_SEGMENT_LENGTH} characters.`);
  }
  if (segments.length < 3) fail('it needs at least a mount, a secret and a key.');
  if (RESERVED_MOUNTS.has(segments[0])) fail(`"${segments[0]}/" is reserved by Vault and is not a KV mount.`);
  return { raw: input, segments, version };
}

function parseVersionQuery(query: string, fail: (why: string) => never): number {
  const match = /^version=([1-9][0-9]{0,9})$/.exec(query);
  if (!match) fail('the only query allowed is ?version=N with N a positive whole number.');
  const version = Number(match![1]);
  if (version > MAX_VERSION) fail('the version number is too large.');
  return version;
}

/**
 * Locates a path without knowing the mounts: only a canonical KV v2 path (`<mount>/data/...`)
 * can be read this way. Returns null when discovery is needed.
 */
export function locateByConvention(path: SecretPath): SecretLocation | null {
  const at = path.segments.indexOf('data');
  if (at < 1 || path.segments.length - at < 3) return null;
  // On Vault Enterprise a leading path segment may name a child namespace (docs/vault-behaviour.md §8): a guessed
  // mount "team/sys" would read "sys/data/..." in namespace "team". Only a listed mount may.
  if (path.segments.slice(1, at).some((s) => RESERVED_MOUNTS.has(s))) return null;
  return v2Location(path, path.segments.slice(0, at).join('/'), path.segments.slice(at + 1), true);
}

/** Locates a path in a known mount table (longest mount prefix wins). Null if no KV mount holds it. */
export function locateInMounts(path: SecretPath, mounts: MountTable): SecretLocation | null {
  const segs = path.segments;
  for (let end = segs.length - 2; end >= 1; end--) {
    const mount = segs.slice(0, end).join('/');
    const info = mounts.get(mount);
    if (!info) continue;
    if (info.kvVersion === undefined) {
      throw validationFailed(`"${mount}/" is a ${info.type} mount, not a KV secrets engine; references can only read KV secrets.`);
    }
    const rest = segs.slice(end);
    if (info.kvVersion === 1) return v1Location(path, mount, rest);
    const canonical = rest[0] === 'data' && rest.length >= 3;
    return v2Location(path, mount, canonical ? rest.slice(1) : rest, canonical);
  }
  return null;
}

function v2Location(path: SecretPath, mount: string, rest: readonly string[], canonical: boolean): SecretLocation {
  return {
    mount,
    kvVersion: 2,
    secretPath: rest.slice(0, -1).join('/'),
    key: rest[rest.length - 1],
    version: path.version,
    canonical,
  };
}

function v1Location(path: SecretPath, mount: string, rest: readonly string[]): SecretLocation {
  if (path.version !== undefined) {
    throw validationFailed(`"${mount}/" is a KV version 1 mount, which keeps no versions: remove "?version=${path.version}" from the path.`);
  }
  return { mount, kvVersion: 1, secretPath: rest.slice(0, -1).join('/'), key: rest[rest.length - 1], canonical: true };
}

/** The Vault API path (under `/v1/`) that reads the secret at a location; every segment encoded. */
export function readRequestPath(location: SecretLocation): string {
  const mount = encodeSegments(location.mount);
  const secret = encodeSegments(location.secretPath);
  if (location.kvVersion === 1) return `${mount}/${secret}`;
  const query = location.version === undefined ? '' : `?version=${location.version}`;
  return `${mount}/data/${secret}${query}`;
}

/** How the author should write a location (for "did you mean" messages). */
export function canonicalPathOf(location: SecretLocation): string {
  const middle = location.kvVersion === 2 ? `${location.mount}/data/` : `${location.mount}/`;
  const query = location.version === undefined ? '' : `?version=${location.version}`;
  return `${middle}${location.secretPath}/${location.key}${query}`;
}

export function encodeSegments(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** A path for an error message: at most 200 characters, control characters shown as "?". */
function printable(input: unknown): string {
  // eslint-disable-next-line no-control-regex
  const text = String(input).replace(/[\u0000-\u001f\u007f]/g, '?');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

import { validationFailed } from '../activepieces/errors';

/**
 * An ioredis 5 client (`new Redis(…)` from the `ioredis` package), typed by the one member this
 * file checks, so that the package's declarations compile without ioredis installed (it is an
 * optional peer dependency).
 */
export interface RedisClientLike {
  duplicate(...args: never[]): unknown;
}

/**
 * How the provider reaches the Redis that several replicas share (L2 cache, invalidation bus,
 * cluster lock). Give exactly one of `url` and `client`.
 */
export interface RedisOptions {
  /** `redis://` or `rediss://` URL; the link creates and owns its connections. */
  url?: string | undefined;
  /** A connection the host already has (e.g. Activepieces' own); used for commands, duplicated for pub/sub, never quit. */
  client?: RedisClientLike | undefined;
  /** Prepended to every key and channel (default `ap-vault:`), so one Redis can serve several tenants. */
  keyPrefix?: string | undefined;
  /** Secret every sealed value and keyed hash is derived from; at least 32 characters (Activepieces' AP_ENCRYPTION_KEY fits). */
  encryptionKey: string;
  /** Upper bound of every Redis call, frozen server included (default 250 ms). */
  commandTimeoutMs?: number | undefined;
  /** Upper bound of a TCP connect attempt (default 1000 ms). */
  connectTimeoutMs?: number | undefined;
}

/** RedisOptions checked, with defaults filled in. */
export interface ResolvedRedisOptions {
  readonly target: { readonly url: string } | { readonly client: RedisClientLike };
  readonly keyPrefix: string;
  readonly encryptionKey: string;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

export const DEFAULT_KEY_PREFIX = 'ap-vault:';
export const DEFAULT_COMMAND_TIMEOUT_MS = 250;
export const DEFAULT_CONNECT_TIMEOUT_MS = 1000;
export const MIN_ENCRYPTION_KEY_LENGTH = 32;
const MAX_TIMEOUT_MS = 60_000;
const MAX_KEY_PREFIX_LENGTH = 64;

/** Checks RedisOptions; every message names the option, never its value (a URL may carry a password). */
export function resolveRedisOptions(options: RedisOptions): ResolvedRedisOptions {
  if (typeof options !== 'object' || options === null) throw validationFailed('Redis options must be an object.');
  return {
    target: resolveTarget(options),
    keyPrefix: resolveKeyPrefix(options.keyPrefix),
    encryptionKey: resolveEncryptionKey(options.encryptionKey),
    commandTimeoutMs: resolveTimeout('commandTimeoutMs', options.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS),
    connectTimeoutMs: resolveTimeout('connectTimeoutMs', options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
  };
}

function resolveTarget(options: RedisOptions): ResolvedRedisOptions['target'] {
  const hasUrl = options.url !== undefined && options.url !== '';
  const hasClient = options.client !== undefined && options.client !== null;
  if (hasUrl === hasClient) throw validationFailed('Redis options need exactly one of "url" and "client".');
  if (hasClient) {
    if (typeof (options.client as Partial<RedisClientLike>).duplicate !== 'function') {
      throw validationFailed('Redis option "client" must be an ioredis Redis instance.');
    }
    return { client: options.client as RedisClientLike };
  }
  if (typeof options.url !== 'string' || !isRedisUrl(options.url)) {
    throw validationFailed('Redis option "url" must be a redis:// or rediss:// URL.');
  }
  return { url: options.url };
}

function isRedisUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'redis:' || protocol === 'rediss:';
  } catch {
    return false;
  }
}

function resolveKeyPrefix(prefix: string | undefined): string {
  if (prefix === undefined) return DEFAULT_KEY_PREFIX;
  if (typeof prefix !== 'string' || prefix.length > MAX_KEY_PREFIX_LENGTH || /[\s*?[\]]/.test(prefix)) {
    throw validationFailed(`Redis option "keyPrefix" must be a string of at most ${MAX_KEY_PREFIX_LENGTH} characters without spaces or glob characters.`);
  }
  return prefix;
}

function resolveEncryptionKey(key: unknown): string {
  if (typeof key !== 'string' || key.length < MIN_ENCRYPTION_KEY_LENGTH) {
    throw validationFailed(`Redis option "encryptionKey" must be a string of at least ${MIN_ENCRYPTION_KEY_LENGTH} characters.`);
  }
  return key;
}

function resolveTimeout(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw validationFailed(`Redis option "${name}" must be a whole number of milliseconds between 1 and ${MAX_TIMEOUT_MS}.`);
  }
  return value;
}

import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { z } from 'zod';
import { HashicorpProviderConfigSchema } from './activepieces';
import { validationFailed } from './errors';

/**
 * The connection config exactly as Activepieces stores it (JSON, by these keys).
 * `url`, `namespace`, `roleId`, `secretId` are Activepieces' own HashiCorp schema; the rest are
 * our advanced options: absent or empty means the default.
 */
export interface HashicorpVaultConfig {
  url: string;
  namespace?: string;
  roleId: string;
  secretId: string;
  /** Where AppRole is enabled, without `auth/` (default `approle`). */
  appRoleMount?: string;
  /** Namespace to log in to, when the AppRole lives in a parent of `namespace` (`root` = root namespace). */
  authNamespace?: string;
  /** PEM of the CA that signed Vault's certificate (private PKI). */
  caCertificate?: string;
  /** Accept any TLS certificate. Off by default; logs a warning when on. */
  tlsSkipVerify?: boolean | string;
  requestTimeoutSeconds?: number | string;
  cacheTtlSeconds?: number | string;
}

export const DEFAULT_APPROLE_MOUNT = 'approle';
/** Long enough for a Vault under load, short enough that a flow run fails fast when it is down. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 10;
/** The built-in provider caches for 1 hour; we keep that as the default. */
export const DEFAULT_CACHE_TTL_SECONDS = 3600;
const MAX_REQUEST_TIMEOUT_SECONDS = 300;
const MAX_CACHE_TTL_SECONDS = 7 * 24 * 3600;

const emptyToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(emptyToUndefined, z.string().optional());
const optionalNumber = z.preprocess(emptyToUndefined, z.coerce.number().finite().optional());
const optionalBoolean = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : emptyToUndefined(v)),
  z.boolean().optional(),
);

export const HashicorpVaultConfigSchema = HashicorpProviderConfigSchema.extend({
  appRoleMount: optionalText,
  authNamespace: optionalText,
  caCertificate: optionalText,
  tlsSkipVerify: optionalBoolean,
  requestTimeoutSeconds: optionalNumber,
  cacheTtlSeconds: optionalNumber,
});

/** Role ID and Secret ID, kept in private fields so no serializer or inspector can print them. */
export class AppRoleCredentials {
  readonly #roleId: string;
  readonly #secretId: string;
  constructor(roleId: string, secretId: string) {
    this.#roleId = roleId;
    this.#secretId = secretId;
  }
  loginBody(): { role_id: string; secret_id: string } {
    return { role_id: this.#roleId, secret_id: this.#secretId };
  }
  digestInto(hash: ReturnType<typeof createHash>): void {
    hash.update(this.#roleId).update('\0').update(this.#secretId).update('\0');
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return 'AppRoleCredentials [redacted]';
  }
}

/** A connection config parsed, normalised and safe to log. */
export interface VaultSettings {
  /** Base URL without trailing slash, e.g. `https://vault.example.com:8200`. */
  readonly url: string;
  /** Namespace the secrets live in; `''` for the root namespace. */
  readonly namespace: string;
  /** Namespace the AppRole login happens in; `''` for the root namespace. */
  readonly authNamespace: string;
  readonly appRoleMount: string;
  readonly caCertificate?: string;
  readonly tlsSkipVerify: boolean;
  readonly requestTimeoutMs: number;
  readonly cacheTtlMs: number;
  readonly credentials: AppRoleCredentials;
  /** Changes whenever any field does, credentials included; part of every cache key. */
  readonly fingerprint: string;
}

export function parseVaultConfig(raw: unknown): VaultSettings {
  const parsed = HashicorpVaultConfigSchema.safeParse(raw);
  if (!parsed.success) {
    // Name the fields only: a zod issue can quote the input, and the input holds credentials.
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(config)'))];
    throw validationFailed(`Invalid HashiCorp Vault connection config: check ${fields.join(', ')}.`);
  }
  const c = parsed.data;
  // Vault trims both before use (notes §2.1): blank ones would only fail at login, less clearly.
  for (const [field, value] of [['roleId', c.roleId], ['secretId', c.secretId]] as const) {
    if (value.trim() === '') throw validationFailed(`Invalid HashiCorp Vault connection config: ${field} is blank.`);
  }
  const namespace = normaliseNamespace(c.namespace, 'namespace');
  const settings = {
    url: normaliseUrl(c.url),
    namespace,
    authNamespace: c.authNamespace === undefined ? namespace : normaliseNamespace(c.authNamespace, 'authNamespace'),
    appRoleMount: normaliseMount(c.appRoleMount),
    caCertificate: normaliseCa(c.caCertificate),
    tlsSkipVerify: c.tlsSkipVerify ?? false,
    requestTimeoutMs: 1000 * bounded(c.requestTimeoutSeconds, DEFAULT_REQUEST_TIMEOUT_SECONDS, 1, MAX_REQUEST_TIMEOUT_SECONDS, 'requestTimeoutSeconds'),
    cacheTtlMs: 1000 * bounded(c.cacheTtlSeconds, DEFAULT_CACHE_TTL_SECONDS, 0, MAX_CACHE_TTL_SECONDS, 'cacheTtlSeconds'),
    credentials: new AppRoleCredentials(c.roleId.trim(), c.secretId.trim()),
  };
  return Object.freeze({ ...settings, fingerprint: fingerprintOf(settings) });
}

/** What is safe to show of a config: everything but the credentials. */
export function describeSettings(s: VaultSettings): Record<string, unknown> {
  return {
    url: s.url,
    namespace: s.namespace || '(root)',
    authNamespace: s.authNamespace || '(root)',
    appRoleMount: s.appRoleMount,
    caCertificate: s.caCertificate ? '(custom CA)' : '(system CAs)',
    tlsSkipVerify: s.tlsSkipVerify,
    requestTimeoutSeconds: s.requestTimeoutMs / 1000,
    cacheTtlSeconds: s.cacheTtlMs / 1000,
  };
}

function normaliseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw validationFailed('The Vault URL is not a valid URL. Use the form https://vault.example.com:8200.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw validationFailed(`The Vault URL must start with http:// or https://, not ${url.protocol}//.`);
  }
  if (url.username || url.password) {
    throw validationFailed('The Vault URL must not contain a user name or password.');
  }
  if (url.search || url.hash) {
    throw validationFailed('The Vault URL must not contain a query (?) or fragment (#).');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const SAFE_SEGMENT = /^[A-Za-z0-9_.@-]+$/;

/** `''` is the root namespace; `root` and `/` name it explicitly (for `authNamespace`). */
function normaliseNamespace(input: string | undefined, field: string): string {
  const trimmed = (input ?? '').trim().replace(/^\/+|\/+$/g, '');
  if (trimmed === '' || trimmed === 'root') return '';
  assertSafeSegments(trimmed, field);
  return trimmed;
}

function normaliseMount(input: string | undefined): string {
  const trimmed = (input ?? DEFAULT_APPROLE_MOUNT).trim().replace(/^\/+|\/+$/g, '').replace(/^auth\//, '');
  assertSafeSegments(trimmed, 'appRoleMount');
  return trimmed;
}

function assertSafeSegments(value: string, field: string): void {
  const ok = value.split('/').every((s) => SAFE_SEGMENT.test(s) && s !== '.' && s !== '..');
  if (!ok) {
    throw validationFailed(`${field} "${value}" is not a valid Vault path: use letters, digits, "-", "_", "." and "/" between segments.`);
  }
}

function normaliseCa(input: string | undefined): string | undefined {
  if (input === undefined) return undefined;
  const pem = input.trim();
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw validationFailed('caCertificate must be a PEM certificate (-----BEGIN CERTIFICATE----- ...).');
  }
  return pem;
}

function bounded(value: number | undefined, fallback: number, min: number, max: number, field: string): number {
  if (value === undefined) return fallback;
  if (value < min || value > max) throw validationFailed(`${field} must be between ${min} and ${max}.`);
  return value;
}

function fingerprintOf(s: Omit<VaultSettings, 'fingerprint'>): string {
  const hash = createHash('sha256');
  for (const part of [s.url, s.namespace, s.authNamespace, s.appRoleMount, s.caCertificate ?? '', String(s.tlsSkipVerify)]) {
    hash.update(part).update('\0');
  }
  s.credentials.digestInto(hash);
  return hash.digest('hex').slice(0, 24);
}

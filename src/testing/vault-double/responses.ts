// Response building: the Vault JSON envelope, error bodies and Go-style encoding.
import { randomUUID } from 'node:crypto';

/** What a handler returns; server.ts turns it into an HTTP response. */
export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** a standby relayed this answer from the active node (docs/vault-behaviour.md §14.4) */
  forwarded?: boolean;
  /** no Content-Type header (a standby's 307 has no body, OB respondStandby) */
  omitContentType?: boolean;
}

/**
 * JSON the way Go's encoding/json writes it: HTML-sensitive characters escaped
 * (`<` ⇒ \u003c …) because Vault uses json.NewEncoder without SetEscapeHTML(false)
 * (docs/vault-behaviour.md §1: "Go's JSON encoder is used for normal and error bodies").
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Go maps marshal with sorted keys; Vault's `data` objects are Go maps. */
export function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortDeep((value as Record<string, unknown>)[key]);
  return out;
}

/** Go's multierror text, e.g. "1 error occurred:\n\t* permission denied\n\n" (docs/vault-behaviour.md §3.4, §7). */
export function multiError(messages: string[]): string {
  const head = messages.length === 1 ? '1 error occurred:' : `${messages.length} errors occurred:`;
  return `${head}\n${messages.map((m) => `\t* ${m}`).join('\n')}\n\n`;
}

/** docs/vault-behaviour.md §9: every error body is {"errors":[...]} (may be empty), Go encoder ⇒ trailing newline. */
export function errorReply(status: number, errors: string[], headers?: Record<string, string>): Reply {
  return { status, body: `${goJson({ errors })}\n`, headers };
}

export const badRequest = (message: string): Reply => errorReply(400, [message]);
/** docs/vault-behaviour.md §5.1/§6: nil read ⇒ 404 {"errors":[]} */
export const notFound = (): Reply => errorReply(404, []);
/** docs/vault-behaviour.md §3.4: no token at all ⇒ plain single error */
export const plainPermissionDenied = (): Reply => errorReply(403, ['permission denied']);
/** docs/vault-behaviour.md §3.4/§7: valid token, policy denies ⇒ multierror with one entry */
export const policyDenied = (): Reply => errorReply(403, [multiError(['permission denied'])]);
/** docs/vault-behaviour.md §3.4: revoked / expired / unknown token */
export const invalidToken = (): Reply => errorReply(403, [multiError(['permission denied', 'invalid token'])]);
/** docs/vault-behaviour.md §7: unsupported path inside a backend */
export const unsupportedPath = (): Reply => errorReply(404, [multiError(['unsupported path'])]);
/** docs/vault-behaviour.md §7: unsupported operation */
export const unsupportedOperation = (): Reply => errorReply(405, [multiError(['unsupported operation'])]);
/** docs/vault-behaviour.md §9 / §8 (OpenBao): sealed */
export const sealedReply = (): Reply => errorReply(503, ['Vault is sealed']);

/** docs/vault-behaviour.md §1/§2.2: the auth block, in Go struct field order (HTTPAuth). */
export interface AuthBlock {
  client_token: string;
  accessor: string;
  /** null only in an MFA challenge (a Go nil slice) */
  policies: string[] | null;
  token_policies: string[] | null;
  // identity_policies omitted: omitempty and the double has no identity policies (docs/vault-behaviour.md §1)
  metadata: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
  /** "default" only in an MFA challenge (logical.TokenTypeDefault.String()) */
  token_type: 'service' | 'batch' | 'default';
  orphan: boolean;
  mfa_requirement: MfaRequirement | null;
  num_uses: number;
}

/** docs/vault-behaviour.md §14.6: HV logical.MFARequirement as sent in a login MFA challenge. */
export interface MfaRequirement {
  mfa_request_id: string;
  mfa_constraints: Record<string, { any: Array<{ type: string; id: string; uses_passcode: boolean; name: string }> }>;
}

export interface EnvelopeParts {
  data?: unknown;
  auth?: AuthBlock | null;
  warnings?: string[] | null;
  leaseId?: string;
  leaseDuration?: number;
  renewable?: boolean;
  /** undefined ⇒ no mount_type key at all (forced-status bodies, docs/vault-behaviour.md §1) */
  mountType?: string;
}

/** docs/vault-behaviour.md §1: the HTTPResponse struct, keys in struct order; `data` is a Go map (sorted). */
export function envelope(parts: EnvelopeParts): Record<string, unknown> {
  const env: Record<string, unknown> = {
    request_id: randomUUID(),
    lease_id: parts.leaseId ?? '',
    renewable: parts.renewable ?? false,
    lease_duration: parts.leaseDuration ?? 0,
    data: parts.data === undefined ? null : sortDeep(parts.data),
    wrap_info: null,
    warnings: parts.warnings && parts.warnings.length > 0 ? parts.warnings : null,
    auth: parts.auth ? { ...parts.auth, metadata: sortDeep(parts.auth.metadata) } : null,
  };
  if (parts.mountType !== undefined) env.mount_type = parts.mountType; // docs/vault-behaviour.md §1: 1.15+ field
  return env;
}

/** 200 with the envelope, Go encoder (trailing newline). */
export function okReply(parts: EnvelopeParts): Reply {
  return { status: 200, body: `${goJson(envelope(parts))}\n` };
}

/**
 * docs/vault-behaviour.md §4.1: for /v1/sys/mounts, /v1/sys/auth, /v1/sys/policy (…) Vault also copies every
 * `data` key to the top level (HTTPSysInjector; the whole body is then a Go map ⇒ sorted).
 */
export function okReplyInjected(parts: EnvelopeParts): Reply {
  const env = envelope(parts);
  const data = (env.data ?? {}) as Record<string, unknown>;
  return { status: 200, body: `${goJson(sortDeep({ ...data, ...env }))}\n` };
}

/**
 * docs/vault-behaviour.md §1/§5.1: a plugin's RespondWithStatusCode body — the full envelope WITHOUT
 * mount_type, written verbatim (no trailing newline).
 */
export function forcedReply(status: number, parts: Omit<EnvelopeParts, 'mountType'>): Reply {
  return { status, body: goJson(envelope({ ...parts, mountType: undefined })) };
}

/** docs/vault-behaviour.md §1: empty successful result ⇒ 204, no body. */
export function noContent(): Reply {
  return { status: 204, body: '' };
}

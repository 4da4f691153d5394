// Mount tables (secret engines and auth methods) and the sys/mounts, sys/auth and
// sys/internal/ui/mounts endpoints (docs/vault-behaviour.md §4).
import { randomBytes, randomUUID } from 'node:crypto';
import { AppRoleBackend, LockoutConfig, parseLockoutConfig } from './approle';
import type { Backend } from './backend';
import { DurationError, parseDurationSeconds } from './durations';
import { KvV1Backend } from './kv-v1';
import { KvV2Backend } from './kv-v2';
import type { Namespace } from './namespaces';
import {
  Reply,
  badRequest,
  errorReply,
  noContent,
  okReply,
  okReplyInjected,
  plainPermissionDenied,
  unsupportedOperation,
} from './responses';
import type { DoubleState } from './state';
import { SYSTEM_DEFAULT_TTL, SYSTEM_MAX_TTL } from './tokens';
import type { RequestCtx } from './types';

const VAULT_BUILTIN_VERSION = 'v1.21.0+builtin.vault';
const KV_PLUGIN_VERSION = 'v0.24.0+builtin';

export interface MountConfig {
  defaultLeaseTtl: number; // 0 ⇒ system default
  maxLeaseTtl: number; // 0 ⇒ system max
  listingVisibility: string;
  passthroughRequestHeaders?: string[];
  userLockout: LockoutConfig;
}

export interface MountEntry {
  /** "secret/" for engines; "approle/" for auth methods (without "auth/") */
  path: string;
  type: string;
  description: string;
  accessor: string;
  uuid: string;
  options: Record<string, string> | null;
  local: boolean;
  sealWrap: boolean;
  config: MountConfig;
  runningPluginVersion: string;
  deprecationStatus?: string;
  isAuth: boolean;
  builtin: boolean;
  backend?: Backend;
}

function accessorFor(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

function defaultConfig(): MountConfig {
  return { defaultLeaseTtl: 0, maxLeaseTtl: 0, listingVisibility: '', userLockout: parseLockoutConfig(undefined, undefined) };
}

function builtinMount(path: string, type: string, description: string, extra: Partial<MountEntry>): MountEntry {
  return {
    path,
    type,
    description,
    accessor: accessorFor(type),
    uuid: randomUUID(),
    options: null,
    local: false,
    sealWrap: false,
    config: defaultConfig(),
    runningPluginVersion: VAULT_BUILTIN_VERSION,
    isAuth: false,
    builtin: true,
    ...extra,
  };
}

/** docs/vault-behaviour.md §4.1: a fresh (non-dev) server has only sys/, cubbyhole/ and identity/. */
export function builtinSecretMounts(): MountEntry[] {
  return [
    builtinMount('cubbyhole/', 'cubbyhole', 'per-token private secret storage', { local: true }),
    builtinMount('identity/', 'identity', 'identity store', {
      config: { ...defaultConfig(), passthroughRequestHeaders: ['Authorization'] },
    }),
    builtinMount('sys/', 'system', 'system endpoints used for control, policy and debugging', {
      sealWrap: true,
      config: { ...defaultConfig(), passthroughRequestHeaders: ['Accept'] },
    }),
  ];
}

/** The token auth method is always mounted at auth/token/. */
export function builtinAuthMounts(): MountEntry[] {
  return [builtinMount('token/', 'token', 'token based credentials', { isAuth: true, accessor: accessorFor('auth_token') })];
}

/** KV version from type/options (docs/vault-behaviour.md §4.1: null/""/"1" ⇒ v1). */
export function kvVersion(entry: MountEntry): 1 | 2 | undefined {
  if (entry.type !== 'kv' && entry.type !== 'generic') return undefined;
  return entry.options?.version === '2' ? 2 : 1;
}

export const effectiveDefaultTtl = (m: MountEntry): number => m.config.defaultLeaseTtl || SYSTEM_DEFAULT_TTL;
export const effectiveMaxTtl = (m: MountEntry): number => m.config.maxLeaseTtl || SYSTEM_MAX_TTL;

/** docs/vault-behaviour.md §4.1: per-mount fields (mountInfo). */
export function mountInfo(m: MountEntry): Record<string, unknown> {
  const config: Record<string, unknown> = {
    default_lease_ttl: m.config.defaultLeaseTtl,
    force_no_cache: false,
    max_lease_ttl: m.config.maxLeaseTtl,
  };
  if (m.config.listingVisibility) config.listing_visibility = m.config.listingVisibility;
  if (m.config.passthroughRequestHeaders) config.passthrough_request_headers = m.config.passthroughRequestHeaders;
  if (m.isAuth) config.token_type = 'default-service';
  const info: Record<string, unknown> = {
    accessor: m.accessor,
    config,
    description: m.description,
    external_entropy_access: false,
    local: m.local,
    options: m.options,
    plugin_version: '',
    running_plugin_version: m.runningPluginVersion,
    running_sha256: '',
    seal_wrap: m.sealWrap,
    type: m.type,
    uuid: m.uuid,
  };
  if (m.deprecationStatus) info.deprecation_status = m.deprecationStatus;
  return info;
}

/** Longest mount whose path prefixes `path` (or `path/`: "foo" means "foo/", like Vault's router). */
export function matchMount(table: Map<string, MountEntry>, path: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const candidate of [path, `${path}/`]) {
    for (const m of table.values()) if (candidate.startsWith(m.path) && (!best || m.path.length > best.path.length)) best = m;
    if (best) return best;
  }
  return undefined;
}

function normalizeMountPath(raw: string): string {
  return `${raw.replace(/^\/+|\/+$/g, '')}/`;
}

function parseMountConfig(raw: unknown, base: MountConfig): MountConfig | Reply {
  const c = (raw ?? {}) as Record<string, unknown>;
  try {
    const defaultLeaseTtl = c.default_lease_ttl !== undefined ? parseDurationSeconds(c.default_lease_ttl) : base.defaultLeaseTtl;
    const maxLeaseTtl = c.max_lease_ttl !== undefined ? parseDurationSeconds(c.max_lease_ttl) : base.maxLeaseTtl;
    const listingVisibility = c.listing_visibility !== undefined ? String(c.listing_visibility) : base.listingVisibility;
    const userLockout = parseLockoutConfig(c.user_lockout_config as Record<string, unknown> | undefined, base.userLockout);
    return { ...base, defaultLeaseTtl, maxLeaseTtl, listingVisibility, userLockout };
  } catch (err) {
    return badRequest((err as DurationError).message);
  }
}

function stringOptions(raw: unknown): Record<string, string> | null {
  if (!raw || typeof raw !== 'object') return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) out[k] = String(v);
  return out;
}

/** Mount paths may not overlap (HV: "path is already in use at …"; exact text not in the notes). */
function conflict(table: Map<string, MountEntry>, path: string): Reply | undefined {
  for (const existing of table.keys()) {
    if (path.startsWith(existing) || existing.startsWith(path)) return badRequest(`path is already in use at ${existing}`);
  }
  return undefined;
}

function enableSecretEngine(ns: Namespace, path: string, body: Record<string, unknown>): Reply {
  let type = String(body.type ?? '');
  let options = stringOptions(body.options);
  if (type === '') return badRequest('backend type must be specified as a string');
  if (type === 'kv-v2') [type, options] = ['kv', { ...(options ?? {}), version: '2' }];
  if (type !== 'kv' && type !== 'generic') return badRequest(`plugin not found in the catalog: ${type}`);
  if (path.startsWith('auth/')) return badRequest(`cannot mount under "auth/"`);
  const clash = conflict(ns.mounts, path);
  if (clash) return clash;
  const config = parseMountConfig(body.config, defaultConfig());
  if ('status' in config) return config;
  const entry: MountEntry = {
    ...builtinMount(path, type, String(body.description ?? ''), {}),
    accessor: accessorFor(type),
    options,
    local: body.local === true,
    sealWrap: body.seal_wrap === true,
    config,
    runningPluginVersion: KV_PLUGIN_VERSION,
    deprecationStatus: 'supported',
    builtin: false,
  };
  entry.backend = kvVersion(entry) === 2 ? new KvV2Backend() : new KvV1Backend();
  ns.mounts.set(path, entry);
  return noContent();
}

function enableAuthMethod(ns: Namespace, path: string, body: Record<string, unknown>): Reply {
  const type = String(body.type ?? '');
  if (type === '') return badRequest('backend type must be specified as a string');
  if (type === 'token') return badRequest('token credential backend cannot be instantiated');
  if (type !== 'approle') return badRequest(`plugin not found in the catalog: ${type}`);
  const clash = conflict(ns.authMounts, path);
  if (clash) return clash;
  const config = parseMountConfig(body.config, defaultConfig());
  if ('status' in config) return config;
  const entry: MountEntry = {
    ...builtinMount(path, type, String(body.description ?? ''), {}),
    accessor: accessorFor('auth_approle'),
    options: stringOptions(body.options),
    local: body.local === true,
    config,
    isAuth: true,
    builtin: false,
    deprecationStatus: 'supported',
    backend: new AppRoleBackend(),
  };
  ns.authMounts.set(path, entry);
  return noContent();
}

function tuneReply(m: MountEntry): Reply {
  return okReply({
    data: {
      default_lease_ttl: effectiveDefaultTtl(m),
      description: m.description,
      force_no_cache: false,
      max_lease_ttl: effectiveMaxTtl(m),
      options: m.options,
    },
    mountType: 'system',
  });
}

/** docs/vault-behaviour.md §4.1: the legacy top-level injection applies to the un-prefixed URL only. */
function listingReply(ctx: RequestCtx, data: Record<string, unknown>): Reply {
  const parts = { data, mountType: 'system' }; // docs/vault-behaviour.md §13.2: sys mount_type unconfirmed
  return ctx.rawPath.startsWith('/v1/sys/') ? okReplyInjected(parts) : okReply(parts);
}

/** sys/mounts[/<path>[/tune]] and sys/auth[/<path>[/tune]] */
export function handleMountTable(state: DoubleState, ctx: RequestCtx, sub: string, auth: boolean): Reply {
  const table = auth ? ctx.ns.authMounts : ctx.ns.mounts;
  if (sub === '') {
    if (ctx.op !== 'read') return unsupportedOperation();
    const data: Record<string, unknown> = {};
    for (const m of table.values()) data[m.path] = mountInfo(m);
    return listingReply(ctx, data);
  }
  const tune = sub.endsWith('/tune');
  const path = normalizeMountPath(tune ? sub.slice(0, -'/tune'.length) : sub);
  const existing = table.get(path);
  if (tune) return tuneMount(ctx, existing);
  switch (ctx.op) {
    case 'read':
      return existing ? listingReply(ctx, mountInfo(existing)) : badRequest(`No ${auth ? 'auth' : 'secret engine'} mount at ${path}`);
    case 'create':
    case 'update':
      return auth ? enableAuthMethod(ctx.ns, path, ctx.data) : enableSecretEngine(ctx.ns, path, ctx.data);
    case 'delete':
      return disableMount(state, ctx, table, existing);
    default:
      return unsupportedOperation();
  }
}

function tuneMount(ctx: RequestCtx, m: MountEntry | undefined): Reply {
  if (!m) return badRequest('cannot fetch mount entry');
  if (ctx.op === 'read') return tuneReply(m);
  if (ctx.op !== 'update' && ctx.op !== 'create') return unsupportedOperation();
  const config = parseMountConfig(ctx.data, m.config);
  if ('status' in config) return config;
  m.config = config;
  if (typeof ctx.data.description === 'string') m.description = ctx.data.description;
  return noContent();
}

function disableMount(state: DoubleState, ctx: RequestCtx, table: Map<string, MountEntry>, m: MountEntry | undefined): Reply {
  if (!m) return noContent();
  if (m.builtin) return badRequest(`cannot unmount "${m.path}"`);
  table.delete(m.path);
  if (m.isAuth) {
    // tokens issued through a disabled auth method are revoked with it
    state.tokens.revokeWhere((e) => e.nsPath === ctx.ns.path && e.path.startsWith(`auth/${m.path}`));
  }
  return noContent();
}

/** Vault's MatchingMountEntry: engines, or auth methods for "auth/…" paths. */
function matchingMountEntry(ns: Namespace, path: string): { entry: MountEntry; fullPath: string } | undefined {
  if (path.startsWith('auth/')) {
    const entry = matchMount(ns.authMounts, path.slice(5));
    return entry ? { entry, fullPath: `auth/${entry.path}` } : undefined;
  }
  const entry = matchMount(ns.mounts, path);
  return entry ? { entry, fullPath: entry.path } : undefined;
}

/**
 * docs/vault-behaviour.md §4.2: GET sys/internal/ui/mounts/<path>. Unauthenticated route; the handler checks
 * the token itself. Missing mount and no access are indistinguishable (preflight 403).
 */
export function handleInternalUiMount(state: DoubleState, ctx: RequestCtx, rawPath: string): Reply {
  if (ctx.op !== 'read') return unsupportedOperation();
  const path = normalizeMountPath(rawPath);
  const preflight = errorReply(403, [`preflight capability check returned 403, please ensure client's policies grant access to path "${path}"`]);
  const match = matchingMountEntry(ctx.ns, path);
  if (!match) return preflight; // checked before the token, deliberately (docs/vault-behaviour.md §4.2)
  const token = ctx.clientToken ? state.liveToken(ctx.clientToken) : undefined;
  // docs/vault-behaviour.md §4.2 "No token: 403"; the handler returns the token store's plain error
  if (!token) return plainPermissionDenied();
  if (!state.aclFor(token).hasMountAccess(ctx.ns.path + match.fullPath)) return preflight;
  // docs/vault-behaviour.md §1: mount_type "" on unauthenticated sys/internal/ui responses
  return okReply({ data: { ...mountInfo(match.entry), path: match.fullPath }, mountType: '' });
}

/** docs/vault-behaviour.md §4.2: GET sys/internal/ui/mounts — visible mounts only. */
export function handleInternalUiMounts(state: DoubleState, ctx: RequestCtx): Reply {
  if (ctx.op !== 'read') return unsupportedOperation();
  let acl = undefined as ReturnType<DoubleState['aclFor']> | undefined;
  if (ctx.clientToken) {
    const token = state.liveToken(ctx.clientToken);
    if (!token) return plainPermissionDenied();
    acl = state.aclFor(token);
  }
  const collect = (table: Map<string, MountEntry>, prefix: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const m of table.values()) {
      const visible = m.config.listingVisibility === 'unauth' || (acl?.hasMountAccess(ctx.ns.path + prefix + m.path) ?? false);
      if (!visible) continue;
      out[m.path] = acl ? mountInfo(m) : { description: m.description, options: m.options, type: m.type };
    }
    return out;
  };
  return okReply({ data: { auth: collect(ctx.ns.authMounts, 'auth/'), secret: collect(ctx.ns.mounts, '') }, mountType: '' });
}

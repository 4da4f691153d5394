// Token store and the auth/token/* endpoints (docs/vault-behaviour.md §3).
import { randomBytes } from 'node:crypto';
import type { BackendCall } from './backend';
import { DurationError, goDuration, parseDurationSeconds, rfc3339 } from './durations';
import {
  AuthBlock,
  Reply,
  badRequest,
  errorReply,
  noContent,
  okReply,
  unsupportedOperation,
  unsupportedPath,
} from './responses';
import type { Clock } from './types';

/** docs/vault-behaviour.md §2.2: system default (and max) lease TTL, 768h. */
export const SYSTEM_DEFAULT_TTL = 2764800;
export const SYSTEM_MAX_TTL = 2764800;

export interface TokenEntry {
  id: string;
  accessor: string;
  type: 'service' | 'batch';
  /** namespace the token belongs to ("" root, "ns1/") — docs/vault-behaviour.md §8 */
  nsPath: string;
  policies: string[];
  /** creation path, e.g. "auth/approle/login" (docs/vault-behaviour.md §2.2) */
  path: string;
  displayName: string;
  meta: Record<string, string> | null;
  creationMs: number;
  creationTtl: number;
  /** null ⇒ never expires (root token) */
  expireMs: number | null;
  explicitMaxTtl: number;
  /** effective max TTL measured from creation (seconds, 0 = none) — docs/vault-behaviour.md §3.2 */
  maxTtl: number;
  /** TTL used by renew without increment: backend TTL else mount default — docs/vault-behaviour.md §3.2 */
  renewTtl: number;
  period: number;
  renewable: boolean;
  /** remaining uses, null = unlimited (num_uses 0) */
  usesLeft: number | null;
  numUses: number;
  orphan: boolean;
  parent?: string;
  entityId: string;
  lastRenewalMs?: number;
  revoked: boolean;
  /** docs/vault-behaviour.md §2.5/§14.1: token_bound_cidrs, checked on every request made with the token */
  boundCidrs: string[];
}

export type TokenSpec = Omit<TokenEntry, 'id' | 'accessor' | 'revoked' | 'creationMs' | 'expireMs' | 'usesLeft' | 'boundCidrs'> & {
  nsId: string;
  ttl: number;
  boundCidrs?: string[];
};

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomBase62(n: number): string {
  const bytes = randomBytes(n);
  return [...bytes].map((b) => BASE62[b % 62]).join('');
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenEntry>();

  constructor(private readonly clock: Clock) {}

  /** Service tokens "hvs.", batch "hvb." (docs/vault-behaviour.md §2.2); namespaced tokens carry ".<ns id>". */
  create(spec: TokenSpec): TokenEntry {
    const prefix = spec.type === 'batch' ? 'hvb.' : 'hvs.';
    const suffix = spec.nsPath === '' ? '' : `.${spec.nsId}`;
    const now = this.clock();
    const { nsId: _nsId, ttl, ...rest } = spec;
    const entry: TokenEntry = {
      ...rest,
      id: prefix + randomBase62(spec.type === 'batch' ? 96 : 24) + suffix,
      // docs/vault-behaviour.md §2.2: batch tokens have no accessor
      accessor: spec.type === 'batch' ? '' : randomBase62(24) + suffix,
      creationMs: now,
      expireMs: ttl > 0 ? now + ttl * 1000 : null,
      usesLeft: spec.numUses > 0 ? spec.numUses : null,
      revoked: false,
      boundCidrs: spec.boundCidrs ?? [],
    };
    this.tokens.set(entry.id, entry);
    return entry;
  }

  /** docs/vault-behaviour.md §3.4: revoked, expired (by the injected clock), used up or unknown ⇒ undefined. */
  lookup(id: string): TokenEntry | undefined {
    const e = this.tokens.get(id);
    if (!e || e.revoked) return undefined;
    if (e.expireMs !== null && this.clock() >= e.expireMs) return undefined;
    if (e.usesLeft !== null && e.usesLeft <= 0) return undefined;
    return e;
  }

  /** Vault semantics of num_uses: every authenticated use decrements; dead after the last. */
  use(e: TokenEntry): void {
    if (e.usesLeft !== null) e.usesLeft -= 1;
  }

  /** Revoke a token and its children (docs/vault-behaviour.md §3.3). */
  revoke(e: TokenEntry): void {
    e.revoked = true;
    for (const child of this.tokens.values()) if (child.parent === e.id && !child.revoked) this.revoke(child);
  }

  /** Every token ever issued, revoked and expired ones included (for leak checks). */
  all(): TokenEntry[] {
    return [...this.tokens.values()];
  }

  revokeWhere(predicate: (e: TokenEntry) => boolean): void {
    for (const e of this.tokens.values()) if (predicate(e)) this.revoke(e);
  }
}

/** TTL calculation (docs/vault-behaviour.md §2.2, §3.2; OB CalculateTTL) with the capping warning. */
export function calculateTtl(opts: {
  increment: number;
  backendTtl: number;
  mountDefault: number;
  /** absolute cap (ms) or null */
  maxValidMs: number | null;
  nowMs: number;
}): { ttl: number; warnings: string[] } {
  let ttl = opts.increment > 0 ? opts.increment : opts.backendTtl > 0 ? opts.backendTtl : opts.mountDefault;
  const warnings: string[] = [];
  if (opts.maxValidMs !== null) {
    const maxTtl = Math.max(0, Math.floor((opts.maxValidMs - opts.nowMs) / 1000));
    if (ttl > maxTtl) {
      warnings.push(`TTL of "${goDuration(ttl)}" exceeded the effective max_ttl of "${goDuration(maxTtl)}"; TTL value is capped accordingly`);
      ttl = maxTtl;
    }
  }
  return { ttl, warnings };
}

/** Vault's policyutil.SanitizePolicies: trim, lowercase, dedupe, sort; root alone; add default. */
export function sanitizePolicies(policies: string[], addDefault: boolean): string[] {
  const set = new Set(policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''));
  if (set.has('root')) return ['root'];
  if (addDefault) set.add('default');
  return [...set].sort();
}

/** Array or comma-separated string (Vault's TypeCommaStringSlice). */
export function stringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String).map((s) => s.trim()).filter((s) => s !== '');
  return String(value).split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** docs/vault-behaviour.md §1/§2.2: the auth block of login / renew / create responses. */
export function authBlock(e: TokenEntry, leaseDuration: number): AuthBlock {
  return {
    client_token: e.id,
    accessor: e.accessor,
    policies: [...e.policies].sort(), // token + identity policies (none here), sorted
    token_policies: [...e.policies].sort(),
    metadata: e.meta,
    lease_duration: leaseDuration,
    renewable: e.renewable,
    entity_id: e.entityId,
    token_type: e.type,
    orphan: e.orphan,
    mfa_requirement: null,
    num_uses: e.numUses,
  };
}

/** docs/vault-behaviour.md §3.1: lookup-self `data`. */
export function lookupData(e: TokenEntry, nowMs: number): Record<string, unknown> {
  const data: Record<string, unknown> = {
    accessor: e.accessor,
    creation_time: Math.floor(e.creationMs / 1000),
    creation_ttl: e.creationTtl,
    display_name: e.displayName,
    entity_id: e.entityId,
    expire_time: e.expireMs === null ? null : rfc3339(e.expireMs),
    explicit_max_ttl: e.explicitMaxTtl,
    id: e.id,
    issue_time: rfc3339(e.creationMs),
    meta: e.meta,
    num_uses: e.usesLeft ?? 0,
    orphan: e.orphan,
    path: e.path,
    policies: [...e.policies].sort(),
    renewable: e.renewable,
    // docs/vault-behaviour.md §3.1: root token (no lease) ⇒ ttl 0, expire_time null
    ttl: e.expireMs === null ? 0 : Math.max(0, Math.floor((e.expireMs - nowMs) / 1000)),
    type: e.type,
  };
  if (e.nsPath !== '') data.namespace_path = e.nsPath; // docs/vault-behaviour.md §3.1/§8
  if (e.lastRenewalMs !== undefined) {
    data.last_renewal = rfc3339(e.lastRenewalMs);
    data.last_renewal_time = Math.floor(e.lastRenewalMs / 1000);
  }
  if (e.period > 0) data.period = e.period;
  if (e.boundCidrs.length > 0) data.bound_cidrs = e.boundCidrs; // docs/vault-behaviour.md §3.1: optional key
  return data;
}

/** auth/token/<sub> */
export function handleTokenBackend(call: BackendCall): Reply {
  const { ctx, sub } = call;
  const writes = ctx.op === 'update' || ctx.op === 'create';
  switch (sub) {
    case 'lookup-self': // docs/vault-behaviour.md §3.1: GET or POST
      return ctx.op === 'read' || writes ? okReply({ data: lookupData(ctx.token!, call.state.clock()), mountType: 'token' }) : unsupportedOperation();
    case 'renew-self':
      return writes ? renewSelf(call) : unsupportedOperation();
    case 'revoke-self':
      return writes ? revokeSelf(call) : unsupportedOperation();
    case 'create':
    case 'create-orphan':
      return writes ? createToken(call, sub === 'create-orphan') : unsupportedOperation();
    case 'revoke':
      return writes ? revokeOther(call) : unsupportedOperation();
    case 'lookup':
      return ctx.op === 'read' || writes ? lookupOther(call) : unsupportedOperation();
    default:
      return unsupportedPath();
  }
}

function renewSelf(call: BackendCall): Reply {
  const e = call.ctx.token!;
  // docs/vault-behaviour.md §3.2: batch ⇒ 400; non-renewable (incl. root without TTL) ⇒ 400
  if (e.type === 'batch') return badRequest('batch tokens cannot be renewed');
  // docs/vault-behaviour.md §14.8 (HV ExpirationManager.RenewToken): a token without a lease (root) has no lease entry
  if (e.expireMs === null) return badRequest('invalid lease ID');
  if (!e.renewable) return badRequest('lease is not renewable');
  let increment: number;
  try {
    increment = parseDurationSeconds(call.ctx.data.increment);
  } catch (err) {
    return badRequest((err as DurationError).message);
  }
  const now = call.state.clock();
  const maxValidMs = e.maxTtl > 0 ? e.creationMs + e.maxTtl * 1000 : null; // docs/vault-behaviour.md §3.2: max from issue time
  // docs/vault-behaviour.md §14.8: Vault's 500 `past the max TTL, cannot renew` needs a live token at or past its max; here
  // expiry never exceeds max (login, create and renew all cap it), so such a token is already dead (§14.1).
  const { ttl, warnings } = calculateTtl({
    increment: e.period > 0 ? e.period : increment,
    backendTtl: e.renewTtl,
    mountDefault: SYSTEM_DEFAULT_TTL,
    maxValidMs,
    nowMs: now,
  });
  e.expireMs = now + ttl * 1000;
  e.lastRenewalMs = now;
  return okReply({ auth: authBlock(e, ttl), warnings, mountType: 'token' });
}

function revokeSelf(call: BackendCall): Reply {
  const e = call.ctx.token!;
  if (e.type === 'batch') return badRequest('batch tokens cannot be revoked'); // docs/vault-behaviour.md §3.3
  call.state.tokens.revoke(e);
  return noContent(); // docs/vault-behaviour.md §3.3: 204
}

function revokeOther(call: BackendCall): Reply {
  const target = call.state.tokens.lookup(String(call.ctx.data.token ?? '').trim());
  if (!target) return noContent();
  if (target.type === 'batch') return badRequest('batch tokens cannot be revoked');
  call.state.tokens.revoke(target);
  return noContent();
}

function lookupOther(call: BackendCall): Reply {
  const target = call.state.tokens.lookup(String(call.ctx.data.token ?? '').trim());
  // not in the notes: HV token_store answers "bad token" with permission denied
  if (!target) return errorReply(403, ['bad token']);
  return okReply({ data: lookupData(target, call.state.clock()), mountType: 'token' });
}

interface CreateParams {
  policies: string[];
  ttl: number;
  explicitMaxTtl: number;
  period: number;
  numUses: number;
  type: 'service' | 'batch';
}

function parseCreateParams(data: Record<string, unknown>, parentPolicies: string[]): CreateParams | Reply {
  const requested = stringList(data.policies);
  const noDefault = data.no_default_policy === true || data.no_default_policy === 'true';
  const type = String(data.type ?? 'service');
  if (type !== 'service' && type !== 'batch') return badRequest(`invalid 'type' value "${type}"`);
  const numUses = Number(data.num_uses ?? 0);
  if (!Number.isInteger(numUses) || numUses < 0) return badRequest('number of uses cannot be negative');
  try {
    return {
      policies: sanitizePolicies(requested.length > 0 ? requested : parentPolicies, !noDefault),
      ttl: parseDurationSeconds(data.ttl),
      explicitMaxTtl: parseDurationSeconds(data.explicit_max_ttl),
      period: parseDurationSeconds(data.period),
      numUses,
      type,
    };
  } catch (err) {
    return badRequest((err as DurationError).message);
  }
}

/** auth/token/create: tokens with chosen policies (not in the notes; HV token API). */
function createToken(call: BackendCall, orphanPath: boolean): Reply {
  const { ctx, state } = call;
  const parent = ctx.token!;
  const parsed = parseCreateParams(ctx.data, parent.policies);
  if ('status' in parsed) return parsed;
  const parentIsRoot = parent.policies.includes('root');
  const withoutDefault = parsed.policies.filter((p) => p !== 'default');
  if (!parentIsRoot && !withoutDefault.every((p) => parent.policies.includes(p))) {
    return badRequest('child policies must be subset of parent');
  }
  const isRootToken = parsed.policies.includes('root');
  let ttl = parsed.period > 0 ? parsed.period : parsed.ttl;
  if (ttl === 0 && !isRootToken) ttl = SYSTEM_DEFAULT_TTL; // root tokens may have no TTL
  const maxTtl = parsed.explicitMaxTtl > 0 ? Math.min(parsed.explicitMaxTtl, SYSTEM_MAX_TTL) : isRootToken ? 0 : SYSTEM_MAX_TTL;
  const warnings: string[] = [];
  if (maxTtl > 0 && ttl > maxTtl) {
    warnings.push(`TTL of "${goDuration(ttl)}" exceeded the effective max_ttl of "${goDuration(maxTtl)}"; TTL value is capped accordingly`);
    ttl = maxTtl;
  }
  const orphan = orphanPath || truthy(ctx.data.no_parent);
  const displayName = ctx.data.display_name ? `token-${String(ctx.data.display_name)}` : 'token';
  const e = state.tokens.create({
    type: parsed.type,
    nsPath: ctx.ns.path,
    nsId: ctx.ns.id,
    policies: parsed.policies,
    path: `auth/token/${orphanPath ? 'create-orphan' : 'create'}`,
    displayName,
    meta: (ctx.data.meta as Record<string, string> | undefined) ?? null,
    creationTtl: ttl,
    ttl,
    explicitMaxTtl: parsed.explicitMaxTtl,
    maxTtl,
    renewTtl: ttl,
    period: parsed.period,
    renewable: parsed.type === 'service' && ctx.data.renewable !== false && ctx.data.renewable !== 'false',
    numUses: parsed.numUses,
    orphan,
    parent: orphan ? undefined : parent.id,
    entityId: '',
  });
  return okReply({ auth: authBlock(e, ttl), warnings, mountType: 'token' });
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true';
}

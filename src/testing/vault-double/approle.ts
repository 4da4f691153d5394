// AppRole auth method: roles, role/secret IDs, login with user lockout (docs/vault-behaviour.md §2).
import { randomUUID } from 'node:crypto';
import type { Backend, BackendCall } from './backend';
import { ipInCidrs } from './cidr';
import { DurationError, parseDurationSeconds, rfc3339 } from './durations';
import { effectiveDefaultTtl, effectiveMaxTtl } from './mounts';
import {
  Reply,
  badRequest,
  errorReply,
  noContent,
  notFound,
  okReply,
  plainPermissionDenied,
  unsupportedOperation,
  unsupportedPath,
} from './responses';
import { loginMfaChallenge } from './login-mfa';
import type { DoubleState } from './state';
import { authBlock, calculateTtl, sanitizePolicies, stringList } from './tokens';
import type { RequestCtx } from './types';

/** docs/vault-behaviour.md §14.2: what a login saw on arrival — its limited-use Secret ID was still there. */
interface LoginArrival {
  liveLimitedSecretId: string;
}

/** docs/vault-behaviour.md §2.4: lockout defaults 5 failures / 15 min lock / 15 min counter reset. */
export interface LockoutConfig {
  disabled: boolean;
  threshold: number;
  durationS: number;
  counterResetS: number;
}

export function parseLockoutConfig(raw: Record<string, unknown> | undefined, base: LockoutConfig | undefined): LockoutConfig {
  const b = base ?? { disabled: false, threshold: 5, durationS: 900, counterResetS: 900 };
  if (!raw) return b;
  return {
    disabled: raw.disable_lockout !== undefined ? raw.disable_lockout === true || raw.disable_lockout === 'true' : b.disabled,
    threshold: raw.lockout_threshold !== undefined ? Number(raw.lockout_threshold) : b.threshold,
    durationS: raw.lockout_duration !== undefined ? parseDurationSeconds(raw.lockout_duration) : b.durationS,
    counterResetS: raw.lockout_counter_reset !== undefined ? parseDurationSeconds(raw.lockout_counter_reset) : b.counterResetS,
  };
}

interface SecretIdEntry {
  secretId: string;
  accessor: string;
  numUses: number; // 0 = unlimited
  usesLeft: number;
  ttl: number;
  creationMs: number;
  expirationMs: number | null;
  metadata: Record<string, string>;
  cidrList: string[];
}

interface Role {
  name: string;
  roleId: string;
  bindSecretId: boolean;
  localSecretIds: boolean;
  secretIdBoundCidrs: string[];
  secretIdNumUses: number;
  secretIdTtl: number;
  tokenBoundCidrs: string[];
  tokenExplicitMaxTtl: number;
  tokenMaxTtl: number;
  tokenNoDefaultPolicy: boolean;
  tokenNumUses: number;
  tokenPeriod: number;
  tokenPolicies: string[];
  tokenTtl: number;
  tokenType: string;
  secretIds: Map<string, SecretIdEntry>;
}

interface LockoutEntry {
  count: number;
  lastFailureMs: number;
}

const INVALID_CREDS = 'invalid role or secret ID'; // docs/vault-behaviour.md §2.3

function newRole(name: string): Role {
  return {
    name,
    roleId: randomUUID(),
    bindSecretId: true, // docs/vault-behaviour.md §2.1: default
    localSecretIds: false,
    secretIdBoundCidrs: [],
    secretIdNumUses: 0,
    secretIdTtl: 0,
    tokenBoundCidrs: [],
    tokenExplicitMaxTtl: 0,
    tokenMaxTtl: 0,
    tokenNoDefaultPolicy: false,
    tokenNumUses: 0,
    tokenPeriod: 0,
    tokenPolicies: [],
    tokenTtl: 0,
    tokenType: 'default',
    secretIds: new Map(),
  };
}

/** docs/vault-behaviour.md §2.5: role fields as read back. */
function roleData(r: Role): Record<string, unknown> {
  return {
    bind_secret_id: r.bindSecretId,
    local_secret_ids: r.localSecretIds,
    secret_id_bound_cidrs: r.secretIdBoundCidrs,
    secret_id_num_uses: r.secretIdNumUses,
    secret_id_ttl: r.secretIdTtl,
    token_bound_cidrs: r.tokenBoundCidrs,
    token_explicit_max_ttl: r.tokenExplicitMaxTtl,
    token_max_ttl: r.tokenMaxTtl,
    token_no_default_policy: r.tokenNoDefaultPolicy,
    token_num_uses: r.tokenNumUses,
    token_period: r.tokenPeriod,
    token_policies: r.tokenPolicies,
    token_ttl: r.tokenTtl,
    token_type: r.tokenType,
  };
}

const TOKEN_TYPES = new Set(['default', 'service', 'batch', 'default-service', 'default-batch']);
const bool = (v: unknown): boolean => v === true || v === 'true' || v === 1 || v === '1';

/** Apply role fields from a request body; durations as seconds or "1h"/"30m"/"45s". */
function applyRoleFields(r: Role, d: Record<string, unknown>): Reply | undefined {
  const durations: Array<[string, keyof Role]> = [
    ['token_ttl', 'tokenTtl'],
    ['token_max_ttl', 'tokenMaxTtl'],
    ['token_explicit_max_ttl', 'tokenExplicitMaxTtl'],
    ['token_period', 'tokenPeriod'],
    ['secret_id_ttl', 'secretIdTtl'],
  ];
  try {
    for (const [field, key] of durations) if (d[field] !== undefined) (r as unknown as Record<string, unknown>)[key] = parseDurationSeconds(d[field]);
  } catch (err) {
    return badRequest((err as DurationError).message);
  }
  if (d.token_policies !== undefined) r.tokenPolicies = stringList(d.token_policies);
  else if (d.policies !== undefined) r.tokenPolicies = stringList(d.policies); // legacy field name
  if (d.bind_secret_id !== undefined) r.bindSecretId = bool(d.bind_secret_id);
  if (d.local_secret_ids !== undefined) r.localSecretIds = bool(d.local_secret_ids);
  if (d.token_no_default_policy !== undefined) r.tokenNoDefaultPolicy = bool(d.token_no_default_policy);
  if (d.secret_id_bound_cidrs !== undefined) r.secretIdBoundCidrs = stringList(d.secret_id_bound_cidrs);
  if (d.token_bound_cidrs !== undefined) r.tokenBoundCidrs = stringList(d.token_bound_cidrs);
  if (d.token_type !== undefined) {
    const t = String(d.token_type);
    if (!TOKEN_TYPES.has(t)) return badRequest(`invalid 'token_type' value "${t}"`);
    r.tokenType = t;
  }
  for (const [field, key] of [['token_num_uses', 'tokenNumUses'], ['secret_id_num_uses', 'secretIdNumUses']] as const) {
    if (d[field] === undefined) continue;
    const n = Number(d[field]);
    if (!Number.isInteger(n) || n < 0) return badRequest(`'${field}' cannot be negative`);
    r[key] = n;
  }
  return validateRole(r);
}

function validateRole(r: Role): Reply | undefined {
  // docs/vault-behaviour.md §2.5: bind_secret_id=false needs another constraint
  if (!r.bindSecretId && r.secretIdBoundCidrs.length === 0 && r.tokenBoundCidrs.length === 0) {
    return badRequest('at least one constraint should be enabled on the role');
  }
  if (r.tokenMaxTtl > 0 && r.tokenTtl > r.tokenMaxTtl) return badRequest("'token_ttl' cannot be greater than 'token_max_ttl'");
  return undefined;
}

export class AppRoleBackend implements Backend {
  private readonly roles = new Map<string, Role>();
  private readonly lockouts = new Map<string, LockoutEntry>();

  /** docs/vault-behaviour.md §2.1: login is unauthenticated */
  isUnauthenticated(sub: string): boolean {
    return sub === 'login' || sub.startsWith('login/');
  }

  /** docs/vault-behaviour.md §14.2: note whether the login's limited-use Secret ID exists when the request arrives. */
  onArrival(sub: string, ctx: RequestCtx, state: DoubleState): LoginArrival | undefined {
    if (!state.secretIdRace || !this.isUnauthenticated(sub)) return undefined;
    const roleId = String(ctx.data.role_id ?? '').trim();
    const secretId = String(ctx.data.secret_id ?? '').trim();
    const role = [...this.roles.values()].find((r) => r.roleId === roleId);
    const s = role?.secretIds.get(secretId);
    return s && s.numUses > 0 ? { liveLimitedSecretId: secretId } : undefined;
  }

  existenceCheck(sub: string): boolean | undefined {
    const m = /^role\/([^/]+)$/.exec(sub);
    return m ? this.roles.has(m[1].toLowerCase()) : undefined;
  }

  handle(call: BackendCall): Reply {
    const { sub, ctx } = call;
    if (this.isUnauthenticated(sub)) {
      // docs/vault-behaviour.md §2.1/§2.3: POST/PUT only; GET ⇒ 405
      return ctx.op === 'update' || ctx.op === 'create' ? this.login(call) : unsupportedOperation();
    }
    if (sub === 'role' || sub === 'role/') return this.listRoles(call);
    const m = /^role\/([^/]+)(?:\/(.+))?$/.exec(sub);
    if (!m) return unsupportedPath();
    const name = m[1].toLowerCase();
    return m[2] === undefined ? this.roleCrud(call, name) : this.roleSubpath(call, name, m[2]);
  }

  private listRoles(call: BackendCall): Reply {
    if (call.ctx.op !== 'list') return unsupportedOperation();
    const keys = [...this.roles.keys()].sort();
    return keys.length ? okReply({ data: { keys }, mountType: 'approle' }) : notFound();
  }

  private roleCrud(call: BackendCall, name: string): Reply {
    const existing = this.roles.get(name);
    switch (call.ctx.op) {
      case 'read':
        // mount_type for approle admin responses is an inference (docs/vault-behaviour.md §1 lists only login)
        return existing ? okReply({ data: roleData(existing), mountType: 'approle' }) : notFound();
      case 'create':
      case 'update': {
        const role = existing ? { ...existing } : newRole(name);
        const err = applyRoleFields(role, call.ctx.data);
        if (err) return err;
        this.roles.set(name, role);
        return noContent();
      }
      case 'delete':
        this.roles.delete(name);
        return noContent();
      default:
        return unsupportedOperation();
    }
  }

  private roleSubpath(call: BackendCall, name: string, rest: string): Reply {
    const role = this.roles.get(name);
    if (!role) return call.ctx.op === 'read' ? notFound() : badRequest(`role "${name}" does not exist`);
    const op = call.ctx.op;
    const write = op === 'update' || op === 'create';
    switch (rest) {
      case 'role-id':
        if (op === 'read') return okReply({ data: { role_id: role.roleId }, mountType: 'approle' });
        return write ? this.setRoleId(role, call.ctx.data) : unsupportedOperation();
      case 'secret-id':
        if (op === 'list') return this.listSecretIds(role);
        return write ? this.generateSecretId(call, role, randomUUID()) : unsupportedOperation();
      case 'custom-secret-id':
        return write ? this.generateSecretId(call, role, String(call.ctx.data.secret_id ?? '').trim()) : unsupportedOperation();
      case 'secret-id/lookup':
        return write ? this.lookupSecretId(role, this.findSecret(role, call.ctx.data.secret_id)) : unsupportedOperation();
      case 'secret-id/destroy':
        return write ? this.destroySecretId(role, this.findSecret(role, call.ctx.data.secret_id)) : unsupportedOperation();
      case 'secret-id-accessor/lookup':
        return write ? this.lookupSecretId(role, this.findByAccessor(role, call.ctx.data.secret_id_accessor)) : unsupportedOperation();
      case 'secret-id-accessor/destroy':
        return write ? this.destroySecretId(role, this.findByAccessor(role, call.ctx.data.secret_id_accessor)) : unsupportedOperation();
      default:
        return unsupportedPath();
    }
  }

  private setRoleId(role: Role, data: Record<string, unknown>): Reply {
    const roleId = String(data.role_id ?? '').trim();
    if (!roleId) return badRequest('missing role_id');
    for (const other of this.roles.values()) if (other !== role && other.roleId === roleId) return badRequest('role_id already in use');
    role.roleId = roleId;
    return noContent();
  }

  private listSecretIds(role: Role): Reply {
    const keys = [...role.secretIds.values()].map((s) => s.accessor).sort();
    return keys.length ? okReply({ data: { keys }, mountType: 'approle' }) : notFound();
  }

  private generateSecretId(call: BackendCall, role: Role, secretId: string): Reply {
    const d = call.ctx.data;
    if (!secretId) return badRequest('missing secret_id');
    if (role.secretIds.has(secretId)) return badRequest('SecretID is already registered');
    let ttl: number;
    try {
      ttl = parseDurationSeconds(d.ttl);
    } catch (err) {
      return badRequest((err as DurationError).message);
    }
    if (role.secretIdTtl > 0 && ttl > role.secretIdTtl) return badRequest("ttl cannot be longer than the role's secret_id_ttl");
    if (ttl === 0) ttl = role.secretIdTtl;
    const numUses = d.num_uses === undefined ? role.secretIdNumUses : Number(d.num_uses);
    if (!Number.isInteger(numUses) || numUses < 0) return badRequest('num_uses cannot be negative');
    if (role.secretIdNumUses > 0 && (numUses === 0 || numUses > role.secretIdNumUses)) {
      return badRequest("num_uses cannot be higher than the role's secret_id_num_uses");
    }
    const metadata = parseMetadata(d.metadata);
    if (typeof metadata === 'string') return badRequest(metadata);
    const now = call.state.clock();
    const entry: SecretIdEntry = {
      secretId,
      accessor: randomUUID(),
      numUses,
      usesLeft: numUses,
      ttl,
      creationMs: now,
      expirationMs: ttl > 0 ? now + ttl * 1000 : null,
      metadata,
      cidrList: stringList(d.cidr_list),
    };
    role.secretIds.set(secretId, entry);
    return okReply({
      data: { secret_id: secretId, secret_id_accessor: entry.accessor, secret_id_num_uses: numUses, secret_id_ttl: ttl },
      mountType: 'approle',
    });
  }

  private findSecret(role: Role, secretId: unknown): SecretIdEntry | undefined {
    return role.secretIds.get(String(secretId ?? '').trim());
  }

  private findByAccessor(role: Role, accessor: unknown): SecretIdEntry | undefined {
    return [...role.secretIds.values()].find((s) => s.accessor === String(accessor ?? '').trim());
  }

  private lookupSecretId(_role: Role, s: SecretIdEntry | undefined): Reply {
    if (!s) return noContent(); // update op returning nothing ⇒ 204 (docs/vault-behaviour.md §1)
    return okReply({
      data: {
        cidr_list: s.cidrList,
        creation_time: rfc3339(s.creationMs),
        expiration_time: s.expirationMs === null ? '0001-01-01T00:00:00Z' : rfc3339(s.expirationMs),
        last_updated_time: rfc3339(s.creationMs),
        metadata: s.metadata,
        secret_id_accessor: s.accessor,
        secret_id_num_uses: s.usesLeft,
        secret_id_ttl: s.ttl,
        token_bound_cidrs: [],
      },
      mountType: 'approle',
    });
  }

  private destroySecretId(role: Role, s: SecretIdEntry | undefined): Reply {
    if (s) role.secretIds.delete(s.secretId);
    return noContent();
  }

  // ---------------- login (docs/vault-behaviour.md §2) ----------------

  private login(call: BackendCall): Reply {
    const { ctx, mount, state } = call;
    const lockout = mount.config.userLockout;
    const roleId = String(ctx.data.role_id ?? '').trim(); // docs/vault-behaviour.md §2.1: values are trimmed
    const secretId = String(ctx.data.secret_id ?? '').trim();
    if (!roleId) {
      // docs/vault-behaviour.md §2.3: with lockout enabled (default) the alias lookahead fails first ⇒ 500
      return lockout.disabled ? badRequest('missing role_id') : errorReply(500, ['failed to determine alias name from login request']);
    }
    if (!lockout.disabled && this.isLocked(roleId, lockout, state.clock())) return plainPermissionDenied(); // docs/vault-behaviour.md §2.4
    const role = [...this.roles.values()].find((r) => r.roleId === roleId);
    if (!role) return badRequest(INVALID_CREDS); // unknown role_id: not counted for lockout (docs/vault-behaviour.md §2.4)
    let secret: SecretIdEntry | undefined;
    if (role.bindSecretId) {
      if (!secretId) return badRequest('missing secret_id');
      const arrival = ctx.arrivalNote as LoginArrival | undefined;
      // docs/vault-behaviour.md §14.2 (approle path_login.go:291): the entry vanished between the first read and the locked
      // re-read — another login took its last use. Vault echoes the Secret ID; not counted for lockout.
      if (arrival?.liveLimitedSecretId === secretId && !role.secretIds.has(secretId)) {
        return badRequest(`invalid secret_id "${secretId}"`);
      }
      const checked = this.checkSecretId(role, secretId, ctx.remoteIp, state.clock());
      if (checked === 'invalid') {
        if (!lockout.disabled) this.recordFailure(roleId, lockout, state.clock());
        return badRequest(INVALID_CREDS); // docs/vault-behaviour.md §2.3 (counted for lockout)
      }
      if ('status' in checked) return checked;
      secret = checked;
    }
    if (role.secretIdBoundCidrs.length > 0 && !ipInCidrs(ctx.remoteIp, role.secretIdBoundCidrs)) {
      return badRequest(`source address "${ctx.remoteIp}" unauthorized by CIDR restrictions on the role: %!w(<nil>)`); // docs/vault-behaviour.md §2.3
    }
    this.lockouts.delete(roleId); // docs/vault-behaviour.md §2.4: success resets the counter
    // docs/vault-behaviour.md §14.6 (HV handleLoginRequest): MFA enforced on the mount ⇒ a challenge instead of a token
    if (state.loginMfaMounts.has(`${ctx.ns.path}auth/${mount.path}`)) return loginMfaChallenge();
    return this.issueToken(call, role, secret);
  }

  /** Validate and consume a secret ID (docs/vault-behaviour.md §2.3, §2.5). */
  private checkSecretId(role: Role, secretId: string, ip: string, now: number): SecretIdEntry | Reply | 'invalid' {
    const s = role.secretIds.get(secretId);
    if (!s) return 'invalid';
    // docs/vault-behaviour.md §2.5/§13.5: Vault may honour an expired secret-id until tidy (~1 min); the double
    // is strict and treats it as gone, which is within that window.
    if (s.expirationMs !== null && now >= s.expirationMs) {
      role.secretIds.delete(secretId);
      return 'invalid';
    }
    if (s.numUses === 0) {
      if (s.cidrList.length > 0 && !ipInCidrs(ip, s.cidrList)) {
        return badRequest(`source address "${ip}" unauthorized through CIDR restrictions on the secret ID`);
      }
      return s;
    }
    // docs/vault-behaviour.md §2.5: limited secret-id: decrement; the last use deletes it
    s.usesLeft -= 1;
    if (s.usesLeft <= 0) role.secretIds.delete(secretId);
    if (s.cidrList.length > 0 && !ipInCidrs(ip, s.cidrList)) {
      return badRequest(`source address "${ip}" unauthorized by CIDR restrictions on the secret ID: %!w(<nil>)`);
    }
    return s;
  }

  private isLocked(roleId: string, cfg: LockoutConfig, now: number): boolean {
    const e = this.lockouts.get(roleId);
    if (!e || e.count < cfg.threshold) return false;
    if (now - e.lastFailureMs < cfg.durationS * 1000) return true;
    this.lockouts.delete(roleId); // lock expired
    return false;
  }

  /** docs/vault-behaviour.md §2.4: failures within the counter-reset window accumulate. */
  private recordFailure(roleId: string, cfg: LockoutConfig, now: number): void {
    const e = this.lockouts.get(roleId);
    if (!e || now - e.lastFailureMs > cfg.counterResetS * 1000) this.lockouts.set(roleId, { count: 1, lastFailureMs: now });
    else this.lockouts.set(roleId, { count: e.count + 1, lastFailureMs: now });
  }

  /** docs/vault-behaviour.md §2.2: token TTLs, policies, metadata, entity, display name. */
  private issueToken(call: BackendCall, role: Role, secret: SecretIdEntry | undefined): Reply {
    const { ctx, mount, state } = call;
    const now = state.clock();
    const caps = [effectiveMaxTtl(mount), role.tokenMaxTtl, role.tokenExplicitMaxTtl].filter((t) => t > 0);
    const maxTtl = Math.min(...caps);
    const calculated = calculateTtl({
      increment: 0,
      backendTtl: role.tokenTtl,
      mountDefault: effectiveDefaultTtl(mount),
      maxValidMs: now + maxTtl * 1000,
      nowMs: now,
    });
    const { warnings } = calculated;
    const ttl = role.tokenPeriod > 0 ? Math.min(role.tokenPeriod, maxTtl) : calculated.ttl;
    const aliasKey = `${mount.accessor}/${role.roleId}`; // docs/vault-behaviour.md §2.2: alias name = role_id
    if (!ctx.ns.entities.has(aliasKey)) ctx.ns.entities.set(aliasKey, randomUUID());
    const batch = role.tokenType === 'batch' || role.tokenType === 'default-batch';
    const token = state.tokens.create({
      type: batch ? 'batch' : 'service',
      nsPath: ctx.ns.path,
      nsId: ctx.ns.id,
      policies: sanitizePolicies(role.tokenPolicies, !role.tokenNoDefaultPolicy),
      path: `auth/${mount.path}login`,
      displayName: mount.path.replace(/\/$/, '').replace(/\//g, '-'),
      meta: { ...(secret?.metadata ?? {}), role_name: role.name },
      creationTtl: ttl,
      ttl,
      explicitMaxTtl: role.tokenExplicitMaxTtl,
      maxTtl,
      renewTtl: role.tokenTtl || effectiveDefaultTtl(mount),
      period: role.tokenPeriod,
      renewable: !batch, // docs/vault-behaviour.md §2.2
      numUses: role.tokenNumUses,
      orphan: true, // docs/vault-behaviour.md §2.2
      entityId: ctx.ns.entities.get(aliasKey)!,
      boundCidrs: role.tokenBoundCidrs, // docs/vault-behaviour.md §2.5/§14.1: enforced on every request made with the token
    });
    // docs/vault-behaviour.md §1/§2.2: AppRole login has mount_type ""
    return okReply({ auth: authBlock(token, ttl), warnings, mountType: '' });
  }
}

function parseMetadata(raw: unknown): Record<string, string> | string {
  if (raw === undefined || raw === null || raw === '') return {};
  let obj: unknown = raw;
  if (typeof raw === 'string') {
    try {
      obj = JSON.parse(raw);
    } catch (err) {
      return `failed to parse metadata: ${(err as Error).message}`;
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return 'failed to parse metadata: not an object';
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, String(v)]));
}


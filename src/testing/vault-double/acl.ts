// Policies and ACL evaluation (docs/vault-behaviour.md §7). The matching algorithm follows the documented
// rules (and OpenBao/Vault acl.go): exact rules first, then the best non-exact match.
import { HclEntry, HclError, HclObject, HclValue, parseHcl } from './hcl';
import type { Operation } from './types';

export type Capability = 'create' | 'read' | 'update' | 'delete' | 'list' | 'sudo' | 'deny' | 'patch' | 'subscribe';
const CAPABILITIES = new Set<string>(['create', 'read', 'update', 'delete', 'list', 'sudo', 'deny', 'patch', 'subscribe']);

/** Legacy `policy = "read"` shorthand (Vault policy.go). */
const LEGACY: Record<string, Capability[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['read', 'list', 'create', 'update', 'delete'],
  sudo: ['read', 'list', 'create', 'update', 'delete', 'sudo'],
};

export interface PolicyRule {
  path: string;
  capabilities: Capability[];
}

export interface Policy {
  name: string;
  text: string;
  rules: PolicyRule[];
}

export class PolicyError extends Error {}

/** Parse HCL or JSON policy text into rules; unknown capabilities are an error. */
export function parsePolicy(name: string, text: string): Policy {
  let doc: HclObject;
  try {
    doc = parseHcl(text);
  } catch (e) {
    throw new PolicyError(`failed to parse policy: ${(e as HclError).message}`);
  }
  const rules: PolicyRule[] = [];
  for (const entry of doc.entries) {
    if (entry.key !== 'path') continue;
    for (const [path, body] of pathBlocks(entry)) rules.push(ruleFrom(path, body));
  }
  return { name, text, rules };
}

/** `path "x" { … }` (HCL label form) or `"path": { "x": { … } }` (JSON / attribute form). */
function pathBlocks(entry: HclEntry): Array<[string, HclObject]> {
  const value = entry.value;
  if (!isObject(value)) throw new PolicyError('failed to parse policy: path must be a block');
  if (entry.labels.length > 0) return [[entry.labels[0], value]];
  return value.entries.map((e) => {
    if (!isObject(e.value)) throw new PolicyError(`failed to parse policy: path "${e.key}" must be an object`);
    return [e.key, e.value] as [string, HclObject];
  });
}

function ruleFrom(rawPath: string, body: HclObject): PolicyRule {
  const caps = new Set<Capability>();
  for (const e of body.entries) {
    if (e.key === 'capabilities') {
      if (!Array.isArray(e.value)) throw new PolicyError(`failed to parse policy: path "${rawPath}": capabilities must be a list`);
      for (const c of e.value) {
        const cap = String(c).toLowerCase();
        if (!CAPABILITIES.has(cap)) throw new PolicyError(`failed to parse policy: path "${rawPath}": invalid capability "${String(c)}"`);
        caps.add(cap as Capability);
      }
    } else if (e.key === 'policy') {
      const legacy = LEGACY[String(e.value).toLowerCase()];
      if (!legacy) throw new PolicyError(`failed to parse policy: path "${rawPath}": invalid policy "${String(e.value)}"`);
      legacy.forEach((c) => caps.add(c));
    }
  }
  // docs/vault-behaviour.md §7: deny overrides everything
  const capabilities: Capability[] = caps.has('deny') ? ['deny'] : [...caps];
  return { path: rawPath.replace(/^\/+/, ''), capabilities };
}

function isObject(v: HclValue): v is HclObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Caps = Set<Capability>;

interface Candidate {
  firstWildcard: number;
  wildcards: number;
  isPrefix: boolean;
  wcPath: string;
  caps: Caps;
}

/** docs/vault-behaviour.md §7 priority: a candidate that sorts earlier is the LOWER priority one. */
function comparePriority(a: Candidate, b: Candidate): number {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard - b.firstWildcard; // (1) wildcard earlier ⇒ lower
  if (a.isPrefix !== b.isPrefix) return a.isPrefix ? -1 : 1; // (2) ends in * ⇒ lower
  if (a.wildcards !== b.wildcards) return b.wildcards - a.wildcards; // (3) more + ⇒ lower
  if (a.wcPath.length !== b.wcPath.length) return a.wcPath.length - b.wcPath.length; // (4) shorter ⇒ lower
  return a.wcPath < b.wcPath ? -1 : a.wcPath > b.wcPath ? 1 : 0; // (5) lexicographically smaller ⇒ lower
}

const OP_CAPABILITY: Record<Operation, Capability> = {
  read: 'read',
  list: 'list',
  create: 'create',
  update: 'update',
  delete: 'delete',
  patch: 'patch',
};

/** The merged rules of a token's policies. */
export class Acl {
  private readonly exact = new Map<string, Caps>();
  private readonly prefix = new Map<string, Caps>(); // key = pattern without the trailing *
  private readonly segment = new Map<string, Caps>(); // key = full pattern containing +

  private constructor(readonly root: boolean) {}

  static rootAcl(): Acl {
    return new Acl(true);
  }

  /** nsPrefix: the policies' namespace path ("" or "ns1/"); rules are stored absolute (docs/vault-behaviour.md §8). */
  static fromPolicies(policies: Policy[], nsPrefix: string): Acl {
    if (policies.some((p) => p.name === 'root')) return Acl.rootAcl();
    const acl = new Acl(false);
    for (const policy of policies) for (const rule of policy.rules) acl.insert(nsPrefix + rule.path, rule.capabilities);
    return acl;
  }

  private insert(path: string, capabilities: Capability[]): void {
    let tree = this.exact;
    let key = path;
    if (path.includes('+')) tree = this.segment;
    else if (path.endsWith('*')) [tree, key] = [this.prefix, path.slice(0, -1)];
    const existing = tree.get(key);
    // docs/vault-behaviour.md §7: same pattern in several policies ⇒ union; deny wins
    if (!existing) tree.set(key, new Set(capabilities));
    else if (existing.has('deny')) return;
    else if (capabilities.includes('deny')) tree.set(key, new Set<Capability>(['deny']));
    else capabilities.forEach((c) => existing.add(c));
  }

  /** The capability set that governs `path` (absolute, no leading slash), or undefined. */
  private governing(path: string, op: Operation | undefined): Caps | undefined {
    const exact = this.exact.get(path);
    if (exact) return exact;
    // docs/vault-behaviour.md §7: for LIST, an exact rule equal to the path without its trailing / also counts
    if (op === 'list') {
      const trimmed = this.exact.get(path.replace(/\/$/, ''));
      if (trimmed) return trimmed;
    }
    return this.nonExact(path, false);
  }

  /** Whether `op` on `path` is allowed; `sudo` for root-protected paths. */
  allows(path: string, op: Operation, needsSudo = false): boolean {
    if (this.root) return true;
    const caps = this.governing(path, op);
    if (!caps || caps.has('deny')) return false;
    if (needsSudo && !caps.has('sudo')) return false;
    return caps.has(OP_CAPABILITY[op]);
  }

  /** Like Vault's ACL.Capabilities: ["root"], the granted set, or ["deny"]. */
  capabilities(path: string): string[] {
    if (this.root) return ['root'];
    const caps = this.governing(path, undefined);
    if (!caps || caps.has('deny') || caps.size === 0) return ['deny'];
    return [...caps].sort();
  }

  /**
   * docs/vault-behaviour.md §4.2 hasMountAccess: any non-deny capability on the mount path or on anything
   * under it (exact rules, glob rules, then + rules matched against the bare mount).
   */
  hasMountAccess(mountPath: string): boolean {
    if (this.root) return true;
    if (!this.capabilities(mountPath).includes('deny')) return true;
    const grants = (caps: Caps): boolean => !caps.has('deny') && caps.size > 0;
    for (const [key, caps] of this.exact) if (key.startsWith(mountPath) && grants(caps)) return true;
    for (const [key, caps] of this.prefix) if (key.startsWith(mountPath) && grants(caps)) return true;
    return this.nonExact(mountPath, true) !== undefined;
  }

  private longestPrefix(path: string): string | undefined {
    let best: string | undefined;
    for (const key of this.prefix.keys()) {
      if (path.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
    }
    return best;
  }

  /** docs/vault-behaviour.md §7: glob (*) and segment (+) rules; the highest-priority match wins. */
  private nonExact(path: string, bareMount: boolean): Caps | undefined {
    const candidates: Candidate[] = [];
    const prefixKey = this.longestPrefix(path);
    if (prefixKey !== undefined) {
      if (this.segment.size === 0) return this.prefix.get(prefixKey);
      candidates.push({ firstWildcard: prefixKey.length, wildcards: 0, isPrefix: true, wcPath: prefixKey, caps: this.prefix.get(prefixKey)! });
    }
    if (this.segment.size === 0) return undefined;
    const parts = path.split('/');
    for (const [pattern, caps] of this.segment) {
      const result = matchSegmentPattern(pattern, caps, parts, path, bareMount);
      if (result === 'granted') return caps;
      if (result) candidates.push(result);
    }
    if (bareMount || candidates.length === 0) return undefined;
    candidates.sort(comparePriority);
    return candidates[candidates.length - 1].caps;
  }
}

/**
 * Match one `+` pattern (docs/vault-behaviour.md §7: `+` = exactly one segment; non-prefix patterns need the
 * same segment count). In bare-mount mode (hasMountAccess) a pattern that covers the mount
 * with a non-deny capability grants access directly.
 */
function matchSegmentPattern(
  pattern: string,
  caps: Caps,
  parts: string[],
  path: string,
  bareMount: boolean,
): Candidate | 'granted' | undefined {
  const isPrefix = pattern.endsWith('*');
  const wcPath = isPrefix ? pattern.slice(0, -1) : pattern;
  const cand: Candidate = { firstWildcard: pattern.indexOf('+'), wildcards: 0, isPrefix, wcPath, caps };
  const wcParts = wcPath.split('/');
  if (!bareMount && parts.length < wcParts.length) return undefined;
  if (!bareMount && !isPrefix && wcParts.length !== parts.length) return undefined;
  const segments: string[] = [];
  for (let i = 0; i < wcParts.length; i++) {
    const aclPart = wcParts[i];
    const part = parts[i];
    if (aclPart === '+') {
      cand.wildcards++;
      segments.push(part);
    } else if (aclPart === part) segments.push(part);
    else if (isPrefix && i === wcParts.length - 1 && part !== undefined && part.startsWith(aclPart)) segments.push(...parts.slice(i));
    else if (!bareMount) return undefined;
    // bare mount paths end in "/", so the last real segment is parts.length-2
    if (bareMount && i === parts.length - 2) {
      const joined = `${segments.join('/')}/`;
      return joined.startsWith(path) && !caps.has('deny') && caps.size > 0 ? 'granted' : undefined;
    }
  }
  return cand;
}

/** docs/vault-behaviour.md §7: the built-in `default` policy (editable, not deletable). */
export const DEFAULT_POLICY_TEXT = `# Allow tokens to look up their own properties
path "auth/token/lookup-self" {
    capabilities = ["read"]
}

# Allow tokens to renew themselves
path "auth/token/renew-self" {
    capabilities = ["update"]
}

# Allow tokens to revoke themselves
path "auth/token/revoke-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own capabilities on a path
path "sys/capabilities-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own entity by id or name
path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}
path "identity/entity/name/{{identity.entity.name}}" {
  capabilities = ["read"]
}

# Allow a token to look up its resultant ACL from all policies
path "sys/internal/ui/resultant-acl" {
    capabilities = ["read"]
}

# Allow a token to renew a lease via lease_id in the request body
path "sys/renew" {
    capabilities = ["update"]
}
path "sys/leases/renew" {
    capabilities = ["update"]
}

# Allow looking up lease properties
path "sys/leases/lookup" {
    capabilities = ["update"]
}

# Allow a token to manage its own cubbyhole
path "cubbyhole/*" {
    capabilities = ["create", "read", "update", "delete", "list"]
}

# Allow a token to wrap arbitrary values in a response-wrapping token
path "sys/wrapping/wrap" {
    capabilities = ["update"]
}

# Allow a token to look up the creation time and TTL of a response-wrapping token
path "sys/wrapping/lookup" {
    capabilities = ["update"]
}

# Allow a token to unwrap a response-wrapping token
path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}

# Allow general purpose tools
path "sys/tools/hash" {
    capabilities = ["update"]
}
path "sys/tools/hash/*" {
    capabilities = ["update"]
}

# Allow a token to make requests to the Authorization Endpoint for OIDC providers.
path "identity/oidc/provider/+/authorize" {
    capabilities = ["read", "update"]
}
`;

// Everything the double knows: namespaces (with their mounts/policies), tokens, seal state.
import { Acl, Policy } from './acl';
import type { FlavourTraits } from './flavours';
import { Namespace, namespaceSegments } from './namespaces';
import { SYSTEM_DEFAULT_TTL, TokenEntry, TokenStore } from './tokens';
import type { Clock } from './types';

/** docs/vault-behaviour.md §14.6: reads of matching paths answer 200 with only `wrap_info` (control groups / forced wrapping). */
export interface ForcedWrapping {
  /** request path relative to /v1/ and the namespace, e.g. "secret/data/app/db" or /^secret\/data\// */
  path: string | RegExp;
  /** wrap_info.ttl in seconds (default 300) */
  ttl: number;
}

export class DoubleState {
  readonly root = new Namespace('');
  readonly tokens: TokenStore;
  readonly rootToken: TokenEntry;
  /** docs/vault-behaviour.md §14.1: entity ids whose tokens are refused with a plain 403 */
  readonly disabledEntities = new Set<string>();
  /** docs/vault-behaviour.md §14.6: auth mounts with login MFA enforced, as "<ns path>auth/<mount path>/" */
  readonly loginMfaMounts = new Set<string>();
  forcedWrapping: ForcedWrapping | null = null;
  /** docs/vault-behaviour.md §14.2: emulate the limited-use Secret ID race between arrival and handling */
  secretIdRace = false;

  constructor(
    readonly clock: Clock,
    readonly flavour: FlavourTraits,
  ) {
    this.tokens = new TokenStore(clock);
    // docs/vault-behaviour.md §3.1: root token — policies ["root"], no TTL, path auth/token/root
    this.rootToken = this.tokens.create({
      type: 'service',
      nsPath: '',
      nsId: 'root',
      policies: ['root'],
      path: 'auth/token/root',
      displayName: 'root',
      meta: null,
      creationTtl: 0,
      ttl: 0,
      explicitMaxTtl: 0,
      maxTtl: 0,
      renewTtl: SYSTEM_DEFAULT_TTL,
      period: 0,
      renewable: false,
      numUses: 0,
      orphan: true,
      entityId: '',
    });
  }

  /** docs/vault-behaviour.md §8/§14.9: Enterprise (and OpenBao) honour namespaces; CE ignores X-Vault-Namespace */
  get enterprise(): boolean {
    return this.flavour.namespaces;
  }

  namespaceByPath(path: string): Namespace | undefined {
    return this.root.descend(namespaceSegments(path));
  }

  /** A usable token: alive (docs/vault-behaviour.md §3.4) and its namespace still exists. */
  liveToken(id: string): TokenEntry | undefined {
    const e = this.tokens.lookup(id);
    return e && this.namespaceByPath(e.nsPath) ? e : undefined;
  }

  /** docs/vault-behaviour.md §7/§8: the token's policies, looked up in the token's namespace, rules absolute. */
  aclFor(token: TokenEntry): Acl {
    if (token.policies.includes('root')) return Acl.rootAcl();
    const ns = this.namespaceByPath(token.nsPath);
    if (!ns) return Acl.fromPolicies([], token.nsPath);
    const policies = token.policies.map((name) => ns.policies.get(name)).filter((p): p is Policy => p !== undefined);
    return Acl.fromPolicies(policies, ns.path);
  }

  isRootToken(id: string | undefined): boolean {
    return id !== undefined && id === this.rootToken.id;
  }

  /** Test control: every non-root token becomes invalid. */
  revokeAllTokens(): void {
    this.tokens.revokeWhere((e) => e.id !== this.rootToken.id);
  }

  /** Remove a namespace's tokens when it is deleted. */
  onNamespaceDeleted(ns: Namespace): void {
    this.tokens.revokeWhere((e) => e.nsPath.startsWith(ns.path));
  }
}

// The sys/ backend: dispatch to mounts, auth, policies, namespaces (docs/vault-behaviour.md §4, §7, §8).
import type { Backend, BackendCall } from './backend';
import { handleInternalUiMount, handleInternalUiMounts, handleMountTable } from './mounts';
import { handleNamespaces } from './namespaces';
import { handleAclPolicies, handleLegacyPolicies } from './policies';
import { Reply, unsupportedPath } from './responses';

/** `prefix` itself or `prefix/...` ⇒ the remainder ("" for the bare prefix). */
function under(sub: string, prefix: string): string | undefined {
  if (sub === prefix || sub === `${prefix}/`) return '';
  return sub.startsWith(`${prefix}/`) ? sub.slice(prefix.length + 1) : undefined;
}

export class SysBackend implements Backend {
  /** docs/vault-behaviour.md §4.2: sys/internal/ui/mounts is routed unauthenticated (the handler checks the token) */
  isUnauthenticated(sub: string): boolean {
    return under(sub, 'internal/ui/mounts') !== undefined;
  }

  /** docs/vault-behaviour.md §7/HV: sys/auth/<path> is root-protected (needs sudo). */
  static needsSudo(sub: string): boolean {
    const rest = under(sub, 'auth');
    return rest !== undefined && rest !== '';
  }

  handle(call: BackendCall): Reply {
    const { state, ctx, sub } = call;
    let rest: string | undefined;
    if ((rest = under(sub, 'internal/ui/mounts')) !== undefined) {
      return rest === '' ? handleInternalUiMounts(state, ctx) : handleInternalUiMount(state, ctx, rest);
    }
    if ((rest = under(sub, 'mounts')) !== undefined) return handleMountTable(state, ctx, rest, false);
    if ((rest = under(sub, 'auth')) !== undefined) return handleMountTable(state, ctx, rest, true);
    if ((rest = under(sub, 'policies/acl')) !== undefined) return handleAclPolicies(ctx, rest);
    if ((rest = under(sub, 'policy')) !== undefined) return handleLegacyPolicies(ctx, rest);
    // docs/vault-behaviour.md §8: namespaces exist only on Enterprise; CE has no such path
    if (state.enterprise && (rest = under(sub, 'namespaces')) !== undefined) {
      return handleNamespaces(ctx, rest, (ns) => state.onNamespaceDeleted(ns));
    }
    return unsupportedPath();
  }
}

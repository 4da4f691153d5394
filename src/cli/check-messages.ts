import type { VaultSettings } from '../config/settings';
import type { NodeState } from '../vault/health';

/** What `ap-vault check` says about the node and the edition it found; the fixes are the admin's. */

/** ✓ detail for a node that serves requests; undefined for one that does not. */
export function servingNodeDetail(state: NodeState): string | undefined {
  switch (state) {
    case 'active':
      return 'active node';
    case 'standby':
      return 'standby node: it forwards requests to the active node (if forwarding is off it answers 307; then point the URL at the load balancer or the active node)';
    case 'performance-standby':
      return 'performance standby node (Enterprise): it serves reads itself and forwards the rest to the active node';
    default:
      return undefined;
  }
}

/** ✗ message for a node that serves no secrets (sealed and uninitialised have their own, in src/vault/messages.ts). */
export function nodeNotServingMessage(state: 'dr-secondary' | 'ha-unhealthy' | 'removed', settings: VaultSettings): string {
  const at = settings.url;
  switch (state) {
    case 'dr-secondary':
      return `Vault at ${at} is a disaster-recovery (DR) secondary: it replicates its primary and serves no logins or secrets. Point the URL at the primary cluster (its load balancer or active node).`;
    case 'ha-unhealthy':
      return `Vault at ${at} is a standby that has lost contact with the active node (HA unhealthy), so requests it forwards fail. Point the URL at the cluster's load balancer or active node, and check the cluster (vault operator raft list-peers).`;
    case 'removed':
      return `Vault at ${at} has been removed from its cluster and serves nothing. Point the URL at a node that is still in the cluster, or at its load balancer.`;
  }
}

/** docs/vault-behaviour.md §14.9: Community Edition drops X-Vault-Namespace and serves the root namespace. */
export function namespaceIgnoredMessage(version: string, settings: VaultSettings): string {
  const named = [settings.namespace, settings.authNamespace].filter((n, i, all) => n !== '' && all.indexOf(n) === i);
  return `Vault ${version} at ${settings.url} is Community Edition, which ignores namespaces: with namespace ${named.map((n) => `"${n}"`).join(' / ')} set, `
    + 'every request would log in and read in the root namespace. Remove --namespace / --auth-namespace (and VAULT_NAMESPACE), or point the URL at Vault Enterprise or HCP Vault.';
}

/**
 * The network guard's refusal (it names the address class and the server-side fixes), and how to
 * check from here anyway. `address` is unknown when the refusal came wrapped in a provider error.
 */
export function addressRefusedMessage(refusal: string, address?: string): string {
  const flag = address === undefined ? '--allow-network <that address or its CIDR>' : `--allow-network ${address}/${address.includes(':') ? 128 : 32}`;
  return `${refusal} The Activepieces server would refuse this address as well (AP_SSRF_ALLOW_LIST goes in the server's environment, read at start); `
    + `to check this Vault from here anyway, add ${flag}.`;
}

import type { VaultRequestKind } from './names';

/**
 * The endpoint kind of a Vault API path (under `/v1/`, as VaultClient sends it), for metrics and
 * spans: the path itself is never reported, since its segments name secrets. `auth/` and `sys/`
 * are reserved prefixes (no secrets engine can be mounted there), so any other GET is a KV read.
 */
export function vaultEndpointKind(method: string, apiPath: string): VaultRequestKind {
  const path = apiPath.split('?', 1)[0].replace(/^\/+/, '');
  if (path.startsWith('auth/')) return authKind(path);
  if (path.startsWith('sys/')) return sysKind(path);
  return method === 'GET' ? 'read' : 'other';
}

function authKind(path: string): VaultRequestKind {
  if (path === 'auth/token/renew-self') return 'renew';
  if (path === 'auth/token/revoke-self') return 'revoke';
  if (path === 'auth/token/lookup-self') return 'lookup';
  return path.endsWith('/login') ? 'login' : 'other';
}

function sysKind(path: string): VaultRequestKind {
  if (path === 'sys/mounts' || path.startsWith('sys/internal/ui/mounts')) return 'mounts';
  if (path === 'sys/health' || path === 'sys/seal-status') return 'health';
  return 'other';
}

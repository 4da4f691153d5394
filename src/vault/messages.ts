import type { ActivepiecesError } from '../activepieces/shared';
import type { VaultSettings } from '../config/settings';
import { connectionFailed, getSecretFailed, markTransient } from '../activepieces/errors';
import { canonicalPathOf, SecretLocation } from './kv-path';
import { VaultNetworkError } from './http';
import { isTransientStatus } from './retry';
import type { VaultResponse } from './client';

/**
 * Vault's answers turned into messages that say what to fix. Inputs are statuses, Vault's own
 * error strings (which never echo credentials), paths and settings; never a token or a value.
 */

export function firstError(res: VaultResponse): string {
  return res.body?.errors?.[0]?.replace(/\s+/g, ' ').trim() ?? '';
}

/** Vault ≥1.15: "2 errors occurred: permission denied, invalid token"; older: plain "permission denied" (docs/vault-behaviour.md §3.4). */
export function isInvalidTokenAnswer(res: VaultResponse): boolean {
  if (res.status !== 403) return false;
  const errors = res.body?.errors ?? [];
  return errors.some((e) => /invalid token/i.test(e) || e.trim() === 'permission denied');
}

function where(settings: VaultSettings, namespace: string): string {
  return namespace ? `${settings.url} (namespace "${namespace}")` : settings.url;
}

/**
 * The HCL line that grants `capability` on `apiPath` (a path in the secrets namespace). The token
 * belongs to the auth namespace, and its policies are that namespace's, with paths relative to it
 * (docs/vault-behaviour.md §8): so when the AppRole lives in a parent namespace the child's path is prefixed.
 */
export function policyLine(settings: VaultSettings, apiPath: string, capability: 'read'): string {
  const prefix = relativeNamespace(settings.authNamespace, settings.namespace);
  const inNs = settings.authNamespace ? ` in namespace "${settings.authNamespace}"` : '';
  const line = `path "${prefix}${apiPath}" { capabilities = ["${capability}"] }`;
  return `Add this to the AppRole's policy${inNs}: ${line}`;
}

/** `child/` for parent `a` and child `a/child`; `''` when they are the same or unrelated. */
function relativeNamespace(parent: string, child: string): string {
  if (parent === child) return '';
  if (parent === '') return `${child}/`;
  return child.startsWith(`${parent}/`) ? `${child.slice(parent.length + 1)}/` : '';
}

/** A request that got no HTTP answer. */
export function networkFailureMessage(err: VaultNetworkError, settings: VaultSettings): string {
  const at = settings.url;
  switch (err.failure) {
    case 'refused':
      return `Cannot reach Vault at ${at}: connection refused. Check the URL and port, that Vault is running, and that the Activepieces workers can reach it.`;
    case 'dns':
      return `Cannot reach Vault at ${at}: the host name does not resolve (${err.code}). Check the URL for typos and the workers' DNS.`;
    case 'timeout':
      return `Vault at ${at} did not answer within ${settings.requestTimeoutSeconds} s. Check that Vault is up and not overloaded, or raise the request timeout.`;
    case 'tls':
      return tlsFailureMessage(err.code, settings);
    case 'reset':
      return `Vault at ${at} closed the connection before answering (${err.code}).${at.startsWith('http:') ? ' If Vault serves TLS, the URL must start with https://.' : ''} Check load balancers and proxies between Activepieces and Vault.`;
    default:
      return `Request to Vault at ${at} failed (${err.code}).`;
  }
}

/** Node's TLS error codes, grouped by what the admin has to do about them. */
function tlsFailureMessage(code: string, settings: VaultSettings): string {
  const at = settings.url;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS to ${at} failed: Vault's certificate does not name the host "${new URL(at).hostname}" (${code}). Use a host name the certificate was issued for.`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `TLS to ${at} failed: Vault's certificate is outside its validity period (${code}). Renew the certificate, or check the clocks.`;
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL')) {
    return `TLS to ${at} failed: the server did not answer in TLS (${code}). If Vault listens without TLS (tls_disable), the URL must start with http://.`;
  }
  const fix = settings.caCertificate
    ? 'The CA certificate in the connection did not sign it: paste the CA (PEM) that issued Vault\'s certificate, with any intermediate CAs.'
    : 'Paste the CA certificate (PEM) that issued it in the CA certificate option (private PKI).';
  return `TLS to ${at} failed: Vault's certificate is not trusted (${code}). ${fix}`;
}

export function sealedMessage(settings: VaultSettings): string {
  return `Vault at ${settings.url} is sealed. Unseal it (vault operator unseal) and try again.`;
}

export function notInitialisedMessage(settings: VaultSettings): string {
  return `Vault at ${settings.url} is not initialised (vault operator init).`;
}

/** Statuses that mean the same whatever the request was. */
function commonAnswer(res: VaultResponse, settings: VaultSettings, namespace: string): string | undefined {
  const err = firstError(res);
  if (res.status === 503) {
    return /sealed/i.test(err)
      ? sealedMessage(settings)
      : `Vault at ${settings.url} is unavailable (503${err ? `: ${err}` : ''}); it may be in maintenance or failing over.`;
  }
  if (res.status === 429) {
    return `Vault at ${settings.url} answered 429: rate limited or a standby node (${err || 'no detail'}). Point the URL at the active node or load balancer, or raise the rate-limit quota.`;
  }
  if (res.status === 412) return `Vault at ${settings.url} answered 412 (not yet consistent across the cluster); try again.`;
  if (isNamespaceNotFound(res)) {
    const field = namespace === settings.authNamespace && namespace !== settings.namespace ? 'Auth namespace' : 'Namespace';
    return `Namespace "${namespace}" does not exist on ${settings.url}. Check the ${field} field (child namespaces are written parent/child).`;
  }
  if (res.status === 501) return notInitialisedMessage(settings);
  if (res.status >= 500) return `Vault at ${settings.url} answered ${res.status}${err ? `: ${err}` : ''}.`;
  return undefined;
}

export type LoginFailureKind = 'credentials' | 'cidr' | 'not-enabled-or-locked' | 'locked-out' | 'not-enabled' | 'other';

export function loginFailureMessage(res: VaultResponse, settings: VaultSettings, kind: LoginFailureKind): string {
  const common = commonAnswer(res, settings, settings.authNamespace);
  if (common) return common;
  const mount = settings.appRoleMount;
  const at = where(settings, settings.authNamespace);
  const err = firstError(res);
  switch (kind) {
    case 'credentials':
      return `Vault at ${at} rejected the Role ID or Secret ID (${err}). The Secret ID may be wrong, expired or used up (secret_id_num_uses). Issue a new one with: vault write -f auth/${mount}/role/<role>/secret-id`;
    case 'cidr':
      // Vault's text ends in a Go formatting artifact, ": %!w(<nil>)" (docs/vault-behaviour.md §2.3): not worth showing.
      return `Vault at ${at} refused the AppRole login from this machine's address (${err.replace(/: %!w\(<nil>\)$/, '')}). Add the Activepieces workers' address to the role's secret_id_bound_cidrs or the Secret ID's cidr_list, or issue a Secret ID without that restriction.`;
    case 'locked-out':
      return `Vault at ${at} refused the AppRole login with 403: the role is locked out after repeated failed logins (user lockout). Wait for the lockout to end (15 minutes by default) or unlock it with: vault write -f sys/locked-users/<mount accessor>/unlock/<role id>; then fix the Secret ID.`;
    case 'not-enabled': {
      // Logging in to the root namespace with an AppRole that lives in a namespace looks the same.
      const hint = settings.authNamespace ? '' : ' If the AppRole lives in a Vault Enterprise namespace, set the Namespace (or Auth namespace) field.';
      return `AppRole is not enabled at auth/${mount}/ on ${at}. Enable it with: vault auth enable -path=${mount} approle, or set the AppRole mount option to where it is enabled.${hint}`;
    }
    case 'not-enabled-or-locked':
      return `Vault at ${at} refused the login at auth/${mount}/login with 403. Either AppRole is not enabled at "${mount}" (vault auth enable -path=${mount} approle, or set the AppRole mount option), or the role is locked out after repeated failed logins.`;
    default:
      return `AppRole login at ${at} failed with ${res.status}${err ? `: ${err}` : ''}.`;
  }
}

export function loginFailed(res: VaultResponse, settings: VaultSettings, kind: LoginFailureKind): ActivepiecesError {
  return markTransientStatus(connectionFailed(loginFailureMessage(res, settings, kind)), res.status);
}

export function markTransientStatus<E extends Error>(err: E, status: number): E {
  return isTransientStatus(status) ? markTransient(err) : err;
}

/** `GET sys/mounts` refused or failed. */
export function mountsFailureMessage(res: VaultResponse, settings: VaultSettings): string {
  if (res.status === 403) {
    return `Logged in, but the AppRole's token may not read sys/mounts on ${where(settings, settings.namespace)}. ${policyLine(settings, 'sys/mounts', 'read')}`;
  }
  return commonAnswer(res, settings, settings.namespace) ?? `Reading sys/mounts failed with ${res.status}: ${firstError(res) || 'no detail'}.`;
}

/**
 * `auth/token/lookup-self` refused. The built-in `default` policy allows it (docs/vault-behaviour.md §3.1), so a 403
 * means the role's tokens are issued without it (`token_no_default_policy`).
 */
export function lookupSelfFailureMessage(res: VaultResponse, settings: VaultSettings): string {
  if (res.status === 403) {
    return `The AppRole's token may not look itself up (auth/token/lookup-self), which Vault's default policy allows: the role is probably set with token_no_default_policy=true. Set it to false, or add this to its policy: path "auth/token/lookup-self" { capabilities = ["read"] }`;
  }
  return commonAnswer(res, settings, settings.authNamespace) ?? `Looking up the token failed with ${res.status}: ${firstError(res) || 'no detail'}.`;
}

/** The token carries no policy but `default`, which grants no secret. */
export function onlyDefaultPolicyMessage(settings: VaultSettings): string {
  return `The AppRole's token has no policy but "default", which reads no secret. Attach one to the role: vault write auth/${settings.appRoleMount}/role/<role> token_policies=<policy>`;
}

/** Something answered at the URL, but not as Vault's sys/health does. */
export function notVaultMessage(status: number, settings: VaultSettings): string {
  return `Something answers at ${settings.url}, but not as Vault does (HTTP ${status} to /v1/sys/health). Check the URL: it is Vault's API address, e.g. https://vault.example.com:8200, without /v1 or /ui.`;
}

/** sys/mounts listed no KV engine. */
export function noKvMountMessage(settings: VaultSettings): string {
  return `No KV secrets engine is mounted on ${where(settings, settings.namespace)}. Enable one (vault secrets enable -path=secret kv-v2) and let the AppRole's policy read it: path "secret/data/*" { capabilities = ["read"] }`;
}

/** A secret read that did not give a value. */
export function readFailed(res: VaultResponse, settings: VaultSettings, location: SecretLocation, rawPath: string): ActivepiecesError {
  return markTransientStatus(getSecretFailed(readFailureMessage(res, settings, location), { path: rawPath }), res.status);
}

function readFailureMessage(res: VaultResponse, settings: VaultSettings, loc: SecretLocation): string {
  const secret = secretName(loc);
  const at = where(settings, settings.namespace);
  // A missing namespace is a 404 too (docs/vault-behaviour.md §8); it must not read as a missing secret.
  if (isNamespaceNotFound(res)) return commonAnswer(res, settings, settings.namespace)!;
  if (res.status === 404) {
    const metadata = (res.body?.data as { metadata?: { deletion_time?: string; destroyed?: boolean; version?: number } } | null)?.metadata;
    if (metadata?.destroyed) {
      return `Version ${metadata.version} of secret "${secret}" was destroyed and cannot be recovered. Pin another version (?version=N) or write a new one.`;
    }
    if (metadata?.deletion_time) {
      return `Version ${metadata.version} of secret "${secret}" was deleted on ${metadata.deletion_time}. Restore it with: vault kv undelete -mount=${loc.mount} -versions=${metadata.version} ${loc.secretPath}, or pin another version.`;
    }
    if (loc.version !== undefined) return `Secret "${secret}" has no version ${loc.version} on ${at}.`;
    return `Secret "${secret}" was not found on ${at}. Check the path and the namespace.${notFoundHint(loc)}`;
  }
  if (res.status === 403) {
    return `Permission denied reading secret "${secret}" on ${at}. ${policyLine(settings, secret, 'read')}`;
  }
  return commonAnswer(res, settings, settings.namespace) ?? `Reading secret "${secret}" failed with ${res.status}: ${firstError(res) || 'no detail'}.`;
}

/**
 * What the author may have meant: the full KV v2 path when `data/` was left out, or the KV v1
 * path when `data/` was written on a v1 mount (v1 has no `data/` segment, docs/vault-behaviour.md §6).
 */
function notFoundHint(loc: SecretLocation): string {
  if (loc.kvVersion === 2 && !loc.canonical) return ` The full path is ${canonicalPathOf(loc)}.`;
  if (loc.kvVersion === 1 && loc.secretPath.startsWith('data/')) {
    const v1 = canonicalPathOf({ ...loc, secretPath: loc.secretPath.slice('data/'.length) });
    return ` "${loc.mount}/" is a KV version 1 mount, whose paths have no data/ segment: did you mean ${v1}?`;
  }
  return '';
}

function isNamespaceNotFound(res: VaultResponse): boolean {
  return res.status === 404 && /namespace not found/i.test(firstError(res));
}

/** The secret as Vault's API names it. */
export function secretName(loc: SecretLocation): string {
  return loc.kvVersion === 2 ? `${loc.mount}/data/${loc.secretPath}` : `${loc.mount}/${loc.secretPath}`;
}


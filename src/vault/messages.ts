import type { ActivepiecesError } from '../activepieces/shared';
import type { VaultSettings } from '../config/settings';
import { connectionFailed, getSecretFailed, markTransient } from '../activepieces/errors';
import { canonicalPathOf, SecretLocation } from './kv-path';
import { MAX_REDIRECT_HOPS, UnfollowedRedirect, VaultNetworkError } from './http';
import type { VaultResponse } from './client';
import { isKvUpgradeAnswer, isTransientAnswer } from './transient-answer';

/**
 * Vault's answers turned into messages that say what to fix. Inputs are statuses, Vault's error
 * strings as VaultResponse.errors holds them (strings only, one line, capped, control characters
 * stripped, credentials scrubbed), paths and settings; never a token, a credential or a value,
 * and never a body that is not Vault's JSON.
 */

export function firstError(res: Pick<VaultResponse, 'errors'>): string {
  return res.errors[0] ?? '';
}

/**
 * The dead-token form of Vault 1.17.0 and later: "2 errors occurred: permission denied, invalid
 * token" (hashicorp/vault changelog/25953.txt; docs/vault-behaviour.md §14.1).
 */
export function isInvalidTokenAnswer(res: Pick<VaultResponse, 'status' | 'errors'>): boolean {
  return res.status === 403 && res.errors.some((e) => /invalid token/i.test(e));
}

/**
 * A bare "permission denied", not the "1 error occurred" multierror of a policy denial: a dead
 * token on Vault ≤ 1.16 and OpenBao; on Vault ≥ 1.17 a token_bound_cidrs mismatch or a disabled
 * entity (docs/vault-behaviour.md §14.1). On login it is a lockout or a missing AppRole (§2.4).
 */
export function isPlainDenial(res: Pick<VaultResponse, 'status' | 'errors'>): boolean {
  return res.status === 403 && res.errors.length === 1 && res.errors[0].trim().toLowerCase() === 'permission denied';
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
    case 'too-large':
      return `The server at ${at} answered with a body larger than the connection accepts. Vault's answers are small: check that the URL is Vault's API address; a secret this large cannot be read (raise maxBodyBytes if it really is one).`;
    case 'aborted':
      return `The request to Vault at ${at} was stopped: the connection was closed or its settings changed while it ran. Try again.`;
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

/** An uninitialised Vault answers 503 "Vault is sealed" everywhere; only sys/health says why (docs/vault-behaviour.md §14.7). */
export function notInitialisedMessage(settings: VaultSettings): string {
  return `Vault at ${settings.url} is not initialised: it answers every request as sealed. Initialise it (vault operator init), unseal it, and enable AppRole and a KV engine.`;
}

/** A standby's 307/308 that was not followed (docs/vault-behaviour.md §14.4). */
export function unfollowedRedirectMessage(status: number, redirect: UnfollowedRedirect, settings: VaultSettings): string {
  const active = redirect.target ? ` at ${redirect.target}` : '';
  const why = {
    'no-location': 'it names no address to go to',
    'bad-location': 'its address is not an http(s) URL',
    'scheme-change': `it would change ${new URL(settings.url).protocol.replace(':', '')} to another scheme, and a redirect may not leave TLS`,
    'too-many-hops': `more than ${MAX_REDIRECT_HOPS} redirects in a row`,
  }[redirect.reason];
  return `Vault at ${settings.url} answered ${status}: it is a standby node that cannot forward the request, and the redirect to the active node${active} cannot be followed (${why}). `
    + `Point the URL at the cluster's load balancer (or its active node), or let the standbys forward requests to the active node (request forwarding; no X-Vault-No-Request-Forwarding).`;
}

/** Plain "permission denied" on a token that is not dead (docs/vault-behaviour.md §14.1). */
export function boundCidrOrEntityMessage(settings: VaultSettings): string {
  return `Vault at ${where(settings, settings.namespace)} refused the AppRole's token with a plain "permission denied", which is not a policy denial (those say "1 error occurred"): `
    + `the role's token_bound_cidrs do not include the address Vault sees for the Activepieces workers, or the token's identity entity is disabled. `
    + `Compare token_bound_cidrs (vault read auth/${settings.appRoleMount}/role/<role>) with the workers' address as Vault sees it (after proxies and NAT), or check that the entity is enabled.`;
}

/** Login MFA is enforced on the AppRole mount: 200 with no token and an mfa_requirement (docs/vault-behaviour.md §14.6). */
export function loginMfaMessage(settings: VaultSettings): string {
  return `Vault at ${where(settings, settings.authNamespace)} asks for multi-factor authentication (login MFA) on AppRole logins at auth/${settings.appRoleMount}/, which an unattended connection cannot answer. `
    + `Leave the AppRole mount out of the login MFA enforcement (identity/mfa/login-enforcement/<name>: auth_method_accessors / auth_method_types).`;
}

/** Control groups or forced response wrapping: 200 with only wrap_info (docs/vault-behaviour.md §14.6, §10). */
export function wrappedAnswerMessage(settings: VaultSettings, what: string): string {
  return `Vault at ${settings.url} answered ${what} with a response-wrapping token instead of the answer (a control group or a policy's min_wrapping_ttl, Vault Enterprise). `
    + `The connection cannot wait for an approval or unwrap: remove control_group / min_wrapping_ttl from the policy paths the AppRole uses.`;
}

/** A CR, LF or other control character in client_token cannot be sent as a header. */
export function unusableTokenMessage(settings: VaultSettings): string {
  return `The server at ${settings.url} answered the AppRole login with a token that cannot be sent back (it has control characters or is not text). Check that the URL is Vault's API address.`;
}

/** docs/vault-behaviour.md §14.10. */
export function kvUpgradeMessage(settings: VaultSettings, mount: string): string {
  return `The KV mount "${mount}/" on ${settings.url} is being upgraded from version 1 to version 2 and does not answer until the upgrade ends (usually seconds). Try again shortly.`;
}

/** Statuses that mean the same whatever the request was. */
function commonAnswer(res: VaultResponse, settings: VaultSettings, namespace: string): string | undefined {
  const err = firstError(res);
  if (res.status === 503) {
    return /sealed/i.test(err)
      ? sealedMessage(settings)
      : `Vault at ${settings.url} is unavailable (503${err ? `: ${err}` : ''}); it may be in maintenance or failing over.`;
  }
  if ((res.status === 307 || res.status === 308) && res.unfollowedRedirect) return unfollowedRedirectMessage(res.status, res.unfollowedRedirect, settings);
  if (res.status === 429) {
    // Outside sys/health, 429 is a rate-limit quota (docs/vault-behaviour.md §14.11).
    return `Vault at ${settings.url} is rate limiting these requests (429${err ? `: ${err}` : ''}). Raise the rate-limit quota for this path (vault write sys/quotas/rate-limit/<name>), or lower the request rate.`;
  }
  if (res.status === 412) {
    return `Vault at ${settings.url} answered 412: a performance standby or replica does not have the data yet (Enterprise consistency); try again, or point the URL at the active node.${err ? ` (${err})` : ''}`;
  }
  if (isNamespaceNotFound(res)) {
    const field = namespace === settings.authNamespace && namespace !== settings.namespace ? 'Auth namespace' : 'Namespace';
    return `Namespace "${namespace}" does not exist on ${settings.url}. Check the ${field} field (child namespaces are written parent/child).`;
  }
  // 501 ("not initialised") comes only from sys/health (docs/vault-behaviour.md §14.7); elsewhere it is a plain 5xx.
  if (res.status >= 500) return `Vault at ${settings.url} answered ${res.status}${err ? `: ${err}` : ''}.`;
  return undefined;
}

export type LoginFailureKind =
  | 'credentials'
  | 'cidr'
  | 'not-enabled-or-locked'
  | 'locked-out'
  | 'not-enabled'
  | 'uninitialised'
  | 'mfa'
  | 'wrapped'
  | 'unusable-token'
  | 'other';

/** Failures after which logging in again with the same credentials only feeds Vault's lockout (docs/vault-behaviour.md §14.3). */
export function isCredentialFailure(kind: LoginFailureKind): boolean {
  return kind === 'credentials' || kind === 'locked-out' || kind === 'not-enabled-or-locked';
}

export function loginFailureMessage(res: VaultResponse, settings: VaultSettings, kind: LoginFailureKind): string {
  if (kind === 'uninitialised') return notInitialisedMessage(settings);
  if (kind === 'mfa') return loginMfaMessage(settings);
  if (kind === 'wrapped') return wrappedAnswerMessage(settings, 'the AppRole login');
  if (kind === 'unusable-token') return unusableTokenMessage(settings);
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
  return markTransientStatus(connectionFailed(loginFailureMessage(res, settings, kind)), res);
}

export function markTransientStatus<E extends Error>(err: E, res: Pick<VaultResponse, 'status' | 'errors'>): E {
  return isTransientAnswer(res) ? markTransient(err) : err;
}

/** `GET sys/mounts` refused or failed. */
export function mountsFailureMessage(res: VaultResponse, settings: VaultSettings): string {
  if (isPlainDenial(res)) return boundCidrOrEntityMessage(settings);
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
  if (isPlainDenial(res)) return boundCidrOrEntityMessage(settings);
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
  return markTransientStatus(getSecretFailed(readFailureMessage(res, settings, location), { path: rawPath }), res);
}

function readFailureMessage(res: VaultResponse, settings: VaultSettings, loc: SecretLocation): string {
  const secret = secretName(loc);
  const at = where(settings, settings.namespace);
  // A missing namespace is a 404 too (docs/vault-behaviour.md §8); it must not read as a missing secret.
  if (isNamespaceNotFound(res)) return commonAnswer(res, settings, settings.namespace)!;
  if (res.status === 404) {
    const metadata = versionMetadataOf(res);
    if (metadata?.destroyed) {
      return `Version ${metadata.version} of secret "${secret}" was destroyed and cannot be recovered. Pin another version (?version=N) or write a new one.`;
    }
    if (metadata?.deletionTime) {
      return `Version ${metadata.version} of secret "${secret}" was deleted on ${metadata.deletionTime}. Restore it with: vault kv undelete -mount=${loc.mount} -versions=${metadata.version} ${loc.secretPath}, or pin another version.`;
    }
    if (loc.version !== undefined) return `Secret "${secret}" has no version ${loc.version} on ${at}.`;
    return `Secret "${secret}" was not found on ${at}. Check the path and the namespace.${notFoundHint(loc)}`;
  }
  if (isKvUpgradeAnswer(res)) return kvUpgradeMessage(settings, loc.mount);
  if (res.status === 200 && isWrappedOnly(res)) return wrappedAnswerMessage(settings, `the read of secret "${secret}"`);
  if (isPlainDenial(res)) return boundCidrOrEntityMessage(settings);
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

/**
 * The KV v2 404 envelope of a deleted or destroyed version (docs/vault-behaviour.md §14.10):
 * read only in the shapes Vault sends (a version number, an RFC 3339 time), never quoted raw.
 */
export function versionMetadataOf(res: Pick<VaultResponse, 'body'>): { version: string; destroyed: boolean; deletionTime: string } | undefined {
  const data = res.body?.data;
  const metadata = data && typeof data === 'object' ? (data as { metadata?: unknown }).metadata : undefined;
  if (!metadata || typeof metadata !== 'object') return undefined;
  const { version, destroyed, deletion_time: deletion } = metadata as { version?: unknown; destroyed?: unknown; deletion_time?: unknown };
  const deletionTime = typeof deletion === 'string' && /^[0-9T:.+\-Z ]{1,40}$/.test(deletion) ? deletion : '';
  return { version: Number.isSafeInteger(version) ? String(version) : '?', destroyed: destroyed === true, deletionTime };
}

/** 200 with a wrap_info and nothing else to read: a control group or forced wrapping (docs/vault-behaviour.md §14.6). */
export function isWrappedOnly(res: Pick<VaultResponse, 'body'>): boolean {
  const body = res.body;
  return typeof body?.wrap_info === 'object' && body.wrap_info !== null && !body.data && !body.auth;
}

function isNamespaceNotFound(res: VaultResponse): boolean {
  return res.status === 404 && /namespace not found/i.test(firstError(res));
}

/** The secret as Vault's API names it. */
export function secretName(loc: SecretLocation): string {
  return loc.kvVersion === 2 ? `${loc.mount}/data/${loc.secretPath}` : `${loc.mount}/${loc.secretPath}`;
}


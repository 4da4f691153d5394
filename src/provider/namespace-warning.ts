import type { VaultSettings } from '../config/settings';
import type { Logger } from '../logger';
import type { VaultClient } from '../vault/client';
import { editionOf } from '../vault/edition';
import { HEALTH_PATH, type HealthBody } from '../vault/health';

/**
 * Community Edition drops `X-Vault-Namespace` without a word, so a namespace set against it reads
 * the root namespace (docs/vault-behaviour.md §14.9; HV http/util_stubs_oss.go `adjustRequest`).
 * Only asked when a namespace is set: one unauthenticated `GET sys/health`, whose query makes
 * every node state answer 2xx with its JSON (§14.7), in one attempt. Advisory: a failed or
 * unreadable answer gives no warning, and never fails Save.
 */
export async function namespaceIgnoredWarning(client: VaultClient, settings: VaultSettings, log: Logger): Promise<string | undefined> {
  if (!settings.namespace && !settings.authNamespace) return undefined;
  let body: HealthBody;
  try {
    const res = await client.send({ method: 'GET', path: HEALTH_PATH, namespace: '' }, { retry: { maxAttempts: 1 }, log });
    body = (res.body ?? {}) as HealthBody;
  } catch {
    return undefined;
  }
  if (typeof body.version !== 'string' || editionOf(body) !== 'community') return undefined;
  log.warn({}, 'vault: namespace set, but this Vault (Community Edition) ignores namespaces');
  return namespaceIgnoredText(body.version, settings);
}

function namespaceIgnoredText(version: string, settings: VaultSettings): string {
  const named = [...new Set([settings.namespace, settings.authNamespace].filter((n) => n !== ''))];
  // The version comes from the server: only a short, plain form of it is repeated.
  const shown = /^[\w.+-]{1,40}$/.test(version) ? `Vault ${version}` : 'This Vault';
  return `${shown} at ${settings.url} is Community Edition, which ignores namespaces: with namespace ${named.map((n) => `"${n}"`).join(' / ')} set, `
    + 'the login and every read happen in the root namespace. Clear the Namespace (and Auth namespace) field, or point the URL at Vault Enterprise or HCP Vault.';
}

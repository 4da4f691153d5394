import type { HealthBody } from './health';

export type Edition = 'enterprise' | 'community' | 'unknown';

/**
 * Vault Enterprise (and HCP Vault) report a version with `+ent` and `enterprise: true`; Community
 * Edition neither (docs/vault-behaviour.md §14.9). Only a Vault 1.x version without them is taken
 * for Community Edition: OpenBao (2.x) reports neither either, and honours namespaces since 2.3.
 */
export function editionOf(body: HealthBody): Edition {
  const version = body.version ?? '';
  if (body.enterprise === true || /\+ent\b/.test(version)) return 'enterprise';
  if (/^v?1\.\d+/.test(version)) return 'community';
  return 'unknown';
}

import type { VaultBody } from './client';

/**
 * What the server's version tells about a plain 403 "permission denied". Vault 1.17.0 and later
 * answer a dead token (expired, revoked, used up, unknown) with "permission denied" AND "invalid
 * token" (hashicorp/vault changelog/25953.txt), so a plain denial there is not a dead token but a
 * token_bound_cidrs mismatch or a disabled entity (vault/request_handling.go
 * fetchACLTokenEntryAndEntity). Vault up to 1.16 and OpenBao (versions 2.x, forked from 1.14)
 * send the plain form for a dead token too (docs/vault-behaviour.md §14.1).
 */
export type PlainDenialMeaning = 'not-a-dead-token' | 'maybe-a-dead-token';

/** Paths whose answer carries the server's `version` (both unauthenticated). */
const VERSION_PATHS = /^sys\/(health|seal-status)(\?|$)/;

/** The version an answer shows, when it is one of the answers that show it. */
export function learnedVersionOf(path: string, body: VaultBody | undefined): string | undefined {
  if (!VERSION_PATHS.test(path)) return undefined;
  const version = body?.version;
  return typeof version === 'string' && /^\d+\.\d+/.test(version) ? version.slice(0, 64) : undefined;
}

/**
 * HashiCorp Vault is 1.x; a 2.x is OpenBao (or anything newer we cannot vouch for), and an
 * unknown version may be either: only 1.17 and later is known to say "invalid token".
 */
export function plainDenialMeaning(version: string | undefined): PlainDenialMeaning {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!match) return 'maybe-a-dead-token';
  return Number(match[1]) === 1 && Number(match[2]) >= 17 ? 'not-a-dead-token' : 'maybe-a-dead-token';
}

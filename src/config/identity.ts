import { createHash } from 'node:crypto';
import type { AppRoleCredentials } from './credentials';
import { CONFIG_FIELDS, FIELD_NAMES, HashicorpVaultConfig, IDENTITY_FIELDS, NormalisedFields } from './fields';

/**
 * "Is this the same connection?", answered from the field list: identity fields (credentials
 * included) make the fingerprint; every field makes the raw-config comparison and the memo key.
 */

const IDENTITY_SETTINGS = IDENTITY_FIELDS.filter((n) => !CONFIG_FIELDS[n].credential) as (keyof NormalisedFields)[];

/** A truncated SHA-256 of the identity fields: no credential can be read back from it. */
export function fingerprintOf(settings: NormalisedFields, credentials: AppRoleCredentials): string {
  const hash = createHash('sha256');
  for (const name of IDENTITY_SETTINGS) hash.update(String(settings[name] ?? '')).update('\0');
  credentials.digestInto(hash);
  return hash.digest('hex').slice(0, 24);
}

/** Same stored values, field by field (the engine may hand us a new object on every call). */
export function sameConfigValues(a: HashicorpVaultConfig, b: HashicorpVaultConfig): boolean {
  if (a === b) return true;
  for (const name of FIELD_NAMES) if (a[name] !== b[name]) return false;
  return true;
}

/** Every field in the list's order: a memo key for a config (kept in memory only, never logged). */
export function configKey(config: HashicorpVaultConfig): string {
  return JSON.stringify(FIELD_NAMES.map((name) => config[name]));
}

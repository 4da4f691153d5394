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

type SameValues = (a: HashicorpVaultConfig, b: HashicorpVaultConfig) => boolean;

/**
 * Same stored values, field by field (the engine may hand us a new object on every call). This
 * runs for every reference on the warm path: a loop over the names reads the fields by a key
 * that changes each turn (a megamorphic load, ~10× slower, measured by the bench's warm
 * scenario), so the comparison is generated once from the field list, one named load a field.
 * The names are this package's own constants (CONFIG_FIELDS), never input.
 */
export const sameConfigValues: SameValues = compileSameValues();

function compileSameValues(): SameValues {
  const checks = FIELD_NAMES.map((name) => `a[${JSON.stringify(name)}] === b[${JSON.stringify(name)}]`).join(' && ');
  return new Function('a', 'b', `return a === b || (${checks});`) as SameValues;
}

/** Every field in the list's order: a memo key for a config (kept in memory only, never logged). */
export function configKey(config: HashicorpVaultConfig): string {
  return JSON.stringify(FIELD_NAMES.map((name) => config[name]));
}

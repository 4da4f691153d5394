import { validationFailed } from '../activepieces/errors';
import { AppRoleCredentials } from './credentials';
import { CONFIG_FIELDS, FIELD_NAMES, NormalisedFields } from './fields';
import { fingerprintOf } from './identity';
import { hashicorpVaultConfigSchema } from './schema';

/** A connection config parsed, normalised and safe to log: every field but the credentials. */
export type VaultSettings = NormalisedFields & {
  readonly credentials: AppRoleCredentials;
  /** Changes whenever an identity field does, credentials included; part of every cache key. */
  readonly fingerprint: string;
};

export function parseVaultConfig(raw: unknown): VaultSettings {
  const parsed = hashicorpVaultConfigSchema().safeParse(raw);
  if (!parsed.success) {
    // Name the fields only: a zod issue can quote the input, and the input holds credentials.
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(config)'))];
    throw validationFailed(`Invalid HashiCorp Vault connection config: check ${fields.join(', ')}.`);
  }
  const values = parsed.data as Record<string, unknown>;
  const settings: Record<string, unknown> = {};
  const credentials: Record<string, string> = {};
  for (const name of FIELD_NAMES) {
    const spec = CONFIG_FIELDS[name];
    const value = (spec.normalise as (v: unknown, others: Record<string, unknown>) => unknown)(values[name], values);
    if (spec.credential) credentials[name] = value as string;
    else settings[name] = value;
  }
  const normalised = settings as NormalisedFields;
  const appRole = new AppRoleCredentials(credentials.roleId, credentials.secretId);
  return Object.freeze({ ...normalised, credentials: appRole, fingerprint: fingerprintOf(normalised, appRole) });
}


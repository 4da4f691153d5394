import type { z } from 'zod';
import { CONFIG_FIELDS, FieldKind, FIELD_NAMES } from './fields';

/** Blank text is absent (the form sends `''` for an untouched optional field). */
const emptyToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);

function schemaFor(zod: typeof z, kind: FieldKind, required: boolean): z.ZodType {
  switch (kind) {
    case 'checkbox':
      return zod.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : emptyToUndefined(v)), zod.boolean().optional());
    case 'number':
      return zod.preprocess(emptyToUndefined, zod.coerce.number().finite().optional());
    default:
      return required ? zod.string() : zod.preprocess(emptyToUndefined, zod.string().optional());
  }
}

/** The zod schema of a stored config. */
export type ConfigSchema = z.ZodObject<Record<string, z.ZodType>>;
let built: ConfigSchema | undefined;

/**
 * The stored config's schema, one entry per field of CONFIG_FIELDS. Its four Activepieces fields
 * accept what Activepieces' `HashicorpProviderConfigSchema` accepts (a test holds the two side by
 * side). Built on first use: zod takes ~60 ms to load, and the engine loads the package at start.
 */
export function hashicorpVaultConfigSchema(): ConfigSchema {
  return (built ??= buildSchema());
}

function buildSchema(): ConfigSchema {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const zod = require('zod') as typeof z;
  return zod.object(Object.fromEntries(FIELD_NAMES.map((name) => [name, schemaFor(zod, CONFIG_FIELDS[name].kind, CONFIG_FIELDS[name].required)])));
}

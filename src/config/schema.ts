import { z } from 'zod';
import { CONFIG_FIELDS, FieldKind, FIELD_NAMES } from './fields';

/** Blank text is absent (the form sends `''` for an untouched optional field). */
const emptyToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);

function schemaFor(kind: FieldKind, required: boolean): z.ZodType {
  switch (kind) {
    case 'checkbox':
      return z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : emptyToUndefined(v)), z.boolean().optional());
    case 'number':
      return z.preprocess(emptyToUndefined, z.coerce.number().finite().optional());
    default:
      return required ? z.string() : z.preprocess(emptyToUndefined, z.string().optional());
  }
}

/**
 * The stored config's schema, one entry per field of CONFIG_FIELDS. Its four Activepieces fields
 * accept what Activepieces' `HashicorpProviderConfigSchema` accepts (a test holds the two side by side).
 */
export const HashicorpVaultConfigSchema = z.object(
  Object.fromEntries(FIELD_NAMES.map((name) => [name, schemaFor(CONFIG_FIELDS[name].kind, CONFIG_FIELDS[name].required)])),
);

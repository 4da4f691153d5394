import type { AppConnectionType, AppConnectionValue } from '@activepieces/shared/src/lib/automation/app-connection/app-connection';
import { asHostError, validationFailed } from './errors';
import type { ResolveContext } from './resolve-references';
import { resolveSecretReferences } from './resolve-references';

/** Every OAuth2 field that holds text or an object of texts (not `type`, numbers or enums). */
const OAUTH2_FIELDS = [
  'client_id', 'client_secret', 'access_token', 'refresh_token', 'token_type', 'scope', 'token_url', 'redirect_url', 'props', 'data',
] as const;

/**
 * The fields of each connection type that may hold a reference. Activepieces' connection form
 * offers the key icon on `secret_text`, `username`, `password`, `client_id`, `client_secret` and
 * custom-auth props; its server resolves any string in the value (its walk goes into objects,
 * not arrays) before the engine sees it. We take every text field of the type, so nothing the
 * server would resolve is left unresolved, and never `type`, numbers or enums.
 */
export const REFERENCE_FIELDS: Readonly<Record<`${AppConnectionType}`, readonly string[]>> = {
  SECRET_TEXT: ['secret_text'],
  BASIC_AUTH: ['username', 'password'],
  CUSTOM_AUTH: ['props'],
  OIDC: ['props'],
  OAUTH2: OAUTH2_FIELDS,
  PLATFORM_OAUTH2: OAUTH2_FIELDS,
  CLOUD_OAUTH2: OAUTH2_FIELDS,
  NO_AUTH: [],
};

/**
 * Resolves the Vault references in a piece connection value and returns a value of the same
 * type (a copy; the input is not changed). Built on `resolveSecretReferences`, so scope checks,
 * the failure policy (`context.onFailure`; Activepieces' engine endpoint behaves like
 * `'keep-reference'`) and errors naming the field are the same.
 */
export async function resolveConnectionValue<V extends AppConnectionValue>(value: V, context: ResolveContext): Promise<V> {
  let fields: readonly string[];
  try {
    fields = referenceFieldsOf(value);
  } catch (err) {
    throw asHostError(err, context.errorClass);
  }
  const present: Record<string, unknown> = {};
  for (const field of fields) {
    if (Object.prototype.hasOwnProperty.call(value, field)) present[field] = (value as Record<string, unknown>)[field];
  }
  const resolved = await resolveSecretReferences(present, { ...context, walkArrays: false });
  return { ...value, ...resolved };
}

function referenceFieldsOf(value: unknown): readonly string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw validationFailed('A connection value must be an object with a "type".');
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(REFERENCE_FIELDS, type)) {
    const known = Object.keys(REFERENCE_FIELDS).join(', ');
    throw validationFailed(`Unknown connection type ${typeof type === 'string' ? `"${type.slice(0, 40)}"` : '(none)'}; expected one of ${known}.`);
  }
  return REFERENCE_FIELDS[type as `${AppConnectionType}`];
}

import {
  DEFAULT_APPROLE_MOUNT, DEFAULT_CACHE_TTL_SECONDS, DEFAULT_REQUEST_TIMEOUT_SECONDS, MAX_CACHE_TTL_SECONDS, MAX_REQUEST_TIMEOUT_SECONDS,
} from './defaults';
import { bounded, nonBlank, normaliseCa, normaliseMount, normaliseNamespace, normaliseUrl } from './normalise';

/**
 * The one list of connection config fields. The schema, parsing, the settings type, the
 * fingerprint, "same config", the server adapter's identity and advanced options, and the
 * connection form are all derived from it: adding a field is one edit here.
 */

/** How a field is typed in and stored: the form widget and the JSON type Activepieces keeps. */
export type FieldKind = 'text' | 'longText' | 'secretText' | 'checkbox' | 'number';

/** A value after the schema: blank text is absent; "true"/"false" and numeric strings are coerced. */
type SchemaValue<K extends FieldKind> = K extends 'checkbox' ? boolean : K extends 'number' ? number : string;
export type Parsed<K extends FieldKind, R extends boolean> = SchemaValue<K> | (R extends true ? never : undefined);

export interface FieldSpec<K extends FieldKind = FieldKind, R extends boolean = boolean, Out = unknown> {
  readonly kind: K;
  readonly required: R;
  /**
   * An edit of an identity field makes another connection: a new login and new cache keys.
   * An edit of any other field retunes the connection in place (same token, same cached values).
   */
  readonly identity: boolean;
  /** Part of Activepieces' own HashiCorp form and request schema; the others are our advanced options. */
  readonly activepieces: boolean;
  /** Goes into the AppRole credentials (private fields), never into the settings. */
  readonly credential: boolean;
  readonly displayName: string;
  readonly description: string;
  /** From the schema's value to the settings' value; `others` are the other fields after the schema. */
  readonly normalise: (value: Parsed<K, R>, others: Readonly<Record<string, unknown>>) => Out;
}

function field<K extends FieldKind, R extends boolean, Out>(spec: FieldSpec<K, R, Out>): FieldSpec<K, R, Out> {
  return spec;
}

export const CONFIG_FIELDS = {
  url: field({
    kind: 'text', required: true, identity: true, activepieces: true, credential: false,
    displayName: 'URL',
    description: 'Address of Vault, e.g. https://vault.example.com:8200 (http:// or https:// only).',
    normalise: (v) => normaliseUrl(v),
  }),
  roleId: field({
    kind: 'secretText', required: true, identity: true, activepieces: true, credential: true,
    displayName: 'Role ID',
    description: 'vault read auth/<mount>/role/<role>/role-id',
    normalise: (v) => nonBlank(v, 'roleId'),
  }),
  secretId: field({
    kind: 'secretText', required: true, identity: true, activepieces: true, credential: true,
    displayName: 'Secret ID',
    description: 'vault write -f auth/<mount>/role/<role>/secret-id',
    normalise: (v) => nonBlank(v, 'secretId'),
  }),
  namespace: field({
    kind: 'text', required: false, identity: true, activepieces: true, credential: false,
    displayName: 'Namespace',
    description: 'Vault Enterprise / HCP namespace holding the secrets, e.g. admin/team-a. Empty for the root namespace.',
    /** `''` for the root namespace. */
    normalise: (v) => normaliseNamespace(v, 'namespace'),
  }),
  appRoleMount: field({
    kind: 'text', required: false, identity: true, activepieces: false, credential: false,
    displayName: 'AppRole mount path',
    description: `Where AppRole is enabled (vault auth enable -path=<this> approle). Default: ${DEFAULT_APPROLE_MOUNT}.`,
    normalise: (v) => normaliseMount(v, DEFAULT_APPROLE_MOUNT),
  }),
  authNamespace: field({
    kind: 'text', required: false, identity: true, activepieces: false, credential: false,
    displayName: 'Auth namespace',
    description: 'Namespace to log in to, when the AppRole lives in a parent of the secrets namespace ("root" for the root namespace). Default: the namespace above.',
    normalise: (v, others) =>
      v === undefined ? normaliseNamespace(others.namespace as string | undefined, 'namespace') : normaliseNamespace(v, 'authNamespace'),
  }),
  caCertificate: field({
    kind: 'longText', required: false, identity: true, activepieces: false, credential: false,
    displayName: 'CA certificate (PEM)',
    description: "The CA that signed Vault's TLS certificate, for a private PKI. Default: the system CAs.",
    normalise: (v) => normaliseCa(v),
  }),
  tlsSkipVerify: field({
    kind: 'checkbox', required: false, identity: true, activepieces: false, credential: false,
    displayName: 'Skip TLS verification',
    description: 'Accept any certificate. Insecure: for tests only. Default: off.',
    normalise: (v) => v ?? false,
  }),
  requestTimeoutSeconds: field({
    kind: 'number', required: false, identity: false, activepieces: false, credential: false,
    displayName: 'Request timeout (seconds)',
    description: `How long to wait for one Vault answer. Default: ${DEFAULT_REQUEST_TIMEOUT_SECONDS}.`,
    normalise: (v) => bounded(v, DEFAULT_REQUEST_TIMEOUT_SECONDS, 1, MAX_REQUEST_TIMEOUT_SECONDS, 'requestTimeoutSeconds'),
  }),
  cacheTtlSeconds: field({
    kind: 'number', required: false, identity: false, activepieces: false, credential: false,
    displayName: 'Cache TTL (seconds)',
    description: `How long a secret read is reused before Vault is asked again; 0 disables caching. Default: ${DEFAULT_CACHE_TTL_SECONDS}.`,
    normalise: (v) => bounded(v, DEFAULT_CACHE_TTL_SECONDS, 0, MAX_CACHE_TTL_SECONDS, 'cacheTtlSeconds'),
  }),
} as const;

type Fields = typeof CONFIG_FIELDS;
export type FieldName = keyof Fields;

/** The field names in their fixed order (the order of the list above). */
export const FIELD_NAMES = Object.keys(CONFIG_FIELDS) as FieldName[];

type KindOf<N extends FieldName> = Fields[N]['kind'];
/** What may be stored: strings for everything, as the form sends them; booleans and numbers as JSON has them. */
type StoredValue<K extends FieldKind> = K extends 'checkbox' ? boolean | string : K extends 'number' ? number | string : string;
type RequiredName = { [N in FieldName]: Fields[N]['required'] extends true ? N : never }[FieldName];
type OptionalName = Exclude<FieldName, RequiredName>;

/**
 * The connection config exactly as Activepieces stores it (JSON, by these keys): `url`, `roleId`,
 * `secretId`, `namespace` are Activepieces' own HashiCorp schema; the rest are our advanced
 * options. Absent or blank means the default. See CONFIG_FIELDS for each field's meaning.
 */
export type HashicorpVaultConfig = { [N in RequiredName]: StoredValue<KindOf<N>> } & {
  [N in OptionalName]?: StoredValue<KindOf<N>> | undefined;
};

export type AdvancedFieldName = { [N in FieldName]: Fields[N]['activepieces'] extends true ? never : N }[FieldName];
/** Our advanced options; Activepieces' form (and its request schema) carries none of them. */
export type AdvancedVaultOptions = { [N in AdvancedFieldName]?: StoredValue<KindOf<N>> | undefined };

export type CredentialFieldName = { [N in FieldName]: Fields[N]['credential'] extends true ? N : never }[FieldName];
export type SettingsFieldName = Exclude<FieldName, CredentialFieldName>;
/** Each non-credential field, normalised. */
export type NormalisedFields = { readonly [N in SettingsFieldName]: ReturnType<Fields[N]['normalise']> };

export const IDENTITY_FIELDS = FIELD_NAMES.filter((n) => CONFIG_FIELDS[n].identity);

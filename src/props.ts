/**
 * `<package>/props`: the connection form as `@activepieces/pieces-framework` properties, for a
 * piece or a server that builds the form itself. Needs the optional peer dependency
 * `@activepieces/pieces-framework`; the main entry never loads it.
 */
export { hashicorpVaultPieceProps } from './provider/piece-props';
export type { HashicorpVaultPieceProps } from './provider/piece-props';
export { CONFIG_FIELDS, FIELD_NAMES } from './config/fields';
export type { FieldName, FieldKind, FieldSpec } from './config/fields';

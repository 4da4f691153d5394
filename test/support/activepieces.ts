/** Activepieces' own values for tests (the package itself keeps only the light ones, src/activepieces/shared.ts). */
export { ActivepiecesError, ErrorCode } from '../../src/activepieces/shared';
export {
  HashicorpProviderConfigSchema, SECRET_MANAGER_PROVIDERS_METADATA, SecretManagerConnectionScope, SecretManagerFieldsSeparator,
  SecretManagerProviderId, SecretManagerProviderMetaDataSchema,
} from '@activepieces/shared/src/lib/ee/secret-managers';

/**
 * HashiCorp Vault secret-manager provider for Activepieces: the public surface.
 */
export {
  createHashicorpVaultProvider,
  hashicorpVaultProvider,
  DEFAULT_MAX_CACHE_ENTRIES,
  DEFAULT_STALE_IF_ERROR_SECONDS,
} from './provider';
export type { HashicorpVaultProvider, HashicorpVaultProviderOptions, HashicorpMetadata, ResolveInput } from './provider';
export type { ValidationSummary } from './validate';
export type { HashicorpVaultConfig } from './config';
export { HashicorpVaultConfigSchema, parseVaultConfig, DEFAULT_APPROLE_MOUNT, DEFAULT_CACHE_TTL_SECONDS, DEFAULT_REQUEST_TIMEOUT_SECONDS } from './config';
export type { HashicorpVaultProps } from './props';
export { resolveSecretReferences } from './resolve-references';
export type { ResolveContext, SecretManagerConnection, SecretResolvingProvider, FailurePolicy } from './resolve-references';
export { parseSecretReference, formatSecretReference, isSecretReference } from './references';
export type { SecretReference } from './references';
export { parseSecretPath } from './secret-path';
export type { SecretPath } from './secret-path';
export type { Logger } from './logger';
export type { RetryPolicy } from './vault/retry';
export { toActivepiecesSecretManagerProvider, connectionIdForConfig, DEFAULT_MAX_ADAPTER_CONNECTIONS } from './activepieces-adapter';
export type {
  ActivepiecesSecretManagerProvider, ActivepiecesAdapterOptions, ActivepiecesErrorClass, AdvancedVaultOptions,
} from './activepieces-adapter';
export { resolveConnectionValue, REFERENCE_FIELDS } from './connection-value';

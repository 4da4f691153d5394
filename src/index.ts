/**
 * HashiCorp Vault secret-manager provider for Activepieces: the public surface.
 */
export {
  createHashicorpVaultProvider,
  hashicorpVaultProvider,
  DEFAULT_MAX_CACHE_ENTRIES,
  DEFAULT_STALE_IF_ERROR_SECONDS,
} from './provider/provider';
export type { HashicorpVaultProvider, HashicorpVaultProviderOptions, HashicorpMetadata, ResolveInput, InvalidateResult } from './provider/provider';
export type { RedisOptions, RedisClientLike } from './redis/options';
export type { ValidationSummary } from './provider/validate';
export type { HashicorpVaultConfig, AdvancedVaultOptions, FieldName, FieldKind, FieldSpec, Parsed } from './config/fields';
export { CONFIG_FIELDS, FIELD_NAMES } from './config/fields';
export type { VaultSettings } from './config/settings';
export type { AppRoleCredentials } from './config/credentials';
export { parseVaultConfig } from './config/settings';
export { hashicorpVaultConfigSchema } from './config/schema';
export type { ConfigSchema } from './config/schema';
export type { SecretManagerProviderMetadata } from './activepieces/shared';
export { DEFAULT_APPROLE_MOUNT, DEFAULT_CACHE_TTL_SECONDS, DEFAULT_REQUEST_TIMEOUT_SECONDS } from './config/defaults';
export type { HashicorpVaultProps, ConnectionFormProperty } from './provider/props';
export { resolveSecretReferences } from './activepieces/resolve-references';
export type { ResolveContext, SecretManagerConnection, SecretResolvingProvider, FailurePolicy } from './activepieces/resolve-references';
export { parseSecretReference, formatSecretReference, isSecretReference } from './activepieces/references';
export type { SecretReference } from './activepieces/references';
export { parseSecretPath } from './vault/kv-path';
export type { SecretPath } from './vault/kv-path';
export type { Logger } from './logger';
export type { RetryPolicy } from './vault/retry';
export { toActivepiecesSecretManagerProvider, connectionIdForConfig, DEFAULT_MAX_ADAPTER_CONNECTIONS } from './activepieces/server-adapter';
export type { ActivepiecesSecretManagerProvider, ActivepiecesAdapterOptions } from './activepieces/server-adapter';
export type { ActivepiecesErrorClass } from './activepieces/errors';
export { resolveConnectionValue, REFERENCE_FIELDS } from './activepieces/connection-value';
// The OpenTelemetry shapes the `telemetry` option accepts, written structurally (no import of @opentelemetry/api).
export type {
  TelemetryOptions,
  MeterProviderLike,
  TracerProviderLike,
  MeterLike,
  TracerLike,
  CounterLike,
  HistogramLike,
  ObservableLike,
  InstrumentOptions,
  BatchObservableCallbackLike,
  BatchObservableResultLike,
  SpanLike,
  SpanOptionsLike,
  Attributes,
  AttributeValue,
  InstrumentSpec,
  InstrumentKind,
} from './telemetry';
export { INSTRUMENTS } from './telemetry';

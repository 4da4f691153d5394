/**
 * The few Activepieces facts this package builds on, imported from their own modules.
 *
 * Why deep imports: requiring `@activepieces/shared` whole costs ~0.5 s of start-up (it loads
 * every entity schema); these two modules cost ~0.15 s. They are the very files the package
 * index re-exports, so `instanceof ActivepiecesError` still holds for code that imports the
 * package root, as long as one copy of `@activepieces/shared` is installed: it is a peer
 * dependency, so the host's copy is the one loaded here (scripts/check-consumers.js checks
 * `instanceof` against the host's class for each minor of the peer range).
 */
export { ActivepiecesError, ErrorCode } from '@activepieces/shared/src/lib/core/common/activepieces-error';
export {
  HashicorpProviderConfigSchema,
  SECRET_MANAGER_PROVIDERS_METADATA,
  SecretManagerConnectionScope,
  SecretManagerFieldsSeparator,
  SecretManagerProviderId,
} from '@activepieces/shared/src/lib/ee/secret-managers';

import type { SECRET_MANAGER_PROVIDERS_METADATA, SecretManagerProviderId } from '@activepieces/shared/src/lib/ee/secret-managers';

/**
 * The few Activepieces facts this package builds on.
 *
 * Why deep imports: requiring `@activepieces/shared` whole costs ~0.5 s of start-up (it loads
 * every entity schema). The error class comes from its own module, the very file the package
 * index re-exports, so `instanceof ActivepiecesError` holds for code that imports the package
 * root, as long as one copy of `@activepieces/shared` is installed: it is a peer dependency, so
 * the host's copy is the one loaded here (scripts/check-consumers.js checks `instanceof` against
 * the host's class for each minor of the peer range).
 *
 * Why constants: the `secret-managers` module loads zod and every provider schema (~90 ms), and
 * resolving a secret needs three of its strings only. They are written here, a test
 * (test/fit/activepieces-constants.test.ts) holds them equal to the module's, and the module is
 * loaded on first use of what only it has (the providers' metadata).
 */
export { ActivepiecesError, ErrorCode } from '@activepieces/shared/src/lib/core/common/activepieces-error';
export type { HashicorpProviderConfig, SecretManagerConnectionScope, SecretManagerProviderId } from '@activepieces/shared/src/lib/ee/secret-managers';

/** `SecretManagerProviderId.HASHICORP`. */
export const HASHICORP_PROVIDER_ID = 'hashicorp' as SecretManagerProviderId.HASHICORP;
/** `SecretManagerFieldsSeparator`: between the connection id and the path of a reference. */
export const REFERENCE_SEPARATOR = '|ap_sep_v1|';
/** `SecretManagerConnectionScope`'s values. */
export const SCOPE = { PLATFORM: 'PLATFORM', PROJECT: 'PROJECT' } as const;

/** One entry of Activepieces' list of secret-manager providers. */
export type SecretManagerProviderMetadata = (typeof SECRET_MANAGER_PROVIDERS_METADATA)[number];

export type SecretManagersModule = typeof import('@activepieces/shared/src/lib/ee/secret-managers');
let secretManagers: SecretManagersModule | undefined;

/** `@activepieces/shared`'s secret-managers module, loaded on first use. */
export function secretManagersModule(): SecretManagersModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  secretManagers ??= require('@activepieces/shared/src/lib/ee/secret-managers') as SecretManagersModule;
  return secretManagers;
}

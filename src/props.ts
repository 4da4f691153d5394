import type {
  CheckboxProperty, LongTextProperty, NumberProperty, SecretTextProperty, ShortTextProperty,
} from '@activepieces/pieces-framework';
import { DEFAULT_APPROLE_MOUNT, DEFAULT_CACHE_TTL_SECONDS, DEFAULT_REQUEST_TIMEOUT_SECONDS } from './config';

/** The connection form; keys are the config keys Activepieces stores (see config.ts). */
export interface HashicorpVaultProps {
  url: ShortTextProperty<true>;
  roleId: SecretTextProperty<true>;
  secretId: SecretTextProperty<true>;
  namespace: ShortTextProperty<false>;
  appRoleMount: ShortTextProperty<false>;
  authNamespace: ShortTextProperty<false>;
  caCertificate: LongTextProperty<false>;
  tlsSkipVerify: CheckboxProperty<false>;
  requestTimeoutSeconds: NumberProperty<false>;
  cacheTtlSeconds: NumberProperty<false>;
}

let built: HashicorpVaultProps | undefined;

/**
 * Built on first use: `@activepieces/pieces-framework` takes ~0.6 s to load, and the engine
 * resolving secrets never needs the form.
 */
export function hashicorpVaultProps(): HashicorpVaultProps {
  built ??= buildProps();
  return built;
}

function buildProps(): HashicorpVaultProps {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Property, PieceAuth } = require('@activepieces/pieces-framework') as typeof import('@activepieces/pieces-framework');
  return {
    url: Property.ShortText({
      displayName: 'URL',
      description: 'Address of Vault, e.g. https://vault.example.com:8200 (http:// or https:// only).',
      required: true,
    }),
    roleId: PieceAuth.SecretText({
      displayName: 'Role ID',
      description: 'vault read auth/<mount>/role/<role>/role-id',
      required: true,
    }),
    secretId: PieceAuth.SecretText({
      displayName: 'Secret ID',
      description: 'vault write -f auth/<mount>/role/<role>/secret-id',
      required: true,
    }),
    namespace: Property.ShortText({
      displayName: 'Namespace',
      description: 'Vault Enterprise / HCP namespace holding the secrets, e.g. admin/team-a. Empty for the root namespace.',
      required: false,
    }),
    appRoleMount: Property.ShortText({
      displayName: 'AppRole mount path',
      description: `Where AppRole is enabled (vault auth enable -path=<this> approle). Default: ${DEFAULT_APPROLE_MOUNT}.`,
      required: false,
    }),
    authNamespace: Property.ShortText({
      displayName: 'Auth namespace',
      description: 'Namespace to log in to, when the AppRole lives in a parent of the secrets namespace ("root" for the root namespace). Default: the namespace above.',
      required: false,
    }),
    caCertificate: Property.LongText({
      displayName: 'CA certificate (PEM)',
      description: 'The CA that signed Vault\'s TLS certificate, for a private PKI. Default: the system CAs.',
      required: false,
    }),
    tlsSkipVerify: Property.Checkbox({
      displayName: 'Skip TLS verification',
      description: 'Accept any certificate. Insecure: for tests only. Default: off.',
      required: false,
      defaultValue: false,
    }),
    requestTimeoutSeconds: Property.Number({
      displayName: 'Request timeout (seconds)',
      description: `How long to wait for one Vault answer. Default: ${DEFAULT_REQUEST_TIMEOUT_SECONDS}.`,
      required: false,
    }),
    cacheTtlSeconds: Property.Number({
      displayName: 'Cache TTL (seconds)',
      description: `How long a secret read is reused before Vault is asked again; 0 disables caching. Default: ${DEFAULT_CACHE_TTL_SECONDS}.`,
      required: false,
    }),
  };
}

/**
 * A consumer of the packed package (main entry and `/testing`), compiled with `strict`,
 * `skipLibCheck: false` and `exactOptionalPropertyTypes` under module commonjs, nodenext and
 * bundler, then run: it resolves a secret from the Vault double and checks that our errors are
 * `instanceof` the host's own `ActivepiecesError`.
 */
import {
  createHashicorpVaultProvider, formatSecretReference, parseVaultConfig, resolveConnectionValue, resolveSecretReferences,
  toActivepiecesSecretManagerProvider,
} from '@activepieces-community/secret-manager-hashicorp-vault';
import type {
  ActivepiecesAdapterOptions, HashicorpVaultConfig, HashicorpVaultProps, HashicorpVaultProvider, ResolveContext, SecretManagerConnection, VaultSettings,
} from '@activepieces-community/secret-manager-hashicorp-vault';
import { provisionAppRole, VaultAdmin, VaultDouble } from '@activepieces-community/secret-manager-hashicorp-vault/testing';
// Types from the module the package itself builds on (the root index costs ~30 s of type checking);
// at run time the class is the host's, from the package root, as a server imports it.
import type { ActivepiecesError as SharedActivepiecesError } from '@activepieces/shared/src/lib/core/common/activepieces-error';
import { AppConnectionType } from '@activepieces/shared/src/lib/automation/app-connection/app-connection';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ActivepiecesError } = require('@activepieces/shared') as { ActivepiecesError: typeof SharedActivepiecesError };

// Values of `string | undefined` where the types say optional (exactOptionalPropertyTypes).
const adapterOptions: ActivepiecesAdapterOptions = {
  errorClass: ActivepiecesError,
  defaults: { appRoleMount: process.env.AP_VAULT_APPROLE_MOUNT, caCertificate: process.env.AP_VAULT_CA_PEM },
};

function fail(message: string): never {
  throw new Error(`consumer: ${message}`);
}

async function main(): Promise<void> {
  const double = await VaultDouble.start();
  // The double listens on loopback, which the network guard refuses unless allowed.
  const provider = createHashicorpVaultProvider({ allowedNetworks: ['127.0.0.1/32'] });
  try {
    const admin = new VaultAdmin(double.url, double.rootToken, { ca: double.caCertificatePem });
    const setup = await provisionAppRole(admin, { approleMount: 'approle' });
    await admin.putKv2(setup.kvMount, 'crm', { api_key: 'k-123' });
    const config: HashicorpVaultConfig = { url: double.url, roleId: setup.credentials.roleId, secretId: setup.credentials.secretId, namespace: process.env.NO_SUCH_NAMESPACE };
    const settings: VaultSettings = parseVaultConfig(config);
    if (settings.url !== double.url) fail(`settings.url is ${settings.url}`);

    const connection: SecretManagerConnection = { id: 'conn1', platformId: 'p1', providerId: provider.id, scope: 'PLATFORM', config };
    const context: ResolveContext = { platformId: 'p1', projectId: process.env.NO_SUCH_PROJECT, getConnection: () => connection, providers: [provider] };
    const reference = formatSecretReference({ connectionId: 'conn1', path: `${setup.kvMount}/data/crm/api_key` });
    const resolved = await resolveSecretReferences({ key: reference }, context);
    if (resolved.key !== 'k-123') fail('the reference did not resolve');
    const value = await resolveConnectionValue({ type: AppConnectionType.SECRET_TEXT as const, secret_text: reference }, context);
    if (value.secret_text !== 'k-123') fail('the connection value did not resolve');

    const adapter = toActivepiecesSecretManagerProvider(provider, adapterOptions);
    const missing = await adapter.getSecret({ path: `${setup.kvMount}/data/none/key` }, config).then(() => undefined, (err: unknown) => err);
    if (!(missing instanceof ActivepiecesError)) fail('an adapter error is not instanceof the host ActivepiecesError');
    const direct = await provider.resolve({ connectionId: 'c2', config, path: `${setup.kvMount}/data/none/key` }).then(() => undefined, (err: unknown) => err);
    if (!(direct instanceof ActivepiecesError)) fail('a provider error is not instanceof the host ActivepiecesError (two copies of @activepieces/shared?)');

    if (loadedPiecesFramework()) fail('the main entry loaded @activepieces/pieces-framework');
    const form = formOf(provider);
    if ((form !== undefined) !== (process.env.EXPECT_PROPS === '1')) fail(`provider.props is ${form ? 'built' : 'absent'}, EXPECT_PROPS=${process.env.EXPECT_PROPS}`);
    if (form && form.url.displayName !== 'URL') fail('provider.props.url is not the URL field');
    console.log(`consumer ok: resolved, errors instanceof the host ActivepiecesError, props ${form ? 'built' : 'absent (optional peer)'}`);
  } finally {
    await provider.close();
    await double.stop();
  }
}

/** The form, or undefined when the optional peer @activepieces/pieces-framework is not installed. */
function formOf(provider: HashicorpVaultProvider): HashicorpVaultProps | undefined {
  try {
    return provider.props;
  } catch (err) {
    if (err instanceof Error && err.message.includes('optional peer dependency')) return undefined;
    throw err;
  }
}

/** Whether pieces-framework is in the CommonJS module cache (an ESM build has no `require.cache`). */
function loadedPiecesFramework(): boolean {
  return typeof require !== 'undefined' && Object.keys(require.cache).some((file) => file.includes('pieces-framework'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

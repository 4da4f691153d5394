/**
 * An ES module consumer: named imports from the CommonJS package (Node finds them with its
 * CommonJS export detection), compiled under nodenext and run.
 */
import { createHashicorpVaultProvider, isSecretReference, parseSecretPath } from '@activepieces-community/secret-manager-hashicorp-vault';
import type { HashicorpVaultConfig } from '@activepieces-community/secret-manager-hashicorp-vault';
import { provisionAppRole, VaultAdmin, VaultDouble } from '@activepieces-community/secret-manager-hashicorp-vault/testing';
import { createRequire } from 'node:module';
import type { ActivepiecesError as SharedActivepiecesError } from '@activepieces/shared/src/lib/core/common/activepieces-error.js';

// The host's class, from the package root (see app.ts for why not a typed root import).
const { ActivepiecesError } = createRequire(import.meta.url)('@activepieces/shared') as { ActivepiecesError: typeof SharedActivepiecesError };

const double = await VaultDouble.start();
// The double listens on loopback, which the network guard refuses unless allowed.
const provider = createHashicorpVaultProvider({ allowedNetworks: ['127.0.0.1/32'] });
try {
  const admin = new VaultAdmin(double.url, double.rootToken);
  const setup = await provisionAppRole(admin);
  await admin.putKv2(setup.kvMount, 'crm', { api_key: 'k-esm' });
  const config: HashicorpVaultConfig = { url: double.url, roleId: setup.credentials.roleId, secretId: setup.credentials.secretId, appRoleMount: setup.approleMount };
  const value = await provider.resolve({ connectionId: 'esm', config, path: `${setup.kvMount}/data/crm/api_key` });
  if (value !== 'k-esm') throw new Error('consumer (esm): wrong value');
  const failure = await provider.resolve({ connectionId: 'esm', config, path: `${setup.kvMount}/data/none/k` }).catch((err: unknown) => err);
  if (!(failure instanceof ActivepiecesError)) throw new Error('consumer (esm): error is not instanceof the host ActivepiecesError');
  if (isSecretReference('plain') || parseSecretPath(`${setup.kvMount}/data/crm/api_key`).segments.at(-1) !== 'api_key') throw new Error('consumer (esm): helpers');
  console.log('consumer ok (esm): named imports, resolved, errors instanceof the host ActivepiecesError');
} finally {
  await provider.close();
  await double.stop();
}

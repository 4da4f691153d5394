import type { HashicorpVaultConfig } from '../../src';
import type { VaultDouble, VaultDoubleOptions } from '../../src/testing/vault-double';
import { AppRoleCredentials, provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from './vault-target';

export type ProvisionedAppRole = Awaited<ReturnType<typeof provisionAppRole>>;

/** The connection config an admin would save for a provisioned AppRole. */
export function connectionConfig(url: string, setup: Pick<ProvisionedAppRole, 'credentials' | 'approleMount'>, extra: Partial<HashicorpVaultConfig> = {}): HashicorpVaultConfig {
  return { ...configOf(url, setup.credentials), appRoleMount: setup.approleMount, ...extra };
}

/** A config from bare credentials (default AppRole mount unless `extra` says otherwise). */
export function configOf(url: string, credentials: AppRoleCredentials, extra: Partial<HashicorpVaultConfig> = {}): HashicorpVaultConfig {
  return { url, roleId: credentials.roleId, secretId: credentials.secretId, ...extra };
}

/** The usual suite fixture: a double, an AppRole with a KV v2 mount it may read, and its config. */
export async function startProvisionedDouble(
  options: { double?: VaultDoubleOptions; provision?: Parameters<typeof provisionAppRole>[1] } = {},
): Promise<{ target: VaultTarget & { double: VaultDouble }; setup: ProvisionedAppRole; kvMount: string; config: HashicorpVaultConfig }> {
  const target = await startDouble(options.double);
  const setup = await provisionAppRole(target.admin, options.provision);
  return { target, setup, kvMount: setup.kvMount, config: connectionConfig(target.url, setup) };
}

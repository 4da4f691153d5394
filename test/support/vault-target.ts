import { VaultDouble, VaultDoubleOptions } from '../../src/testing/vault-double';
import { VaultAdmin } from '../../src/testing/vault-admin';

/**
 * The Vault a suite runs against: the local double, or (for contract suites, when
 * `VAULT_ADDR` and a root `VAULT_TOKEN` are set) a real Vault.
 */
export interface VaultTarget {
  readonly url: string;
  readonly admin: VaultAdmin;
  /** The double, when not running against a real Vault. */
  readonly double?: VaultDouble;
  readonly real: boolean;
  stop(): Promise<void>;
}

export function realVaultConfigured(): boolean {
  return Boolean(process.env.VAULT_ADDR && process.env.VAULT_TOKEN);
}

export async function startDouble(options: VaultDoubleOptions = {}): Promise<VaultTarget & { double: VaultDouble }> {
  const double = await VaultDouble.start(options);
  return {
    url: double.url,
    admin: new VaultAdmin(double.url, double.rootToken, { ca: double.caCertificatePem }),
    double,
    real: false,
    stop: () => double.stop(),
  };
}

/** A real Vault when configured, else the double. */
export async function startContractTarget(): Promise<VaultTarget> {
  if (!realVaultConfigured()) return startDouble();
  const url = process.env.VAULT_ADDR!.replace(/\/+$/, '');
  return { url, admin: new VaultAdmin(url, process.env.VAULT_TOKEN!), real: true, stop: async () => undefined };
}

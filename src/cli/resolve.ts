import type { HashicorpVaultConfig } from '../config/fields';
import { createHashicorpVaultProvider, type HashicorpVaultProviderOptions } from '../provider/provider';

export type ResolveOptions = Pick<HashicorpVaultProviderOptions, 'logger' | 'allowedNetworks' | 'environment'>;

/** Reads one value through the provider, as the engine would (its network guard included); the caller decides how to show it. */
export async function resolveOne(config: HashicorpVaultConfig, path: string, options: ResolveOptions = {}): Promise<string> {
  const provider = createHashicorpVaultProvider(options);
  try {
    return await provider.resolve({ connectionId: 'ap-vault-resolve', config, path });
  } finally {
    await provider.close();
  }
}

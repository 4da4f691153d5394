import type { HashicorpVaultConfig } from '../config/fields';
import type { Logger } from '../logger';
import { createHashicorpVaultProvider } from '../provider/provider';

/** Reads one value through the provider, as the engine would; the caller decides how to show it. */
export async function resolveOne(config: HashicorpVaultConfig, path: string, logger?: Logger): Promise<string> {
  const provider = createHashicorpVaultProvider({ logger });
  try {
    return await provider.resolve({ connectionId: 'ap-vault-resolve', config, path });
  } finally {
    await provider.close();
  }
}

import { humanMessage } from '../activepieces/errors';
import { parseAllowList } from '../vault/network-guard';
import { UsageError, type CommandLine } from './args';
import type { CliIo } from './io';

/** What every command hands the network guard: the same rule as the Activepieces server's, plus `--allow-network`. */
export interface CliNetworks {
  /** `--allow-network` entries, each flag split at commas. */
  allowedNetworks: string[];
  /** Where AP_SSRF_ALLOW_LIST is read: the command's own environment (`io.env`), never `process.env` behind its back. */
  environment: NodeJS.ProcessEnv;
}

/** Throws UsageError (exit 2, nothing sent) for an entry that is not an IP or CIDR. */
export function networksFor(line: CommandLine, io: Pick<CliIo, 'env'>): CliNetworks {
  const allowedNetworks = line.flags.allowNetworks.flatMap((flag) => {
    try {
      return [...parseAllowList(flag, '--allow-network').entries];
    } catch (err) {
      throw new UsageError(humanMessage(err));
    }
  });
  return { allowedNetworks, environment: io.env };
}


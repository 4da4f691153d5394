import { nanoid } from 'nanoid';
import type { HashicorpVaultConfig, VaultSettings } from './config';
import { parseVaultConfig } from './config';
import type { Logger } from './logger';
import { withFields } from './logger';
import type { MountInfo, SecretLocation } from './secret-path';
import { VaultClient, VaultClientOptions } from './vault/client';
import { VaultSession } from './vault/session';

/** Everything the provider keeps for one connection id under one config. */
export interface ConnectionState {
  readonly connectionId: string;
  readonly settings: VaultSettings;
  readonly client: VaultClient;
  readonly session: VaultSession;
  readonly logger: Logger;
  /**
   * Whether `config` has the values this state was built from (an edited connection does not).
   * A closure over a copy, so no dump of the state shows the Role ID or Secret ID.
   */
  readonly builtFrom: (config: HashicorpVaultConfig) => boolean;
  /** KV mounts discovered for this connection; `complete` when read from sys/mounts. */
  mounts?: { table: Map<string, MountInfo>; complete: boolean };
  discovering?: Promise<void>;
  /** Paths already located, with their cache keys: the warm path parses nothing. */
  readonly located: Map<string, { location: SecretLocation; cacheKey: string }>;
}

/** Paths remembered per connection; beyond this the memo restarts (a flow never has this many). */
export const MAX_LOCATED_PATHS = 10_000;

const CONFIG_KEYS: ReadonlyArray<keyof HashicorpVaultConfig> = [
  'url', 'namespace', 'roleId', 'secretId', 'appRoleMount', 'authNamespace',
  'caCertificate', 'tlsSkipVerify', 'requestTimeoutSeconds', 'cacheTtlSeconds',
];

function sameConfigAs(copy: HashicorpVaultConfig): (config: HashicorpVaultConfig) => boolean {
  return (config) => sameConfig(copy, config);
}

/** Same config values (the engine may hand us a new object on every call). */
export function sameConfig(a: HashicorpVaultConfig, b: HashicorpVaultConfig): boolean {
  if (a === b) return true;
  for (const k of CONFIG_KEYS) if (a[k] !== b[k]) return false;
  return true;
}

export function createConnectionState(
  connectionId: string,
  raw: HashicorpVaultConfig,
  clientOptions: VaultClientOptions,
  now: () => number,
  baseLogger: Logger,
): ConnectionState {
  const settings = parseVaultConfig(raw);
  const logger = withFields(baseLogger, { connectionId });
  if (settings.tlsSkipVerify) {
    logger.warn({ url: settings.url }, 'vault: TLS certificate verification is OFF for this connection; anyone on the network path can impersonate Vault');
  }
  const client = new VaultClient(settings, clientOptions);
  return {
    connectionId,
    settings,
    client,
    session: new VaultSession(client, settings, now, logger),
    logger,
    builtFrom: sameConfigAs({ ...raw }),
    located: new Map(),
  };
}

/** A logger for one resolve or validate: every line carries a request id. */
export function requestLogger(state: Pick<ConnectionState, 'logger'>): Logger {
  return withFields(state.logger, { requestId: nanoid(12) });
}

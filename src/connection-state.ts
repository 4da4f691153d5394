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
  readonly located: Map<string, LocatedPath>;
}

/** Where a path's value lives, and the cache key of its secret. */
export interface LocatedPath {
  readonly location: SecretLocation;
  readonly cacheKey: string;
}

/** Paths remembered per connection; beyond this the memo restarts (a flow never has this many). */
export const MAX_LOCATED_PATHS = 10_000;

function sameConfigAs(copy: HashicorpVaultConfig): (config: HashicorpVaultConfig) => boolean {
  return (config) => sameConfig(copy, config);
}

/**
 * Same config values (the engine may hand us a new object on every call). Field by field rather
 * than a loop over key names: this runs on every resolve, and the unrolled form stays monomorphic.
 */
export function sameConfig(a: HashicorpVaultConfig, b: HashicorpVaultConfig): boolean {
  return (
    a === b ||
    (a.url === b.url &&
      a.roleId === b.roleId &&
      a.secretId === b.secretId &&
      a.namespace === b.namespace &&
      a.appRoleMount === b.appRoleMount &&
      a.authNamespace === b.authNamespace &&
      a.caCertificate === b.caCertificate &&
      a.tlsSkipVerify === b.tlsSkipVerify &&
      a.requestTimeoutSeconds === b.requestTimeoutSeconds &&
      a.cacheTtlSeconds === b.cacheTtlSeconds)
  );
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

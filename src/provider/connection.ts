import { nanoid } from 'nanoid';
import type { HashicorpVaultConfig } from '../config/fields';
import { sameConfigValues } from '../config/identity';
import type { VaultSettings } from '../config/settings';
import type { Logger } from '../logger';
import { withFields } from '../logger';
import type { MountInfo, SecretLocation } from '../vault/kv-path';
import { VaultClient, VaultClientOptions } from '../vault/client';
import { VaultSession } from '../vault/session';

/** Where a path's value lives, and the cache key of its secret. */
export interface LocatedPath {
  readonly location: SecretLocation;
  readonly cacheKey: string;
}

/** KV mounts discovered for a connection; `complete` when read from sys/mounts. */
export interface KnownMounts {
  readonly table: Map<string, MountInfo>;
  readonly complete: boolean;
}

/** Paths remembered per connection; beyond this the memo restarts (a flow never has this many). */
export const MAX_LOCATED_PATHS = 10_000;

/** Epochs come from one sequence for the whole process, so no two connections or generations share one. */
let lastEpoch = 0;
const nextEpoch = (): number => ++lastEpoch;

/**
 * Everything the provider keeps for one connection id under one identity (see CONFIG_FIELDS):
 * its settings, its Vault client and token session, the mounts it discovered and the paths it
 * located. An edit of an identity field makes a new Connection; an edit of a tuning field
 * (timeout, cache TTL) retunes this one in place.
 */
export class Connection {
  readonly logger: Logger;
  readonly client: VaultClient;
  readonly session: VaultSession;
  mounts: KnownMounts | undefined;
  discovering: Promise<void> | undefined;
  /** Paths already located, with their cache keys: the warm path parses nothing. */
  readonly located = new Map<string, LocatedPath>();
  /**
   * Part of every cache key of this connection; renewed by invalidate and by a retune. A read that
   * started under an older epoch can only store its value under a key nobody asks for again.
   */
  #epoch = nextEpoch();
  #retired = false;
  #settings: VaultSettings;
  /** A private copy of the stored config (no dump of the connection shows the Role ID or Secret ID). */
  #config: HashicorpVaultConfig;

  constructor(
    readonly connectionId: string,
    config: HashicorpVaultConfig,
    settings: VaultSettings,
    clientOptions: VaultClientOptions,
    now: () => number,
    baseLogger: Logger,
  ) {
    this.#config = { ...config };
    this.#settings = settings;
    this.logger = withFields(baseLogger, { connectionId });
    if (settings.tlsSkipVerify) {
      this.logger.warn({ url: settings.url }, 'vault: TLS certificate verification is OFF for this connection; anyone on the network path can impersonate Vault');
    }
    this.client = new VaultClient(settings, clientOptions);
    this.session = new VaultSession(this.client, settings, now, this.logger);
  }

  get settings(): VaultSettings {
    return this.#settings;
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** Disconnected, evicted or replaced by an edited config. */
  get retired(): boolean {
    return this.#retired;
  }

  /** Whether a read started under `epoch` may still fill the cache. */
  isCurrent(epoch: number): boolean {
    return !this.#retired && this.#epoch === epoch;
  }

  /** New cache keys from now on (old values unreachable at once), and mounts and paths found again. */
  renewEpoch(): void {
    this.#epoch = nextEpoch();
    this.forgetDiscoveries();
    // The refresh icon is the admin acting on a failure too.
    this.session.clearBackoff();
  }

  /** Whether `config` holds the values this connection runs with. The warm path: no parsing. */
  runsWith(config: HashicorpVaultConfig): boolean {
    return sameConfigValues(this.#config, config);
  }

  /**
   * Takes on an edited config when it has the same identity (only tuning fields changed);
   * false when it is another connection.
   */
  adopt(config: HashicorpVaultConfig, settings: VaultSettings): boolean {
    if (settings.fingerprint !== this.#settings.fingerprint) return false;
    this.#config = { ...config };
    this.#settings = settings;
    this.client.retune(settings);
    this.session.retune(settings);
    // An edit is the admin acting on a failure: the next resolve may try logging in again.
    this.session.clearBackoff();
    return true;
  }

  /** Forgets discovered mounts and located paths (after an invalidate). */
  forgetDiscoveries(): void {
    this.mounts = undefined;
    this.located.clear();
  }

  /**
   * Revokes the token (best effort), aborts requests in flight (never retried, never a new login)
   * and closes the sockets. Reads still running can no longer fill the cache.
   */
  async retire(): Promise<void> {
    this.#retired = true;
    try {
      await this.session.retire();
    } finally {
      this.client.close();
    }
  }

  /** A logger for one resolve: every line carries a request id. */
  requestLogger(): Logger {
    return requestLogger(this.logger);
  }
}

/** A logger for one resolve or validate: every line carries a request id. */
export function requestLogger(logger: Logger): Logger {
  return withFields(logger, { requestId: nanoid(12) });
}

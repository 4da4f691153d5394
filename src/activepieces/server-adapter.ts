import type { HashicorpProviderConfig } from '@activepieces/shared/src/lib/ee/secret-managers';
import { LRUCache } from 'lru-cache';
import type { AdvancedVaultOptions, HashicorpVaultConfig } from '../config/fields';
import { configKey } from '../config/identity';
import { parseVaultConfig } from '../config/settings';
import { asHostError } from './errors';
import type { ActivepiecesErrorClass } from './errors';
import type { HashicorpMetadata, HashicorpVaultProvider } from '../provider/provider';
import { parseSecretPath } from '../vault/kv-path';
import type { ValidationSummary } from '../provider/validate';

/**
 * The shape of one entry in Activepieces' server map of secret-manager providers
 * (`packages/server/api/src/app/ee/secret-managers/secret-manager-providers/secret-manager-providers.ts`,
 * `SecretManagerProvider<SecretManagerProviderId.HASHICORP>`), plus the metadata entry the
 * server lists (`SECRET_MANAGER_PROVIDERS_METADATA` in `@activepieces/shared`).
 *
 * `validatePathFormat` was a member of that interface in older servers and is a free function
 * in current ones; it is kept so the object fits both.
 */
export interface ActivepiecesSecretManagerProvider {
  readonly metadata: HashicorpMetadata;
  /** Logs in and reads sys/mounts; resolves to a summary (truthy), rejects with SECRET_MANAGER_CONNECTION_FAILED. */
  checkConnection: (config: HashicorpProviderConfig) => Promise<ValidationSummary>;
  /** What the server calls on Save (create or update): the same check. */
  connect: (config: HashicorpProviderConfig) => Promise<void>;
  /** The server calls this with no arguments when a connection is deleted: forgets every connection this adapter opened. */
  disconnect: () => Promise<void>;
  /** The value at `path` (`mount/data/path/key`) under `config`. */
  getSecret: (params: { path: string }, config: HashicorpProviderConfig) => Promise<string>;
  validatePathFormat: (path: string) => Promise<void>;
  /**
   * Drops every value this adapter cached, now (tokens and connections stay). Wire the server's
   * clear-cache call to it so the refresh icon takes effect at once instead of within the window.
   */
  invalidate: () => void;
}


export interface ActivepiecesAdapterOptions {
  /** Applied under every config the server passes (e.g. an AppRole mount other than `approle`, a private CA). */
  defaults?: AdvancedVaultOptions | undefined;
  /**
   * The server's `ActivepiecesError` class. The server tests `error instanceof ActivepiecesError`;
   * when it loads another copy of the class than this package, errors are rethrown as that class
   * (same code, params and message) so they are not turned into a generic VALIDATION error.
   */
  errorClass?: ActivepiecesErrorClass | undefined;
  /** Distinct configs kept logged in and cached at once; the least recently used beyond this are disconnected. Default 1000. */
  maxConnections?: number | undefined;
}

/** Far above the secret-manager connections one server has; a bound against unbounded growth. */
export const DEFAULT_MAX_ADAPTER_CONNECTIONS = 1000;

/**
 * The adapter's value cache by default: a coalescing window, not a cache. The server keeps values
 * for an hour in its own (Redis) cache in front of the adapter; when its refresh icon clears that
 * cache, the next read reaches the adapter, which must then ask Vault within seconds, not serve
 * its own hour-old copy. 5 s still makes a burst of misses of one secret cost one Vault read.
 * `defaults.cacheTtlSeconds` overrides it.
 */
export const DEFAULT_ADAPTER_CACHE_TTL_SECONDS = 5;

/**
 * Wraps a provider in the object Activepieces' server keeps in its providers map. The server
 * rebuilds that map on every call, so create the adapter once (module level) and return the
 * same object from the map: the token sessions and the cache live in it.
 *
 * The server's `getSecret({ path }, config)` names no connection: the connection identity is
 * derived from the parsed config (its fingerprint covers URL, namespaces, AppRole mount, TLS
 * settings, Role ID and Secret ID; the timeout and cache TTL are added), so two configs never
 * share a token or a cache entry, and an edited config starts afresh.
 */
export function toActivepiecesSecretManagerProvider(
  provider: HashicorpVaultProvider,
  options: ActivepiecesAdapterOptions = {},
): ActivepiecesSecretManagerProvider {
  const max = options.maxConnections ?? DEFAULT_MAX_ADAPTER_CONNECTIONS;
  // Connection ids in order of last use: the least recently used beyond `max` is disconnected
  // (best effort: a failed revoke only leaves a token to expire by itself).
  const opened = new LRUCache<string, true>({
    max,
    dispose: (_value, connectionId, reason) => {
      if (reason === 'evict') void provider.disconnect({ connectionId }).catch(() => undefined);
    },
  });
  // The server hands a new config object on every call; parsing and fingerprinting it costs
  // ~40 µs, so remember each config's id (in this closure only, never logged or inspected).
  const ids = new LRUCache<string, string>({ max });
  const connectionIdOf = (config: HashicorpVaultConfig): string => {
    const key = configKey(config);
    let id = ids.get(key);
    if (id === undefined) {
      id = connectionIdForConfig(config);
      ids.set(key, id);
    }
    return id;
  };
  const withDefaults = (config: HashicorpProviderConfig): HashicorpVaultConfig => ({ cacheTtlSeconds: DEFAULT_ADAPTER_CACHE_TTL_SECONDS, ...options.defaults, ...config });
  const hostError = (err: unknown): unknown => asHostError(err, options.errorClass);

  return {
    metadata: provider.metadata,
    checkConnection: (config) => provider.validate({ config: withDefaults(config) }).catch((err) => Promise.reject(hostError(err))),
    connect: async (config) => {
      await provider.validate({ config: withDefaults(config) }).catch((err) => Promise.reject(hostError(err)));
    },
    disconnect: async () => {
      const all = [...opened.keys()];
      opened.clear();
      await Promise.all(all.map((connectionId) => provider.disconnect({ connectionId }).catch(() => undefined)));
    },
    getSecret: async ({ path }, config) => {
      try {
        const full = withDefaults(config);
        const connectionId = connectionIdOf(full);
        opened.set(connectionId, true);
        return await provider.resolve({ connectionId, config: full, path });
      } catch (err) {
        throw hostError(err);
      }
    },
    validatePathFormat: async (path) => {
      try {
        parseSecretPath(path);
      } catch (err) {
        throw hostError(err);
      }
    },
    invalidate: () => {
      for (const connectionId of opened.keys()) provider.invalidate({ connectionId });
    },
  };
}

/**
 * A stable id for what makes a connection different: its fingerprint, a truncated SHA-256 of the
 * identity fields (no credential can be read back from it). Configs that differ only in tuning
 * (timeout, cache TTL) share the connection, which is retuned in place.
 */
export function connectionIdForConfig(config: HashicorpVaultConfig): string {
  return `hashicorp-${parseVaultConfig(config).fingerprint}`;
}

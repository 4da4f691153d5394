import { LRUCache } from 'lru-cache';
import { HASHICORP_PROVIDER_ID, secretManagersModule, type SecretManagerProviderId, type SecretManagerProviderMetadata } from '../activepieces/shared';
import { errorCodeOf, validationFailed } from '../activepieces/errors';
import type { HashicorpVaultConfig } from '../config/fields';
import { parseVaultConfig } from '../config/settings';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import type { LookupFunction } from 'node:net';
import { VaultClient, VaultClientOptions } from '../vault/client';
import { createNetworkGuard } from '../vault/network-guard';
import type { SecretData } from '../vault/kv';
import { parseSecretPath, SecretLocation, SecretPath } from '../vault/kv-path';
import { DEFAULT_RETRY_POLICY, realRetryClock, RetryPolicy } from '../vault/retry';
import { VaultSession } from '../vault/session';
import { Connection, LocatedPath, requestLogger } from './connection';
import { Locator, secretAddressOf } from './locator';
import { hashicorpVaultProps, HashicorpVaultProps } from './props';
import type { RedisOptions } from '../redis/options';
import { CachedSecret, SecretCache, SecretRead } from './secret-cache';
import { createSharedTier, type SharedTier } from './shared-tier';
import { turnClock } from './turn-clock';
import { validateConnection, ValidationSummary } from './validate';
import { createTelemetry, noTelemetry, type Telemetry, type TelemetryOptions } from '../telemetry';
import { valueAsText } from './value-as-text';

export interface HashicorpVaultProviderOptions {
  /** pino-compatible; receives no secret value, token, Role ID or Secret ID. Default: silent. */
  logger?: Logger | undefined;
  /** Clock in ms for token lifetimes and cache TTLs (tests inject one). Default: `Date.now`. */
  now?: (() => number) | undefined;
  /** Whole secrets kept in memory, all connections together (LRU). Default 50,000. */
  maxCacheEntries?: number | undefined;
  /** Estimated heap bytes of all cached secrets together (LRU by size). Default 64 MiB. */
  maxCacheBytes?: number | undefined;
  /**
   * Estimated bytes one connection's secrets may hold, so one tenant can neither evict nor starve
   * the others; a secret larger than this is served but not cached. Default a quarter of `maxCacheBytes`.
   */
  maxCacheBytesPerConnection?: number | undefined;
  /** Connections kept logged in at once; the least recently used beyond this are disconnected (token revoked). Default 1,000. */
  maxConnections?: number | undefined;
  /**
   * A value read in this last part of its TTL is refreshed in the background, so steady traffic
   * never waits for Vault when a TTL ends. 0 to 0.5; default 0.1 (the last 10 %); 0 disables.
   */
  refreshAheadFraction?: number | undefined;
  /** After a value's TTL, how long it may still be served while Vault fails transiently. Default 300; 0 disables. */
  staleIfErrorSeconds?: number | undefined;
  /** Retries of one Vault request on no answer, 5xx, 412 and 429. */
  retry?: Partial<RetryPolicy> | undefined;
  /**
   * For several replicas (engine-hook mode): a Redis they all share, for the cached values
   * (sealed), one Vault read per secret across replicas, and invalidations that reach every
   * replica. Needs the optional peer dependency ioredis 5. Without it nothing Redis is loaded.
   */
  redis?: RedisOptions | undefined;
  /**
   * IPs and CIDRs Vault may be reached at although they are not public unicast addresses
   * (private, loopback, link-local, CGNAT, …), on top of `AP_SSRF_ALLOW_LIST`. By default every
   * request goes through a network guard like Activepieces' own (`safeHttp`): see docs/security.md.
   */
  allowedNetworks?: string[] | undefined;
  /** Where `AP_SSRF_ALLOW_LIST` is read, once, when the provider is created. Default `process.env`. */
  environment?: NodeJS.ProcessEnv | undefined;
  /** The host's own DNS resolver; every answer it gives is still checked by the guard. Default `dns.lookup`. */
  lookup?: LookupFunction | undefined;
  /** Largest answer accepted from Vault, in bytes. Default 1 MiB (a KV secret is rarely above a few KiB). */
  maxBodyBytes?: number | undefined;
  /**
   * OpenTelemetry metrics and spans (docs/telemetry.md), through the optional peer
   * `@opentelemetry/api`. Default: the global MeterProvider and TracerProvider, bound at the first
   * recording; `{ meterProvider, tracerProvider }` to report elsewhere; `false` records nothing.
   */
  telemetry?: TelemetryOptions | false | undefined;
}

/** What `invalidate` did beyond this process. */
export interface InvalidateResult {
  /** False when Redis is configured but did not take the invalidation: other replicas keep their values until their TTL. True without Redis. */
  readonly otherReplicasReached: boolean;
}

export type HashicorpMetadata = SecretManagerProviderMetadata & { id: SecretManagerProviderId.HASHICORP };

export interface ResolveInput {
  connectionId: string;
  config: HashicorpVaultConfig;
  /** `mount/data/path/to/secret/key`, optionally `?version=N`. */
  path: string;
}

export interface HashicorpVaultProvider {
  readonly id: SecretManagerProviderId.HASHICORP;
  readonly metadata: HashicorpMetadata;
  /** The connection form as pieces-framework properties (built on first access). */
  readonly props: HashicorpVaultProps;
  /** Logs in with AppRole and reads sys/mounts; throws SECRET_MANAGER_CONNECTION_FAILED saying what to fix. */
  validate(input: { config: HashicorpVaultConfig }): Promise<ValidationSummary>;
  /** The value at `path`, as text. */
  resolve(input: ResolveInput): Promise<string>;
  /**
   * The value at `path` when it is cached and fresh, else undefined; never sends a request.
   * Lets the engine hook fill a warm reference without a promise (`resolve` does the rest).
   */
  resolveFromCache(input: ResolveInput): string | undefined;
  /** Forgets cached values (and discovered mounts) of one connection, or of all. Keeps tokens. */
  invalidate(input?: { connectionId?: string | undefined }): Promise<InvalidateResult>;
  /** Forgets a connection entirely and revokes its token (best effort). */
  disconnect(input: { connectionId: string }): Promise<void>;
  /** Disconnects every connection (for a clean shutdown). */
  close(): Promise<void>;
}

export const DEFAULT_MAX_CACHE_ENTRIES = 50_000;
export const DEFAULT_MAX_CACHE_BYTES = 64 * 2 ** 20;
/** A connection may hold this part of the cache's bytes by default. */
export const DEFAULT_CONNECTION_SHARE = 1 / 4;
export const DEFAULT_MAX_CONNECTIONS = 1_000;
export const DEFAULT_REFRESH_AHEAD_FRACTION = 0.1;
export const DEFAULT_STALE_IF_ERROR_SECONDS = 300;
/** Parsed paths kept across connections; a bound against hostile input, far above real use. */
const MAX_PARSED_PATHS = 10_000;

export function createHashicorpVaultProvider(options: HashicorpVaultProviderOptions = {}): HashicorpVaultProvider {
  return new VaultProvider(options);
}

class VaultProvider implements HashicorpVaultProvider {
  readonly id = HASHICORP_PROVIDER_ID;
  #metadata: HashicorpMetadata | undefined;
  /** Least recently used first; one evicted beyond `maxConnections` is disconnected. */
  private readonly connections: LRUCache<string, Connection>;
  private readonly cache: SecretCache;
  private readonly locator = new Locator((c, location) => SecretCache.key(c.connectionId, c.settings.fingerprint, c.epoch, secretAddressOf(location)));
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly clientOptions: VaultClientOptions;
  private readonly parsedPaths = new Map<string, SecretPath>();
  private readonly refreshAheadFraction: number;
  // --- shared tier (Redis, several replicas): undefined unless the `redis` option is given ---
  private readonly shared: SharedTier | undefined;
  /** Shutting down is not an invalidation: the disconnects of close() leave the other replicas' values alone. */
  private closing = false;
  private readonly telemetry: Telemetry;
  private readonly stopCacheGauge: () => void;

  constructor(options: HashicorpVaultProviderOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.telemetry = options.telemetry === false ? noTelemetry : createTelemetry(options.telemetry);
    this.connections = new LRUCache<string, Connection>({
      max: positiveInteger(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, 'maxConnections'),
      dispose: (connection, connectionId, reason) => {
        if (reason === 'evict') void this.retire(connectionId, connection);
      },
    });
    this.refreshAheadFraction = fractionOption(options.refreshAheadFraction ?? DEFAULT_REFRESH_AHEAD_FRACTION);
    const maxBytes = positiveInteger(options.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES, 'maxCacheBytes');
    this.cache = new SecretCache({
      maxEntries: positiveInteger(options.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES, 'maxCacheEntries'),
      maxBytes,
      maxBytesPerConnection: Math.min(maxBytes, positiveInteger(options.maxCacheBytesPerConnection ?? Math.floor(maxBytes * DEFAULT_CONNECTION_SHARE), 'maxCacheBytesPerConnection')),
      refreshAheadFraction: this.refreshAheadFraction,
      staleIfErrorMs: 1000 * (options.staleIfErrorSeconds ?? DEFAULT_STALE_IF_ERROR_SECONDS),
      // An injected clock is read as it is (tests move it between two calls of one run).
      now: options.now ?? turnClock(Date.now),
      logger: this.logger,
    });
    this.clientOptions = {
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      clock: { ...realRetryClock, now: this.now },
      logger: this.logger,
      guard: createNetworkGuard({ allowedNetworks: options.allowedNetworks, env: options.environment, lookup: options.lookup }),
      maxBodyBytes: options.maxBodyBytes === undefined ? undefined : positiveInteger(options.maxBodyBytes, 'maxBodyBytes'),
      telemetry: this.telemetry,
    };
    this.stopCacheGauge = this.telemetry.cacheGauge(() => this.cache.stats());
    this.shared = options.redis === undefined ? undefined : this.openSharedTier(options.redis);
  }

  private openSharedTier(redis: RedisOptions): SharedTier {
    const tier = createSharedTier(redis, this.logger);
    tier.onRemoteInvalidation(() => this.connections.keys(), (scope) => {
      this.telemetry.invalidation('remote');
      this.dropLocally(scope === 'all' ? undefined : scope.connectionId);
    });
    tier.onResubscribed(() => this.dropLocally(undefined));
    return tier;
  }

  /**
   * The read behind the shared tier, when there is one: Redis first, then one Vault read across
   * the cluster. A value another replica read keeps its age, so it lives out the TTL it started
   * with; a refresh-ahead does not take a value as old as the one it refreshes.
   */
  private behindSharedTier(read: SecretRead, connection: Connection, location: SecretLocation, refreshing: boolean): SecretRead {
    const tier = this.shared;
    if (!tier) return read;
    const { connectionId, settings } = connection;
    const maxAgeMs = refreshing ? read.ttlMs - Math.floor(read.ttlMs * this.refreshAheadFraction) : read.ttlMs;
    let ageMs = 0;
    const load = async (): Promise<SecretData> => {
      const shared = await tier.read({
        connectionId, fingerprint: settings.fingerprint, secretAddress: secretAddressOf(location),
        ttlMs: read.ttlMs, maxAgeMs, maxWaitMs: 1000 * settings.requestTimeoutSeconds, load: read.load,
      });
      ageMs = shared.ageMs;
      return shared.data;
    };
    return { ...read, load, ageMs: () => ageMs };
  }

  /** Tells the other replicas (when there is a shared tier). */
  private async invalidateShared(connectionId: string | undefined): Promise<InvalidateResult> {
    if (!this.shared || this.closing) return { otherReplicasReached: true };
    const { reached } = await this.shared.invalidate(connectionId === undefined ? 'all' : { connectionId });
    return { otherReplicasReached: reached };
  }
  // --- end shared tier ---

  /** Activepieces' own entry for HashiCorp Vault, read on first access (its module loads zod). */
  get metadata(): HashicorpMetadata {
    return (this.#metadata ??= hashicorpMetadata());
  }

  get props(): HashicorpVaultProps {
    return hashicorpVaultProps();
  }

  async validate({ config }: { config: HashicorpVaultConfig }): Promise<ValidationSummary> {
    const settings = parseVaultConfig(config);
    // Save is the admin acting on a failure: connections with this identity may log in again.
    for (const connection of this.connections.values()) {
      if (connection.settings.fingerprint === settings.fingerprint) connection.session.clearBackoff();
    }
    const client = new VaultClient(settings, this.clientOptions);
    const session = new VaultSession(client, settings, this.now, this.logger);
    try {
      return await validateConnection(session, settings, requestLogger(this.logger), client);
    } finally {
      await session.revoke();
      client.close();
    }
  }

  async resolve(input: ResolveInput): Promise<string> {
    try {
      return await this.resolveCounted(input);
    } catch (err) {
      this.telemetry.resolved('error', errorCodeOf(err));
      throw err;
    }
  }

  /** `resolve`, reporting each answer's outcome (the caller reports failures). */
  private async resolveCounted({ connectionId, config, path }: ResolveInput): Promise<string> {
    const connection = this.connectionFor(connectionId, config);
    const known = connection.located.get(path);
    const cached = known && this.cachedValue(connection, known, path);
    if (cached !== undefined) {
      this.telemetry.resolved('warm-hit');
      return cached;
    }
    const log = connection.requestLogger();
    const parsed = this.parsePath(path);
    const { location, cacheKey } = known ?? (await this.locator.locate(connection, parsed, log));
    const hit = this.cache.peek(cacheKey);
    if (hit) {
      const text = valueAsText(hit.data, location, path);
      this.telemetry.resolved('hit');
      return text;
    }
    const secret = await this.cache.fetch(cacheKey, this.secretRead(connection, location, parsed, log));
    const text = valueAsText(secret.data, location, path);
    this.telemetry.resolved(servedStale(secret) ? 'stale' : 'miss');
    return text;
  }

  resolveFromCache({ connectionId, config, path }: ResolveInput): string | undefined {
    // peek: no LRU bookkeeping on the warm path; a connection in use is touched by its resolves
    // and by every refresh-ahead (at least once per TTL), so it does not become the eviction victim.
    const connection = this.connections.peek(connectionId);
    if (!connection?.runsWith(config)) return undefined;
    const known = connection.located.get(path);
    const value = known && this.cachedValue(connection, known, path);
    if (value !== undefined) this.telemetry.resolved('warm-hit');
    return value;
  }

  async invalidate(input: { connectionId?: string | undefined } = {}): Promise<InvalidateResult> {
    this.telemetry.invalidation('local');
    this.dropLocally(input.connectionId);
    return this.invalidateShared(input.connectionId);
  }

  private dropLocally(connectionId: string | undefined): void {
    const input = { connectionId };
    if (input.connectionId === undefined) {
      for (const connection of this.connections.values()) connection.renewEpoch();
      this.cache.clear();
      return;
    }
    this.connections.peek(input.connectionId)?.renewEpoch();
    this.cache.dropConnection(input.connectionId);
  }

  async disconnect({ connectionId }: { connectionId: string }): Promise<void> {
    const connection = this.connections.peek(connectionId);
    this.connections.delete(connectionId);
    await Promise.all([this.retire(connectionId, connection), this.invalidateShared(connectionId)]);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stopCacheGauge();
    await Promise.all([...this.connections.keys()].map((connectionId) => this.disconnect({ connectionId })));
    this.cache.clear();
    await this.shared?.close();
  }

  /** The connection for an id; an edited identity gets a new one (new login, new cache keys), edited tuning retunes it. */
  private connectionFor(connectionId: string, config: HashicorpVaultConfig): Connection {
    const current = this.connections.get(connectionId);
    if (current?.runsWith(config)) return current;
    if (typeof connectionId !== 'string' || connectionId.trim() === '') throw validationFailed('A connection id is required.');
    const settings = parseVaultConfig(config);
    const ttlBefore = current?.settings.cacheTtlSeconds;
    if (current?.adopt(config, settings)) {
      // Same identity, new tuning: the token stays; values cached under another TTL do not.
      if (settings.cacheTtlSeconds !== ttlBefore) {
        current.renewEpoch();
        this.cache.dropConnection(connectionId);
        void this.invalidateShared(connectionId);
      }
      return current;
    }
    const next = new Connection(connectionId, config, settings, this.clientOptions, this.now, this.logger);
    // Replaced, not evicted: the old one is retired here, once (the map's dispose only handles evictions).
    this.connections.set(connectionId, next);
    if (current) {
      void this.retire(connectionId, current);
      void this.invalidateShared(connectionId);
    }
    return next;
  }

  /** Forgets a connection's values at once, then revokes its token (best effort). */
  private async retire(connectionId: string, connection: Connection | undefined): Promise<void> {
    const retiring = connection?.retire();
    this.cache.dropConnection(connectionId);
    await retiring?.catch(() => undefined);
  }

  /** One read of a secret for the cache: stored only while the connection stays on the same epoch. */
  private secretRead(connection: Connection, location: SecretLocation, parsed: SecretPath, log: Logger, refreshing = false): SecretRead {
    const epoch = connection.epoch;
    const read: SecretRead = {
      owner: connection.connectionId,
      ttlMs: 1000 * connection.settings.cacheTtlSeconds,
      load: () => this.locator.read(connection, location, parsed, log),
      log,
      isCurrent: () => connection.isCurrent(epoch),
    };
    return this.behindSharedTier(read, connection, location, refreshing);
  }

  /** The warm path: no parsing, no logger, no request id, no promise (a refresh-ahead, when due, runs in the background). */
  private cachedValue(connection: Connection, known: LocatedPath, path: string): string | undefined {
    const hit = this.cache.peek(known.cacheKey);
    if (!hit) return undefined;
    if (this.cache.refreshDue(hit)) this.refreshAhead(connection, known, path);
    return valueAsText(hit.data, known.location, path);
  }

  private refreshAhead(connection: Connection, known: LocatedPath, path: string): void {
    this.connections.get(connection.connectionId);
    try {
      this.cache.refresh(known.cacheKey, () => this.secretRead(connection, known.location, this.parsePath(path), connection.requestLogger(), true));
    } catch {
      // The path was parsed when it was located; nothing here can throw for it. Serving goes on regardless.
    }
  }

  private parsePath(path: string): SecretPath {
    let parsed = this.parsedPaths.get(path);
    if (!parsed) {
      parsed = parseSecretPath(path);
      if (this.parsedPaths.size >= MAX_PARSED_PATHS) this.parsedPaths.clear();
      this.parsedPaths.set(path, parsed);
    }
    return parsed;
  }
}

/**
 * Whether the cache answered with the last value after Vault failed (stale-if-error): that copy is
 * past its TTL and carries a short `freshUntil` of its own (SecretCache.load), while a value just
 * read is fresh for exactly its TTL from when it was read.
 */
function servedStale(secret: CachedSecret): boolean {
  return secret.freshUntil !== secret.fetchedAt + secret.ttlMs;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw validationFailed(`The provider option ${name} must be a positive integer.`);
  return value;
}

function fractionOption(value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 0.5)) throw validationFailed('The provider option refreshAheadFraction must be a number from 0 to 0.5.');
  return value;
}

function hashicorpMetadata(): HashicorpMetadata {
  const entry = secretManagersModule().SECRET_MANAGER_PROVIDERS_METADATA.find((m) => m.id === HASHICORP_PROVIDER_ID);
  return structuredClone(entry) as HashicorpMetadata;
}

/** The default instance the engine loads. */
export const hashicorpVaultProvider: HashicorpVaultProvider = createHashicorpVaultProvider();

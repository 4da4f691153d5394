import { SECRET_MANAGER_PROVIDERS_METADATA, SecretManagerProviderId } from './activepieces';
import { SecretCache } from './cache';
import { turnClock } from './turn-clock';
import type { HashicorpVaultConfig } from './config';
import { parseVaultConfig } from './config';
import {
  ConnectionState, createConnectionState, LocatedPath, MAX_LOCATED_PATHS, requestLogger,
} from './connection-state';
import { getSecretFailed, validationFailed } from './errors';
import type { Logger } from './logger';
import { silentLogger } from './logger';
import { hashicorpVaultProps, HashicorpVaultProps } from './props';
import {
  locateByConvention, locateInMounts, parseSecretPath, readRequestPath, SecretLocation, SecretPath,
} from './secret-path';
import { VaultClient, VaultClientOptions } from './vault/client';
import { policyLine, readFailed } from './vault/errors';
import { discoverMounts, readOutcomeOf, readSecret, SecretData, valueAsText } from './vault/kv';
import { DEFAULT_RETRY_POLICY, realRetryClock, RetryPolicy } from './vault/retry';
import { VaultSession } from './vault/session';
import { validateConnection, ValidationSummary } from './validate';

export interface HashicorpVaultProviderOptions {
  /** pino-compatible; receives no secret value, token, Role ID or Secret ID. Default: silent. */
  logger?: Logger;
  /** Clock in ms for token lifetimes and cache TTLs (tests inject one). Default: `Date.now`. */
  now?: () => number;
  /** Whole secrets kept in memory, all connections together (LRU). Default 50,000. */
  maxCacheEntries?: number;
  /** After a value's TTL, how long it may still be served while Vault fails transiently. Default 300; 0 disables. */
  staleIfErrorSeconds?: number;
  /** Retries of one Vault request on no answer, 5xx, 412 and 429. */
  retry?: Partial<RetryPolicy>;
}

export type HashicorpMetadata = (typeof SECRET_MANAGER_PROVIDERS_METADATA)[number] & { id: SecretManagerProviderId.HASHICORP };

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
  invalidate(input?: { connectionId?: string }): void;
  /** Forgets a connection entirely and revokes its token (best effort). */
  disconnect(input: { connectionId: string }): Promise<void>;
  /** Disconnects every connection (for a clean shutdown). */
  close(): Promise<void>;
}

export const DEFAULT_MAX_CACHE_ENTRIES = 50_000;
export const DEFAULT_STALE_IF_ERROR_SECONDS = 300;
/** Parsed paths kept across connections; a bound against hostile input, far above real use. */
const MAX_PARSED_PATHS = 10_000;

export function createHashicorpVaultProvider(options: HashicorpVaultProviderOptions = {}): HashicorpVaultProvider {
  return new VaultProvider(options);
}

class VaultProvider implements HashicorpVaultProvider {
  readonly id = SecretManagerProviderId.HASHICORP as const;
  readonly metadata = hashicorpMetadata();
  private readonly connections = new Map<string, ConnectionState>();
  private readonly cache: SecretCache;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly clientOptions: VaultClientOptions;
  private readonly parsedPaths = new Map<string, SecretPath>();

  constructor(options: HashicorpVaultProviderOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.cache = new SecretCache({
      maxEntries: options.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES,
      staleIfErrorMs: 1000 * (options.staleIfErrorSeconds ?? DEFAULT_STALE_IF_ERROR_SECONDS),
      // An injected clock is read as it is (tests move it between two calls of one run).
      now: options.now ?? turnClock(Date.now),
      logger: this.logger,
    });
    this.clientOptions = {
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      clock: { ...realRetryClock, now: this.now },
      logger: this.logger,
    };
  }

  get props(): HashicorpVaultProps {
    return hashicorpVaultProps();
  }

  async validate({ config }: { config: HashicorpVaultConfig }): Promise<ValidationSummary> {
    const settings = parseVaultConfig(config);
    const client = new VaultClient(settings, this.clientOptions);
    const session = new VaultSession(client, settings, this.now, this.logger);
    try {
      return await validateConnection(session, settings, requestLogger({ logger: this.logger }));
    } finally {
      await session.revoke();
      client.close();
    }
  }

  async resolve({ connectionId, config, path }: ResolveInput): Promise<string> {
    const state = this.stateFor(connectionId, config);
    const known = state.located.get(path);
    const cached = known && this.cachedValue(known, path);
    if (cached !== undefined) return cached;
    const log = requestLogger(state);
    const parsed = this.parsePath(path);
    const { location, cacheKey } = known ?? (await this.locate(state, parsed, log));
    const secret = await this.readCached(state, location, cacheKey, parsed, log);
    return valueAsText(secret.data, location, path);
  }

  resolveFromCache({ connectionId, config, path }: ResolveInput): string | undefined {
    const state = this.connections.get(connectionId);
    if (!state?.builtFrom(config)) return undefined;
    const known = state.located.get(path);
    return known && this.cachedValue(known, path);
  }

  invalidate(input: { connectionId?: string } = {}): void {
    if (input.connectionId === undefined) {
      this.cache.clear();
      for (const state of this.connections.values()) forgetDiscoveries(state);
      return;
    }
    this.cache.dropConnection(input.connectionId);
    const state = this.connections.get(input.connectionId);
    if (state) forgetDiscoveries(state);
  }

  async disconnect({ connectionId }: { connectionId: string }): Promise<void> {
    const state = this.connections.get(connectionId);
    this.connections.delete(connectionId);
    this.cache.dropConnection(connectionId);
    if (state) await retire(state);
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.keys()].map((connectionId) => this.disconnect({ connectionId })));
    this.cache.clear();
  }

  /** The state for a connection id; an edited config gets a new one (new login, new cache keys). */
  private stateFor(connectionId: string, config: HashicorpVaultConfig): ConnectionState {
    const current = this.connections.get(connectionId);
    if (current?.builtFrom(config)) return current;
    if (typeof connectionId !== 'string' || connectionId.trim() === '') throw validationFailed('A connection id is required.');
    const next = createConnectionState(connectionId, config, this.clientOptions, this.now, this.logger);
    this.connections.set(connectionId, next);
    if (current) {
      if (current.settings.fingerprint !== next.settings.fingerprint) this.cache.dropConnection(connectionId);
      void retire(current);
    }
    return next;
  }

  /** The warm path: no parsing, no logger, no request id, no promise. */
  private cachedValue(known: LocatedPath, path: string): string | undefined {
    const hit = this.cache.peek(known.cacheKey);
    return hit && valueAsText(hit.data, known.location, path);
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

  /** Where a path's value lives: a canonical KV v2 path needs no request; others need the mounts. */
  private async locate(state: ConnectionState, parsed: SecretPath, log: Logger): Promise<LocatedPath> {
    let location = state.mounts ? locateInMounts(parsed, state.mounts.table) : null;
    if (!location && !state.mounts?.complete) location = locateByConvention(parsed);
    if (!location) {
      await this.discover(state, parsed, log);
      location = state.mounts ? locateInMounts(parsed, state.mounts.table) : null;
    }
    if (!location) throw noMountFor(state, parsed);
    return this.remember(state, parsed.raw, location);
  }

  private remember(state: ConnectionState, raw: string, location: SecretLocation): LocatedPath {
    const entry = { location, cacheKey: SecretCache.key(state.connectionId, state.settings.fingerprint, secretIdOf(location)) };
    if (state.located.size >= MAX_LOCATED_PATHS) state.located.clear();
    state.located.set(raw, entry);
    return entry;
  }

  /** One discovery at a time per connection; the result is remembered until invalidate. */
  private async discover(state: ConnectionState, parsed: SecretPath, log: Logger): Promise<void> {
    if (state.mounts?.complete) return;
    state.discovering ??= discoverMounts(state.session, state.settings, parsed, log)
      .then((found) => {
        if (!found) return;
        const table = found.complete ? found.table : new Map([...(state.mounts?.table ?? []), ...found.table]);
        state.mounts = { table, complete: found.complete };
      })
      .finally(() => (state.discovering = undefined));
    await state.discovering;
  }

  private async readCached(state: ConnectionState, location: SecretLocation, cacheKey: string, parsed: SecretPath, log: Logger) {
    const load = (): Promise<SecretData> => this.load(state, location, parsed, log);
    return this.cache.peek(cacheKey) ?? this.cache.fetch(cacheKey, state.settings.cacheTtlMs, load, log);
  }

  /**
   * Reads a secret. When the answer suggests the mount is not the engine the path assumed
   * (a guessed canonical path on a KV v1 mount, say), discovers the mounts and reads again once.
   */
  private async load(state: ConnectionState, location: SecretLocation, parsed: SecretPath, log: Logger): Promise<SecretData> {
    const first = await readSecret(state.session, state.settings, location, parsed.raw, log);
    if (first.kind === 'found') return first.data;
    if (!state.mounts?.complete) {
      await this.discover(state, parsed, log);
      const better = state.mounts ? locateInMounts(parsed, state.mounts.table) : null;
      if (better && secretIdOf(better) !== secretIdOf(location)) {
        this.remember(state, parsed.raw, better);
        // Same URL under another engine (KV v1 with a secret under data/): the answer is already here.
        const second = readRequestPath(better) === readRequestPath(location)
          ? readOutcomeOf(first.response, state.settings, better, parsed.raw)
          : await readSecret(state.session, state.settings, better, parsed.raw, log);
        if (second.kind === 'found') return second.data;
        throw readFailed(second.response, state.settings, better, parsed.raw);
      }
    }
    throw readFailed(first.response, state.settings, location, parsed.raw);
  }
}

/** Identifies the secret (not the key): every key of one secret shares one cache entry and one read. */
function secretIdOf(l: SecretLocation): string {
  return `${l.kvVersion}\u0000${l.mount}\u0000${l.secretPath}\u0000${l.version ?? ''}`;
}

function forgetDiscoveries(state: ConnectionState): void {
  state.mounts = undefined;
  state.located.clear();
}

async function retire(state: ConnectionState): Promise<void> {
  try {
    await state.session.revoke();
  } finally {
    state.client.close();
  }
}

function noMountFor(state: ConnectionState, parsed: SecretPath): Error {
  if (!state.mounts) return getSecretFailed(undiscoverableMessage(state, parsed), { path: parsed.raw });
  const kv = [...state.mounts.table].filter(([, m]) => m.kvVersion).map(([p, m]) => `${p}/ (v${m.kvVersion})`);
  const known = kv.length ? ` KV mounts visible to this connection: ${kv.join(', ')}.` : '';
  return getSecretFailed(`No KV secrets engine is mounted at the start of "${parsed.raw}".${known}`, { path: parsed.raw });
}

/**
 * Neither sys/mounts nor sys/internal/ui/mounts answered, so only the /data/ convention is left,
 * and this path does not follow it: say the path it would have (if the first segment is a KV v2
 * mount, the commonest set-up) and the policy line that makes paths without data/ work.
 */
function undiscoverableMessage(state: ConnectionState, parsed: SecretPath): string {
  const [first, ...rest] = parsed.segments;
  const query = parsed.version === undefined ? '' : `?version=${parsed.version}`;
  const guess = `${first}/data/${rest.join('/')}${query}`;
  const probe = parsed.segments.slice(0, -1).join('/');
  return `Cannot tell which KV engine holds "${parsed.raw}": this connection may read neither sys/mounts nor sys/internal/ui/mounts/${probe} `
    + `(Vault refuses the latter when the token may read nothing under that path, or nothing is mounted there), so only <mount>/data/<path>/<key> paths can be read. `
    + `If "${first}/" is a KV v2 mount, write ${guess}. To read paths without data/, ${uncapitalise(policyLine(state.settings, 'sys/mounts', 'read'))}`;
}

function uncapitalise(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function hashicorpMetadata(): HashicorpMetadata {
  const entry = SECRET_MANAGER_PROVIDERS_METADATA.find((m) => m.id === SecretManagerProviderId.HASHICORP);
  return structuredClone(entry) as HashicorpMetadata;
}

/** The default instance the engine loads. */
export const hashicorpVaultProvider: HashicorpVaultProvider = createHashicorpVaultProvider();


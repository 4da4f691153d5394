import type nodeVaultFactory from 'node-vault';
import type { VaultSettings } from '../config/settings';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { AddressGuard, createHttpRequester, HttpRequester, RawRequest, RawResponse, UnfollowedRedirect } from './http';
import { cleanText, vaultErrorsOf } from './outside-text';
import { AttemptOutcome, parseRetryAfter, RetryClock, RetryPolicy, withRetries } from './retry';
import { isTransientAnswer } from './transient-answer';
import { learnedVersionOf } from './vault-version';
import { noTelemetry, Telemetry, vaultEndpointKind } from '../telemetry';

export type VaultMethod = 'GET' | 'POST';

export interface VaultRequest {
  method: VaultMethod;
  /** API path under `/v1/`, segments already encoded, optional `?query`. */
  path: string;
  /** `''` = root namespace. */
  namespace: string;
  token?: string;
  body?: Record<string, unknown>;
}

export interface VaultResponse {
  status: number;
  /** Parsed JSON body (`undefined` for 204, and for a body that is not JSON: that is never quoted). */
  body: VaultBody | undefined;
  /**
   * Vault's `errors`, only when they are strings, each one line, capped, without control
   * characters, and with every credential the connection sends scrubbed out. The only Vault text
   * any message may quote.
   */
  errors: string[];
  retryAfterSeconds?: number;
  /** Origins of the standby redirects followed to get this answer. */
  hops: string[];
  /** A 307/308 that was not followed, and why. */
  unfollowedRedirect?: UnfollowedRedirect;
}

export interface VaultBody {
  /** Untrusted: read `VaultResponse.errors` instead. */
  errors?: unknown;
  warnings?: string[] | null;
  data?: Record<string, unknown> | null;
  auth?: Record<string, unknown> | null;
  [key: string]: unknown;
}

export interface VaultClientOptions {
  retry: RetryPolicy;
  clock: RetryClock;
  /** Where retries are logged when a request names no logger of its own. Default: silent. */
  logger?: Logger;
  /** Largest answer accepted from Vault, bytes (default 1 MiB, DEFAULT_MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** The network guard every connection (and every redirect hop) goes through. */
  guard?: AddressGuard;
  /** Where each attempt is counted, timed and traced (by endpoint kind, never the path). Default: records nothing. */
  telemetry?: Telemetry;
}

/** Per-request options of `VaultClient.send`. */
export interface SendOptions {
  /** Overrides the connection's retry policy for this request (e.g. one attempt for a best-effort call). */
  retry?: Partial<RetryPolicy>;
  /** The caller's logger (with its request id), where retries are reported. */
  log?: Logger;
  /** Aborts the request and its retries (a retired session). */
  signal?: AbortSignal;
  /** Called before every attempt after the first: each one spends a use of a limited-use token (docs/vault-behaviour.md §14.12). */
  onRetry?: () => void;
}

/** Longest Vault error string quoted in a message. */
const MAX_ERROR_TEXT = 300;

let nodeVault: typeof nodeVaultFactory | undefined;

/**
 * node-vault loads axios (~90 ms, a third of our start-up) although we hand it our own HTTP layer:
 * load it when the first connection needs it, not when the engine loads the package.
 */
function loadNodeVault(): typeof nodeVaultFactory {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  nodeVault ??= require('node-vault') as typeof nodeVaultFactory;
  return nodeVault;
}

/**
 * One connection's way to Vault: node-vault for URL and headers, our HTTP layer underneath,
 * bounded retries around each request. Every HTTP status comes back as a response; only a request
 * that got no answer in the end throws (a VaultNetworkError).
 */
export class VaultClient {
  private readonly vault: ReturnType<typeof nodeVaultFactory>;
  private readonly http: HttpRequester;
  /** The server's version, once an answer showed it (sys/health, sys/seal-status). */
  serverVersion: string | undefined;
  /** The connection's telemetry; the session reports logins and renewals to it. */
  readonly telemetry: Telemetry;

  constructor(
    private settings: VaultSettings,
    private readonly options: VaultClientOptions,
  ) {
    this.telemetry = options.telemetry ?? noTelemetry;
    this.http = createHttpRequester({
      caCertificate: settings.caCertificate,
      rejectUnauthorized: !settings.tlsSkipVerify,
      maxBodyBytes: options.maxBodyBytes,
      guard: options.guard,
    });
    const http = this.http;
    this.vault = loadNodeVault()({
      endpoint: settings.url,
      apiVersion: 'v1',
      // node-vault prints request bodies (the Secret ID among them) when DEBUG=node-vault.
      debug: () => undefined,
      'request-promise': { defaults: () => (req: RawRequest) => http(req) },
    });
    // node-vault falls back to VAULT_TOKEN, VAULT_NAMESPACE and VAULT_PREFIX from the environment
    // for any option left empty; a connection must use its own config and nothing else.
    this.vault.token = '';
    Object.assign(this.vault, { namespace: '', pathPrefix: '' });
    // Hand every status back to us: errors are mapped by the caller, which knows the operation.
    Object.assign(this.vault, { handleVaultResponse: (res: RawResponse) => res });
  }

  /** Sends a request with bounded retries; every HTTP status comes back, only "no answer" throws. */
  send(request: VaultRequest, { retry, log, signal, onRetry }: SendOptions = {}): Promise<VaultResponse> {
    let attempts = 0;
    const kind = vaultEndpointKind(request.method, request.path);
    return withRetries(
      () => {
        if (attempts++ > 0) onRetry?.();
        // One attempt = one span and one count (standby redirect hops are part of the attempt).
        return this.telemetry.measureRequest(kind, () => this.sendOnce(request, signal));
      },
      (res): AttemptOutcome => ({ status: res.status, retryAfterSeconds: res.retryAfterSeconds, transient: isTransientAnswer(res) }),
      retry ? { ...this.options.retry, ...retry } : this.options.retry,
      this.options.clock,
      ({ attempt, delayMs, outcome }) =>
        (log ?? this.options.logger ?? silentLogger).info(
          { path: request.path, attempt, delayMs, status: outcome.status, failure: (outcome.error as { failure?: string } | undefined)?.failure },
          'vault: retrying request',
        ),
    );
  }

  /** New tuning (timeout) for the same identity; URL and TLS settings are identity and stay. */
  retune(settings: VaultSettings): void {
    this.settings = settings;
  }

  close(): void {
    this.http.close();
  }

  private async sendOnce(request: VaultRequest, signal: AbortSignal | undefined): Promise<VaultResponse> {
    const headers: Record<string, string> = {};
    if (request.token) headers['X-Vault-Token'] = request.token;
    if (request.namespace) headers['X-Vault-Namespace'] = request.namespace;
    const raw = (await this.vault.request({
      path: `/${request.path}`,
      method: request.method,
      headers,
      json: request.body,
      timeout: 1000 * this.settings.requestTimeoutSeconds,
      signal,
    })) as RawResponse;
    const body = typeof raw.body === 'object' && raw.body !== null && !Array.isArray(raw.body) ? (raw.body as VaultBody) : undefined;
    this.serverVersion ??= learnedVersionOf(request.path, body);
    return {
      status: raw.statusCode,
      body,
      errors: vaultErrorsOf(body).map((e) => cleanText(e, this.credentialsIn(request), MAX_ERROR_TEXT)),
      retryAfterSeconds: parseRetryAfter(raw.headers['retry-after'], this.options.clock.now()),
      hops: raw.hops ?? [],
      unfollowedRedirect: raw.unfollowedRedirect,
    };
  }

  /** Everything secret this request carried or the connection could send: scrubbed from Vault's text. */
  private credentialsIn(request: VaultRequest): string[] {
    const sent = Object.values(request.body ?? {}).filter((v): v is string => typeof v === 'string');
    const { role_id, secret_id } = this.settings.credentials.loginBody();
    return [role_id, secret_id, ...(request.token ? [request.token] : []), ...sent];
  }
}

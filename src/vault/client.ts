import type nodeVaultFactory from 'node-vault';
import type { VaultSettings } from '../config/settings';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { createHttpRequester, HttpRequester, RawRequest, RawResponse } from './http';
import { AttemptOutcome, parseRetryAfter, RetryClock, RetryPolicy, withRetries } from './retry';

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
  /** Parsed JSON body (`undefined` for 204). */
  body: VaultBody | undefined;
  retryAfterSeconds?: number;
}

export interface VaultBody {
  errors?: string[];
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
}

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

  constructor(
    private settings: VaultSettings,
    private readonly options: VaultClientOptions,
  ) {
    this.http = createHttpRequester({
      caCertificate: settings.caCertificate,
      rejectUnauthorized: !settings.tlsSkipVerify,
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

  /**
   * `retry` overrides the connection's policy for this request (e.g. one attempt for a best-effort
   * call); `log` is the caller's logger (with its request id), where retries are reported.
   */
  send(request: VaultRequest, { retry, log }: { retry?: Partial<RetryPolicy>; log?: Logger } = {}): Promise<VaultResponse> {
    return withRetries(
      () => this.sendOnce(request),
      (res): AttemptOutcome => ({ status: res.status, retryAfterSeconds: res.retryAfterSeconds }),
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

  private async sendOnce(request: VaultRequest): Promise<VaultResponse> {
    const headers: Record<string, string> = {};
    if (request.token) headers['X-Vault-Token'] = request.token;
    if (request.namespace) headers['X-Vault-Namespace'] = request.namespace;
    const raw = (await this.vault.request({
      path: `/${request.path}`,
      method: request.method,
      headers,
      json: request.body,
      timeout: 1000 * this.settings.requestTimeoutSeconds,
    })) as RawResponse;
    return {
      status: raw.statusCode,
      body: typeof raw.body === 'object' && raw.body !== null ? (raw.body as VaultBody) : undefined,
      retryAfterSeconds: parseRetryAfter(raw.headers['retry-after'], this.options.clock.now()),
    };
  }
}

/**
 * The baseline: the HashiCorp provider built into Activepieces, re-implemented from its algorithm
 * (activepieces/activepieces, packages/server/api/src/app/ee/secret-managers/: the HashiCorp
 * provider, the secret-managers service and its cache) so the benchmark can run it side by side
 * with ours against the same Vault double. What it does, and so what this does:
 *
 * - every uncached path: AppRole login at the fixed mount `auth/approle` (a new token each time,
 *   never reused, never revoked), then `GET sys/mounts` (its connection check), then the read
 *   `GET /v1/<path without its last segment>`, and the value is `data.data[<last segment>]`
 *   (KV v2 only; a falsy value counts as missing);
 * - a value cache keyed by platform, connection and full path (so two keys of one secret are two
 *   entries and two reads), 1 hour TTL (node-cache `stdTTL`), checked and filled around the read
 *   with no single-flight: concurrent misses of one path all go to Vault;
 * - a connection value is walked with `Promise.all` over its fields, so its references resolve in
 *   parallel; a string that is not a reference throws KEY_NOT_SECRET internally and is kept as is.
 *
 * Its HTTP client is axios (`apAxios`: no timeout, axios-retry 3 times 2 s apart on 5xx) over
 * Node's keep-alive global agent; here, node's http with a keep-alive agent of our own (closed by
 * `close()`), the same retry rule, and any non-2xx status thrown as axios does.
 * Left out, in the baseline's favour: the database lookup and decryption of the connection
 * config on every resolve, and the SSRF-safe agent.
 */
import http from 'node:http';
import { ActivepiecesError, ErrorCode, SecretManagerFieldsSeparator } from '../test/support/activepieces';

export interface BaselineConfig {
  url: string;
  namespace?: string;
  roleId: string;
  secretId: string;
}

export interface BaselineConnection {
  id: string;
  config: BaselineConfig;
}

const ONE_HOUR_MS = 3_600_000;
/** axios-retry in apAxios: 3 retries, 2 s apart, on 5xx answers. */
const RETRIES = 3;
const RETRY_DELAY_MS = 2_000;

interface HttpAnswer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The built-in provider's `vaultApi`: one request, token and namespace headers, axios semantics. */
export class BaselineHttp {
  private readonly agent = new http.Agent({ keepAlive: true });

  async request(options: { url: string; method: string; token?: string; namespace?: string; body?: unknown }): Promise<HttpAnswer> {
    for (let attempt = 0; ; attempt++) {
      const answer = await this.once(options);
      if (answer.status >= 200 && answer.status < 300) return answer;
      if (answer.status >= 500 && attempt < RETRIES) {
        await new Promise((r) => setTimeout(r, RETRY_DELAY_MS).unref());
        continue;
      }
      throw new Error(`Request failed with status code ${answer.status}`);
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private once({ url, method, token, namespace, body }: { url: string; method: string; token?: string; namespace?: string; body?: unknown }): Promise<HttpAnswer> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (token) Object.assign(headers, { 'X-Vault-Token': token, 'X-Vault-Request': 'true' });
    if (namespace) headers['X-Vault-Namespace'] = namespace;
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }
}

/** The provider: `checkConnection` (login + sys/mounts) and `getSecret`. */
export class BaselineHashicorpProvider {
  constructor(private readonly http: BaselineHttp) {}

  async checkConnection(config: BaselineConfig): Promise<string> {
    const url = removeEndingSlash(config.url);
    const login = await this.http
      .request({ url: `${url}/v1/auth/approle/login`, method: 'POST', body: { role_id: config.roleId, secret_id: config.secretId }, namespace: config.namespace })
      .catch((error: Error) => {
        throw failed(ErrorCode.SECRET_MANAGER_CONNECTION_FAILED, error.message);
      });
    const token: string | undefined = login.body?.auth?.client_token;
    if (!token) throw failed(ErrorCode.SECRET_MANAGER_CONNECTION_FAILED, 'No token received');
    await this.http.request({ url: `${url}/v1/sys/mounts`, token, method: 'GET', namespace: config.namespace }).catch((error: Error) => {
      throw failed(ErrorCode.SECRET_MANAGER_CONNECTION_FAILED, `Permission denied. make sure the app role policies has the necessary permissions ${error.message}`);
    });
    return token;
  }

  async getSecret(path: string, config: BaselineConfig): Promise<string> {
    if (removeEndingSlash(path).split('/').length < 3) throw failed(ErrorCode.VALIDATION, `Wrong path format . should be mount/data/path/key. got ${path}`);
    const parts = path.split('/');
    const mountPath = parts.slice(0, -1).join('/');
    const secretKey = parts[parts.length - 1];
    const token = await this.checkConnection(config);
    const response = await this.http
      .request({ url: `${removeEndingSlash(config.url)}/v1/${mountPath}`, token, method: 'GET', namespace: config.namespace })
      .catch((error: Error) => {
        throw failed(ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, error.message);
      });
    const data = response.body?.data?.data;
    if (!data || !data[secretKey]) throw failed(ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, 'No secret found at requested path');
    return data[secretKey];
  }
}

/** node-cache with `stdTTL: 1 hour`, as the service uses it: get, set, expiry checked on get. */
class BaselineValueCache {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly ttlMs: number = ONE_HOUR_MS) {}

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: string): void {
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
  }
}

/** The service side: value cache around `getSecret`, and the walk that resolves a connection value. */
export class BaselineSecretManagers {
  private readonly http = new BaselineHttp();
  private readonly provider = new BaselineHashicorpProvider(this.http);
  private readonly cache: BaselineValueCache;

  /** `cacheTtlMs`: 1 hour as upstream; the TTL-boundary scenario sets a short one on both sides. */
  constructor(
    private readonly platformId: string,
    private readonly connections: ReadonlyMap<string, BaselineConnection>,
    cacheTtlMs?: number,
  ) {
    this.cache = new BaselineValueCache(cacheTtlMs);
  }

  async getSecret({ connectionId, path }: { connectionId: string; path: string }): Promise<string> {
    const connection = this.connections.get(connectionId);
    if (!connection) throw failed(ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, 'Connection is not accessible');
    const key = cacheKey(this.platformId, connectionId, path);
    const cached = await this.cache.get(key);
    if (cached !== undefined) return cached;
    const secret = await this.provider.getSecret(path, connection.config);
    await this.cache.set(key, secret);
    return secret;
  }

  /** What the baseline holds after resolving `path` to `value`: one cache entry (and nothing else). */
  remember(connectionId: string, path: string, value: string): void {
    this.cache.set(cacheKey(this.platformId, connectionId, path), value);
  }

  async resolveString(key: string): Promise<string> {
    try {
      const { connectionId, path } = extractConnectionIdAndPath(key);
      return await this.getSecret({ connectionId, path });
    } catch (error) {
      return handleResolveError(error, key);
    }
  }

  async resolveObject<T extends Record<string, unknown>>(value: T): Promise<T> {
    const entries = await Promise.all(Object.entries(value).map(async ([field, fieldValue]) => [field, await this.resolveUnknownValue(fieldValue)]));
    return Object.fromEntries(entries) as T;
  }

  async resolveUnknownValue(value: unknown): Promise<unknown> {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return this.resolveObject(value as Record<string, unknown>);
    if (typeof value === 'string') {
      try {
        return await this.resolveString(value);
      } catch (error) {
        return handleResolveError(error, value);
      }
    }
    return value;
  }

  close(): void {
    this.http.close();
  }
}

function cacheKey(platformId: string, connectionId: string, path: string): string {
  return `${platformId}:secret:${connectionId}:${path}`;
}

export function extractConnectionIdAndPath(key: string): { connectionId: string; path: string } {
  const trimmed = key.trim();
  if (!(trimmed.startsWith('{{') && trimmed.endsWith('}}'))) throw failed(ErrorCode.SECRET_MANAGER_KEY_NOT_SECRET, 'Key is not a secret');
  const inner = trimmed.substring(2, trimmed.length - 2);
  const at = inner.indexOf(SecretManagerFieldsSeparator);
  if (at === -1) throw failed(ErrorCode.SECRET_MANAGER_KEY_NOT_SECRET, 'Key is not in the expected secret format');
  const connectionId = inner.substring(0, at);
  const path = inner.substring(at + SecretManagerFieldsSeparator.length);
  if (!connectionId || !path) throw failed(ErrorCode.SECRET_MANAGER_KEY_NOT_SECRET, 'Invalid secret key: missing connectionId or path');
  return { connectionId, path };
}

export function handleResolveError<T>(error: unknown, originalValue: T): T {
  if (error instanceof ActivepiecesError && error.error.code === ErrorCode.SECRET_MANAGER_KEY_NOT_SECRET) return originalValue;
  if (error instanceof ActivepiecesError) throw error;
  throw failed(ErrorCode.VALIDATION, error instanceof Error ? error.message : 'Failed to resolve secret');
}

export function failed(code: ErrorCode, message: string): ActivepiecesError {
  return new ActivepiecesError({ code, params: { message } } as ActivepiecesError['error']);
}

function removeEndingSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

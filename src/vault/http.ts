import http from 'node:http';
import https from 'node:https';

/**
 * The HTTP layer under node-vault, given to it as its `request-promise` option. node-vault builds
 * the URL and the token/namespace headers; this sends the request with a keep-alive agent, the
 * connection's CA, a hard deadline and a body-size cap, and hands back status, headers and body
 * (node-vault's default layer drops the headers, and we need `Retry-After`).
 */
export interface HttpRequesterOptions {
  caCertificate?: string;
  rejectUnauthorized: boolean;
}

export interface RawRequest {
  method: string;
  uri: string;
  headers?: Record<string, string>;
  json?: unknown;
  timeout?: number;
}

export interface RawResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  request: { path: string };
}

export type NetworkFailure = 'refused' | 'dns' | 'timeout' | 'tls' | 'reset' | 'other';

/** A request that got no HTTP answer. Carries no URL headers or body, so no token or Secret ID. */
export class VaultNetworkError extends Error {
  constructor(
    readonly failure: NetworkFailure,
    readonly code: string,
  ) {
    super(`Vault request failed: ${failure} (${code})`);
    this.name = 'VaultNetworkError';
  }
}

/** Vault answers are small; a body above this is not Vault's and is cut off. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Sockets per Vault server: enough for bursts, polite to a loaded Vault. */
const MAX_SOCKETS = 32;

export interface HttpRequester {
  (options: RawRequest): Promise<RawResponse>;
  close(): void;
}

export function createHttpRequester(options: HttpRequesterOptions): HttpRequester {
  const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent({
    ...agentOptions,
    ca: options.caCertificate,
    rejectUnauthorized: options.rejectUnauthorized,
  });
  const send = ((req: RawRequest) => sendOnce(req, req.uri.startsWith('https:') ? httpsAgent : httpAgent)) as HttpRequester;
  send.close = () => {
    httpAgent.destroy();
    httpsAgent.destroy();
  };
  return send;
}

function sendOnce(req: RawRequest, agent: http.Agent): Promise<RawResponse> {
  const url = new URL(req.uri);
  const payload = req.json === undefined ? undefined : Buffer.from(JSON.stringify(req.json));
  const headers: Record<string, string | number> = { Accept: 'application/json', ...req.headers };
  if (payload) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = payload.length;
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<RawResponse>((resolve, reject) => {
    const request = transport.request(url, { method: req.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) request.destroy(new VaultNetworkError('other', 'EBODYTOOLARGE'));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: parseBody(chunks), request: { path: url.pathname } });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => request.destroy(new VaultNetworkError('timeout', 'ETIMEDOUT')), req.timeout ?? 10_000);
    timer.unref();
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(toNetworkError(err));
    }
    request.on('error', fail);
    request.end(payload);
  });
}

function parseBody(chunks: Buffer[]): unknown {
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|EPROTO/;

function toNetworkError(err: Error): VaultNetworkError {
  if (err instanceof VaultNetworkError) return err;
  const code = String((err as NodeJS.ErrnoException).code ?? 'UNKNOWN');
  if (code === 'ECONNREFUSED') return new VaultNetworkError('refused', code);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new VaultNetworkError('dns', code);
  if (code === 'ETIMEDOUT') return new VaultNetworkError('timeout', code);
  if (TLS_CODES.test(code)) return new VaultNetworkError('tls', code);
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(err.message)) return new VaultNetworkError('reset', code);
  return new VaultNetworkError('other', code);
}

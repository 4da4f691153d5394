import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isNetworkRefusedError } from './network-guard';

/**
 * The HTTP layer under node-vault, given to it as its `request-promise` option. node-vault builds
 * the URL and the token/namespace headers; this sends the request with a keep-alive agent, the
 * connection's CA, a hard deadline and a body-size cap, follows a standby's redirect to the
 * active node, and hands back status, headers and body (node-vault's default layer drops the
 * headers, and we need `Retry-After` and `Location`).
 */
export interface HttpRequesterOptions {
  caCertificate?: string;
  rejectUnauthorized: boolean;
  /** Largest answer accepted, in bytes (default DEFAULT_MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** Checks every address before a socket is opened (the network guard); none = no check. */
  guard?: AddressGuard;
}

/** What the HTTP layer needs of a network guard (createNetworkGuard in network-guard.ts): a checking `lookup` and a check for IP literals. */
export interface AddressGuard {
  readonly lookup: LookupFunction;
  /** Throws when the URL's host is an IP literal that may not be reached. */
  checkUrl(url: URL): void;
}

export interface RawRequest {
  method: string;
  uri: string;
  headers?: Record<string, string>;
  json?: unknown;
  timeout?: number;
  /** Aborts the request (a retired connection's request in flight). */
  signal?: AbortSignal;
}

export interface RawResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  request: { path: string };
  /** Standby redirects followed to get this answer (origins only, never a path or query). */
  hops: string[];
  /** Set when the answer is a 307/308 we did not follow, and why. */
  unfollowedRedirect?: UnfollowedRedirect;
}

export interface UnfollowedRedirect {
  /** Origin (`scheme://host:port`) the redirect points at, when it is a URL at all. */
  target?: string;
  reason: 'no-location' | 'scheme-change' | 'too-many-hops' | 'bad-location';
}

export type NetworkFailure = 'refused' | 'dns' | 'timeout' | 'tls' | 'reset' | 'too-large' | 'aborted' | 'other';

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

/** Vault's answers are a few KiB; a KV secret of 1 MiB is already far beyond any real one. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Sockets per Vault server: enough for bursts, polite to a loaded Vault. */
const MAX_SOCKETS = 32;
/** Redirects followed per request: standby → active, and one more for a moved leader (Vault's Go client follows them too). */
export const MAX_REDIRECT_HOPS = 2;

export interface HttpRequester {
  (options: RawRequest): Promise<RawResponse>;
  close(): void;
}

export function createHttpRequester(options: HttpRequesterOptions): HttpRequester {
  const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS, ...(options.guard ? { lookup: options.guard.lookup } : {}) };
  const httpAgent = new http.Agent(agentOptions);
  // The same CA and verification on every hop: a redirect never changes the TLS settings.
  const httpsAgent = new https.Agent({
    ...agentOptions,
    ca: options.caCertificate,
    rejectUnauthorized: options.rejectUnauthorized,
  });
  const limits: HopLimits = { maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, guard: options.guard };
  const send = ((req: RawRequest) => sendFollowingStandby(req, (url) => (url.protocol === 'https:' ? httpsAgent : httpAgent), limits)) as HttpRequester;
  send.close = () => {
    httpAgent.destroy();
    httpsAgent.destroy();
  };
  return send;
}

interface HopLimits {
  maxBodyBytes: number;
  guard?: AddressGuard;
}

/**
 * A standby that cannot forward answers 307 (308 for some proxies) with `Location`: the active
 * node's address, same path and query (docs/vault-behaviour.md §14.4; Vault's Go client follows
 * it and sends the token again). Followed at most MAX_REDIRECT_HOPS times, only to the same scheme
 * (never https → http), with the same method, headers (token included) and body; each hop is
 * checked by the network guard like the first request. 301/302/303 are not Vault's and are
 * handed back unfollowed.
 */
async function sendFollowingStandby(req: RawRequest, agentFor: (url: URL) => http.Agent, limits: HopLimits): Promise<RawResponse> {
  const first = new URL(req.uri);
  const hops: string[] = [];
  let url = first;
  for (;;) {
    const res = await sendOnce(req, url, agentFor(url), limits);
    res.hops = [...hops];
    if (res.statusCode !== 307 && res.statusCode !== 308) return res;
    const next = redirectTarget(res, url, first, hops.length);
    if ('reason' in next) {
      res.unfollowedRedirect = next;
      return res;
    }
    hops.push(next.origin);
    url = next;
  }
}

function redirectTarget(res: RawResponse, current: URL, first: URL, hopsSoFar: number): URL | UnfollowedRedirect {
  const location = Array.isArray(res.headers.location) ? res.headers.location[0] : res.headers.location;
  if (!location) return { reason: 'no-location' };
  let target: URL;
  try {
    target = new URL(location, current);
  } catch {
    return { reason: 'bad-location' };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return { reason: 'bad-location' };
  if (target.protocol !== first.protocol) return { target: target.origin, reason: 'scheme-change' };
  if (hopsSoFar >= MAX_REDIRECT_HOPS) return { target: target.origin, reason: 'too-many-hops' };
  return target;
}

function sendOnce(req: RawRequest, url: URL, agent: http.Agent, limits: HopLimits): Promise<RawResponse> {
  const payload = req.json === undefined ? undefined : Buffer.from(JSON.stringify(req.json));
  // X-Vault-Request: Vault Agent and Vault Proxy with require_request_header answer 412 without it
  // (docs/vault-behaviour.md §14.5); Vault itself ignores it, and its CLI always sends it.
  const headers: Record<string, string | number> = { Accept: 'application/json', ...req.headers, 'X-Vault-Request': 'true' };
  if (payload) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = payload.length;
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<RawResponse>((resolve, reject) => {
    if (req.signal?.aborted) return reject(new VaultNetworkError('aborted', 'ABORT_ERR'));
    try {
      limits.guard?.checkUrl(url);
    } catch (refusal) {
      return reject(refusal);
    }
    // Settled once: a body over the cap fails at once, whatever the stream emits after that.
    let settled = false;
    const request = transport.request(url, { method: req.method, headers, agent, signal: req.signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limits.maxBodyBytes) return void chunks.push(chunk);
        fail(new VaultNetworkError('too-large', 'EBODYTOOLARGE'));
        res.destroy();
        request.destroy();
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: parseBody(chunks), request: { path: url.pathname }, hops: [] });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => request.destroy(new VaultNetworkError('timeout', 'ETIMEDOUT')), req.timeout ?? 10_000);
    timer.unref();
    function fail(err: Error): void {
      if (settled) return;
      settled = true;
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

/** Node's errors as the failures a person can act on; the guard's refusal passes unchanged. */
function toNetworkError(err: Error): Error {
  if (err instanceof VaultNetworkError || isNetworkRefusedError(err)) return err;
  const code = String((err as NodeJS.ErrnoException).code ?? 'UNKNOWN');
  if (err.name === 'AbortError' || code === 'ABORT_ERR') return new VaultNetworkError('aborted', 'ABORT_ERR');
  if (code === 'ECONNREFUSED') return new VaultNetworkError('refused', code);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new VaultNetworkError('dns', code);
  if (code === 'ETIMEDOUT') return new VaultNetworkError('timeout', code);
  if (TLS_CODES.test(code)) return new VaultNetworkError('tls', code);
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(err.message)) return new VaultNetworkError('reset', code);
  return new VaultNetworkError('other', code);
}

// The request pipeline: HTTP request ⇒ namespace ⇒ token ⇒ ACL ⇒ backend (notes §1, §3.4, §7, §8, §9).
import type { IncomingHttpHeaders } from 'node:http';
import type { Backend } from './backend';
import { healthReply } from './health';
import { MountEntry, matchMount } from './mounts';
import { Namespace, namespaceSegments } from './namespaces';
import {
  Reply,
  badRequest,
  errorReply,
  invalidToken,
  notFound,
  plainPermissionDenied,
  policyDenied,
  sealedReply,
  unsupportedPath,
} from './responses';
import type { DoubleState } from './state';
import { SysBackend } from './sys';
import { handleTokenBackend } from './tokens';
import type { Operation, RequestCtx } from './types';

export interface RawRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  remoteIp: string;
}

/** What the request log records about a request before it is answered. */
export interface RequestMeta {
  path: string;
  query: string;
  namespace: string;
  hadToken: boolean;
  admin: boolean;
}

const SELF_PATHS = new Set(['auth/token/lookup-self', 'auth/token/renew-self', 'auth/token/revoke-self']);
const sysBackend = new SysBackend();
const tokenBackend: Backend = { handle: handleTokenBackend };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** notes §9: X-Vault-Token wins; else `Authorization: Bearer <t>`; other schemes ignored. */
export function tokenFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  const direct = header(headers, 'x-vault-token');
  if (direct) return direct;
  const auth = header(headers, 'authorization');
  return auth && auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() || undefined : undefined;
}

function splitUrl(rawUrl: string): { path: string; query: URLSearchParams; search: string } {
  const url = new URL(rawUrl, 'http://127.0.0.1');
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // keep the encoded form
  }
  return { path, query: url.searchParams, search: url.search.replace(/^\?/, '') };
}

/** Go-flavoured text for the "failed to parse JSON input" error (notes §9; only the prefix is documented). */
function jsonErrorText(err: Error): string {
  if (/end of JSON input/i.test(err.message)) return 'unexpected EOF';
  const m = /Unexpected token '?(.)'?/.exec(err.message);
  return m ? `invalid character '${m[1]}' looking for beginning of value` : err.message;
}

type Parsed = { data: Record<string, unknown> } | { error: Reply };

/** notes §9: body parse errors ⇒ 400 "failed to parse JSON input: …"; empty body ⇒ no data. */
function parseBody(body: Buffer): Parsed {
  const text = body.toString('utf8');
  if (text.trim() === '') return { data: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: badRequest(`failed to parse JSON input: ${jsonErrorText(err as Error)}`) };
  }
  if (value === null) return { data: {} };
  if (typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'array' : typeof value;
    return { error: badRequest(`failed to parse JSON input: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`) };
  }
  return { data: value as Record<string, unknown> };
}

/** notes §7/§9: HTTP verb ⇒ logical operation; `?list=true` on GET ⇒ list. */
function operationFor(method: string, query: URLSearchParams): Operation | Reply {
  switch (method) {
    case 'GET': {
      const list = query.get('list');
      if (list === null || list === '') return 'read';
      if (/^(1|t|true)$/i.test(list)) return 'list';
      if (/^(0|f|false)$/i.test(list)) return 'read';
      return errorReply(400, []); // notes §9: bad list= value ⇒ 400 (body not documented)
    }
    case 'LIST':
      return 'list';
    case 'POST':
    case 'PUT':
      return 'update'; // create vs update is decided by the existence check later
    case 'DELETE':
      return 'delete';
    case 'PATCH':
      return 'patch';
    default:
      return errorReply(405, []); // notes §9: unknown HTTP method ⇒ 405
  }
}

interface Route {
  backend?: Backend;
  mount?: MountEntry;
  sub: string;
}

export class Router {
  constructor(private readonly state: DoubleState) {}

  /** Namespace resolution (notes §8): header, then URL prefix. Undefined header ns ⇒ error. */
  private resolveNamespace(nsHeader: string | undefined, relPath: string): { ns: Namespace; path: string } | Reply {
    let ns: Namespace | undefined = this.state.root;
    if (!this.state.enterprise) return { ns, path: relPath }; // notes §8: CE ignores the header
    if (nsHeader !== undefined) {
      ns = this.state.root.descend(namespaceSegments(nsHeader));
      // notes §8 (OpenBao, unverified for Enterprise): unknown header namespace ⇒ 404
      if (!ns) return errorReply(404, ['namespace not found']);
    }
    const segments = relPath.split('/');
    let i = 0;
    while (i < segments.length && ns.children.has(segments[i])) ns = ns.children.get(segments[i++])!;
    return { ns, path: segments.slice(i).join('/') };
  }

  /** Best-effort classification for the request log (never fails). */
  describe(raw: RawRequest): RequestMeta {
    const { path, search } = splitUrl(raw.url);
    const token = tokenFromHeaders(raw.headers);
    const nsHeader = this.state.enterprise ? header(raw.headers, 'x-vault-namespace') : undefined;
    let namespace = nsHeader ? namespaceSegments(nsHeader).join('/') : '';
    if (path.startsWith('/v1/')) {
      const resolved = this.resolveNamespace(nsHeader, path.slice(4));
      if (!('status' in resolved)) namespace = resolved.ns.displayPath;
    }
    return { path, query: search, namespace, hadToken: token !== undefined, admin: this.state.isRootToken(token) };
  }

  handle(raw: RawRequest): Reply {
    const { path: rawPath, query } = splitUrl(raw.url);
    // notes §9: sys/health is answered even when sealed (503 + body); HEAD allowed
    if (rawPath === '/v1/sys/health' && (raw.method === 'GET' || raw.method === 'HEAD')) {
      return healthReply(this.state, query, raw.method === 'HEAD');
    }
    if (this.state.sealed) return sealedReply(); // notes §9: sealed ⇒ 503 on everything
    if (!rawPath.startsWith('/v1/')) return notFound();
    const op = operationFor(raw.method, query);
    if (typeof op !== 'string') return op;
    const nsHeader = header(raw.headers, 'x-vault-namespace');
    const resolved = this.resolveNamespace(nsHeader, rawPath.slice(4));
    if ('status' in resolved) return resolved;
    let path = resolved.path;
    if (op === 'list' && !path.endsWith('/')) path += '/'; // notes §5.3: core appends the slash
    const writes = op === 'update' || op === 'patch';
    const parsed: Parsed = writes ? parseBody(raw.body) : { data: Object.fromEntries(query.entries()) };
    if ('error' in parsed) return parsed.error;
    // notes §5.2: core rejects writes to paths ending in "/"
    if (writes && path.endsWith('/')) return badRequest("cannot write to a path ending in '/'");
    const ctx: RequestCtx = {
      op,
      method: raw.method,
      rawPath,
      ns: resolved.ns,
      path,
      data: parsed.data,
      query,
      clientToken: tokenFromHeaders(raw.headers),
      remoteIp: raw.remoteIp,
    };
    return this.dispatch(ctx);
  }

  private route(ns: Namespace, path: string): Route {
    if (path.startsWith('auth/')) {
      const mount = matchMount(ns.authMounts, path.slice(5));
      if (!mount) return { sub: path };
      return { mount, backend: mount.type === 'token' ? tokenBackend : mount.backend, sub: subPath(path.slice(5), mount) };
    }
    const mount = matchMount(ns.mounts, path);
    if (!mount) return { sub: path };
    return { mount, backend: mount.type === 'system' ? sysBackend : mount.backend, sub: subPath(path, mount) };
  }

  private dispatch(ctx: RequestCtx): Reply {
    let route = this.route(ctx.ns, ctx.path);
    if (route.backend?.isUnauthenticated?.(route.sub)) return this.invoke(ctx, route);
    if (!ctx.clientToken) return plainPermissionDenied(); // notes §3.4: no token at all
    const token = this.state.liveToken(ctx.clientToken);
    if (!token) return invalidToken(); // notes §3.4: revoked / expired / unknown
    ctx.token = token;
    if (SELF_PATHS.has(ctx.path)) {
      // notes §3.3/§8: the -self paths always run in the token's own namespace
      ctx.ns = this.state.namespaceByPath(token.nsPath)!;
      route = this.route(ctx.ns, ctx.path);
    }
    if (ctx.op === 'update') {
      const exists = route.backend?.existenceCheck?.(route.sub);
      if (exists === false) ctx.op = 'create'; // notes §7: create vs update via existence check
    }
    this.state.tokens.use(token); // num_uses: every authenticated use counts, even a denied one
    if (!this.allowed(ctx, route)) return policyDenied(); // notes §7
    return this.invoke(ctx, route);
  }

  private allowed(ctx: RequestCtx, route: Route): boolean {
    const acl = this.state.aclFor(ctx.token!);
    // notes §3.1: lookup-self also accepts POST and is still covered by the default policy's `read`
    const op: Operation = ctx.path === 'auth/token/lookup-self' ? 'read' : ctx.op;
    const sudo = route.mount?.type === 'system' && SysBackend.needsSudo(route.sub);
    // notes §8: rules are absolute (token namespace prefix); the request path is made absolute too
    return acl.allows(ctx.ns.path + ctx.path, op, sudo);
  }

  private invoke(ctx: RequestCtx, route: Route): Reply {
    if (!route.mount) return errorReply(404, [`no handler for route "${ctx.path}". route entry not found.`]); // notes §7
    if (!route.backend) return unsupportedPath(); // cubbyhole/identity are not implemented
    return route.backend.handle({ state: this.state, ctx, mount: route.mount, sub: route.sub });
  }
}

function subPath(path: string, mount: MountEntry): string {
  return (path.length < mount.path.length ? '' : path.slice(mount.path.length));
}

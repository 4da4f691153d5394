// The request pipeline: HTTP request ⇒ namespace ⇒ token ⇒ ACL ⇒ backend (docs/vault-behaviour.md §1, §3.4, §7, §8, §9).
import type { IncomingHttpHeaders } from 'node:http';
import type { Backend } from './backend';
import { ipInCidrs } from './cidr';
import { MountEntry, matchMount } from './mounts';
import { Namespace, namespaceSegments } from './namespaces';
import {
  Reply,
  badRequest,
  errorReply,
  notFound,
  plainPermissionDenied,
  policyDenied,
  unsupportedPath,
} from './responses';
import type { DoubleState } from './state';
import { SysBackend } from './sys';
import { handleTokenBackend } from './tokens';
import type { Operation, RequestCtx } from './types';
import { wrappedReply } from './wrapping';

export interface RawRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  remoteIp: string;
  /** what the backend noted when the request arrived (Backend.onArrival) */
  arrivalNote?: unknown;
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

/** docs/vault-behaviour.md §9: X-Vault-Token wins; else `Authorization: Bearer <t>`; other schemes ignored. */
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

/** Go-flavoured text for the "failed to parse JSON input" error (docs/vault-behaviour.md §9; only the prefix is documented). */
function jsonErrorText(err: Error): string {
  if (/end of JSON input/i.test(err.message)) return 'unexpected EOF';
  const m = /Unexpected token '?(.)'?/.exec(err.message);
  return m ? `invalid character '${m[1]}' looking for beginning of value` : err.message;
}

type Parsed = { data: Record<string, unknown> } | { error: Reply };

/** docs/vault-behaviour.md §9: body parse errors ⇒ 400 "failed to parse JSON input: …"; empty body ⇒ no data. */
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

/** docs/vault-behaviour.md §7/§9: HTTP verb ⇒ logical operation; `?list=true` on GET ⇒ list. */
function operationFor(method: string, query: URLSearchParams): Operation | Reply {
  switch (method) {
    case 'GET': {
      const list = query.get('list');
      if (list === null || list === '') return 'read';
      if (/^(1|t|true)$/i.test(list)) return 'list';
      if (/^(0|f|false)$/i.test(list)) return 'read';
      return errorReply(400, []); // docs/vault-behaviour.md §9: bad list= value ⇒ 400 (body not documented)
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
      return errorReply(405, []); // docs/vault-behaviour.md §9: unknown HTTP method ⇒ 405
  }
}

interface Route {
  backend?: Backend;
  mount?: MountEntry;
  sub: string;
}

export class Router {
  constructor(private readonly state: DoubleState) {}

  /** Namespace resolution (docs/vault-behaviour.md §8): header, then URL prefix. Undefined header ns ⇒ error. */
  private resolveNamespace(nsHeader: string | undefined, relPath: string): { ns: Namespace; path: string } | Reply {
    let ns: Namespace | undefined = this.state.root;
    if (!this.state.enterprise) return { ns, path: relPath }; // docs/vault-behaviour.md §8: CE ignores the header
    if (nsHeader !== undefined) {
      ns = this.state.root.descend(namespaceSegments(nsHeader));
      // docs/vault-behaviour.md §8/§14.9: unknown header namespace ⇒ OpenBao's 404, or Enterprise's 403 (per flavour)
      if (!ns) return this.state.flavour.unknownNamespace();
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

  /** docs/vault-behaviour.md §14.2: let the backend note what it sees on arrival, before latency and queueing. */
  arrive(raw: RawRequest): void {
    const prepared = this.prepare(raw);
    if ('status' in prepared) return;
    const route = this.route(prepared.ns, prepared.path);
    raw.arrivalNote = route.backend?.onArrival?.(route.sub, prepared, this.state);
  }

  handle(raw: RawRequest): Reply {
    const ctx = this.prepare(raw);
    return 'status' in ctx ? ctx : this.dispatch(ctx);
  }

  /** HTTP request ⇒ logical request: operation, namespace, path, body (docs/vault-behaviour.md §5.3, §7, §8, §9). */
  private prepare(raw: RawRequest): RequestCtx | Reply {
    const { path: rawPath, query } = splitUrl(raw.url);
    if (!rawPath.startsWith('/v1/')) return notFound();
    const op = operationFor(raw.method, query);
    if (typeof op !== 'string') return op;
    const nsHeader = header(raw.headers, 'x-vault-namespace');
    const resolved = this.resolveNamespace(nsHeader, rawPath.slice(4));
    if ('status' in resolved) return resolved;
    let path = resolved.path;
    if (op === 'list' && !path.endsWith('/')) path += '/'; // docs/vault-behaviour.md §5.3: core appends the slash
    const writes = op === 'update' || op === 'patch';
    const parsed: Parsed = writes ? parseBody(raw.body) : { data: Object.fromEntries(query.entries()) };
    if ('error' in parsed) return parsed.error;
    // docs/vault-behaviour.md §5.2: core rejects writes to paths ending in "/"
    if (writes && path.endsWith('/')) return badRequest("cannot write to a path ending in '/'");
    return {
      op,
      method: raw.method,
      rawPath,
      ns: resolved.ns,
      path,
      data: parsed.data,
      query,
      clientToken: tokenFromHeaders(raw.headers),
      remoteIp: raw.remoteIp,
      arrivalNote: raw.arrivalNote,
    };
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
    if (!ctx.clientToken) return plainPermissionDenied(); // docs/vault-behaviour.md §3.4: no token at all
    const token = this.state.liveToken(ctx.clientToken);
    if (!token) return this.state.flavour.deadToken(); // docs/vault-behaviour.md §3.4/§14.1: revoked / expired / unknown
    // docs/vault-behaviour.md §14.1 (HV/OB fetchACLTokenEntryAndEntity): token_bound_cidrs on every request, before any use is spent
    if (token.boundCidrs.length > 0 && token.expireMs !== null && !ipInCidrs(ctx.remoteIp, token.boundCidrs)) {
      return plainPermissionDenied();
    }
    ctx.token = token;
    if (SELF_PATHS.has(ctx.path)) {
      // docs/vault-behaviour.md §3.3/§8: the -self paths always run in the token's own namespace
      ctx.ns = this.state.namespaceByPath(token.nsPath)!;
      route = this.route(ctx.ns, ctx.path);
    }
    if (ctx.op === 'update') {
      const exists = route.backend?.existenceCheck?.(route.sub);
      if (exists === false) ctx.op = 'create'; // docs/vault-behaviour.md §7: create vs update via existence check
    }
    // docs/vault-behaviour.md §14.12 (OB request_handling.go:1318-1340): every authenticated use counts, denied and 5xx included
    this.state.tokens.use(token);
    // docs/vault-behaviour.md §14.1 (HV CheckToken): a disabled entity is refused after the token entry was found (a use is spent)
    if (token.entityId !== '' && this.state.disabledEntities.has(token.entityId)) return plainPermissionDenied();
    if (!this.allowed(ctx, route)) return policyDenied(); // docs/vault-behaviour.md §7
    return this.maybeWrap(ctx, this.invoke(ctx, route));
  }

  /** docs/vault-behaviour.md §14.6: control groups / forced wrapping — a successful read of a matching path answers only `wrap_info`. */
  private maybeWrap(ctx: RequestCtx, reply: Reply): Reply {
    const rule = this.state.forcedWrapping;
    if (!rule || ctx.op !== 'read' || reply.status !== 200) return reply;
    return pathMatches(rule.path, ctx.path) ? wrappedReply(this.state, ctx, rule.ttl) : reply;
  }

  private allowed(ctx: RequestCtx, route: Route): boolean {
    const acl = this.state.aclFor(ctx.token!);
    // docs/vault-behaviour.md §3.1: lookup-self also accepts POST and is still covered by the default policy's `read`
    const op: Operation = ctx.path === 'auth/token/lookup-self' ? 'read' : ctx.op;
    const sudo = route.mount?.type === 'system' && SysBackend.needsSudo(route.sub);
    // docs/vault-behaviour.md §8: rules are absolute (token namespace prefix); the request path is made absolute too
    return acl.allows(ctx.ns.path + ctx.path, op, sudo);
  }

  private invoke(ctx: RequestCtx, route: Route): Reply {
    if (!route.mount) return errorReply(404, [`no handler for route "${ctx.path}". route entry not found.`]); // docs/vault-behaviour.md §7
    if (!route.backend) return unsupportedPath(); // cubbyhole/identity are not implemented
    return route.backend.handle({ state: this.state, ctx, mount: route.mount, sub: route.sub });
  }
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  if (typeof pattern === 'string') return pattern === path;
  pattern.lastIndex = 0;
  return pattern.test(path);
}

function subPath(path: string, mount: MountEntry): string {
  return (path.length < mount.path.length ? '' : path.slice(mount.path.length));
}

// Namespaces (docs/vault-behaviour.md §8): each one owns its mounts, auth mounts, policies, roles and tokens.
import { randomBytes } from 'node:crypto';
import { DEFAULT_POLICY_TEXT, Policy, parsePolicy } from './acl';
import { MountEntry, builtinAuthMounts, builtinSecretMounts } from './mounts';
import { RequestCtx } from './types';
import { Reply, badRequest, noContent, notFound, okReply, unsupportedOperation, unsupportedPath } from './responses';

/** docs/vault-behaviour.md §8: reserved namespace names. */
const RESERVED_NAMES = new Set(['root', 'sys', 'audit', 'auth', 'cubbyhole', 'identity']);

export class Namespace {
  readonly children = new Map<string, Namespace>();
  readonly mounts = new Map<string, MountEntry>(); // secret engines, keys end with "/"
  readonly authMounts = new Map<string, MountEntry>(); // auth methods, keys without "auth/"
  readonly policies = new Map<string, Policy>();
  /** identity entities auto-created for login aliases: key "<mount accessor>/<alias>" ⇒ entity id */
  readonly entities = new Map<string, string>();
  readonly id: string;

  constructor(
    /** "" for root, else "ns1/" or "ns1/ns2/" */
    readonly path: string,
    readonly parent?: Namespace,
  ) {
    this.id = path === '' ? 'root' : randomBytes(4).toString('base64url').slice(0, 5);
    for (const m of builtinSecretMounts()) this.mounts.set(m.path, m);
    for (const m of builtinAuthMounts()) this.authMounts.set(m.path, m);
    this.policies.set('default', parsePolicy('default', DEFAULT_POLICY_TEXT)); // docs/vault-behaviour.md §7
  }

  /** Namespace path without the trailing slash ("" for root), as used in the request log. */
  get displayPath(): string {
    return this.path.replace(/\/$/, '');
  }

  /** This namespace and all its descendants. */
  *walk(): Generator<Namespace> {
    yield this;
    for (const child of this.children.values()) yield* child.walk();
  }

  /** Walk `segments` down from here; undefined when a segment doesn't exist. */
  descend(segments: string[]): Namespace | undefined {
    if (segments.length === 0) return this;
    return this.children.get(segments[0])?.descend(segments.slice(1));
  }

  /** True if `this` is `other` or one of its descendants. */
  isWithin(other: Namespace): boolean {
    return this.path.startsWith(other.path);
  }
}

/** Split a namespace header value: trailing slash optional (docs/vault-behaviour.md §8). */
export function namespaceSegments(value: string): string[] {
  return value.split('/').filter((s) => s !== '');
}

function namespaceData(ns: Namespace): Record<string, unknown> {
  return { custom_metadata: {}, id: ns.id, path: ns.path };
}

/**
 * sys/namespaces[/<name>] (docs/vault-behaviour.md §8): create (POST/PUT), read, LIST and delete child
 * namespaces of the request namespace; nested paths ("a/b") are created under existing parents.
 */
export function handleNamespaces(ctx: RequestCtx, sub: string, onDelete: (ns: Namespace) => void): Reply {
  const segments = namespaceSegments(sub);
  if (segments.length === 0) return listNamespaces(ctx);
  const parent = ctx.ns.descend(segments.slice(0, -1));
  const name = segments[segments.length - 1];
  const existing = parent?.children.get(name);
  switch (ctx.op) {
    case 'read':
      return existing ? okReply({ data: namespaceData(existing), mountType: 'system' }) : notFound();
    case 'create':
    case 'update':
      if (!parent) return badRequest(`parent namespace "${segments.slice(0, -1).join('/')}/" does not exist`); // not in notes
      return createNamespace(parent, name, existing);
    case 'delete':
      if (existing && parent) {
        parent.children.delete(name);
        onDelete(existing);
      }
      return noContent();
    default:
      return unsupportedOperation();
  }
}

function createNamespace(parent: Namespace, name: string, existing: Namespace | undefined): Reply {
  // docs/vault-behaviour.md §8: reserved names; exact Enterprise error text is not documented
  if (RESERVED_NAMES.has(name.toLowerCase())) return badRequest(`"${name}" is a reserved path and cannot be used as a namespace name`);
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return badRequest(`"${name}" is not a valid namespace name`);
  const ns = existing ?? new Namespace(`${parent.path}${name}/`, parent);
  parent.children.set(name, ns);
  return okReply({ data: namespaceData(ns), mountType: 'system' });
}

function listNamespaces(ctx: RequestCtx): Reply {
  if (ctx.op !== 'list') return ctx.op === 'read' ? unsupportedPath() : unsupportedOperation();
  const keys = [...ctx.ns.children.keys()].sort().map((k) => `${k}/`);
  if (keys.length === 0) return notFound(); // docs/vault-behaviour.md §5.3: empty list ⇒ 404
  const keyInfo: Record<string, unknown> = {};
  for (const child of ctx.ns.children.values()) keyInfo[`${child.path.slice(ctx.ns.path.length)}`] = namespaceData(child);
  return okReply({ data: { keys, key_info: keyInfo }, mountType: 'system' });
}


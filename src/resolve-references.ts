import { ActivepiecesError, SecretManagerConnectionScope } from './activepieces';
import { getSecretFailed, isActivepiecesError, validationFailed } from './errors';
import type { Logger } from './logger';
import { silentLogger } from './logger';
import { hashicorpVaultProvider } from './provider';
import { parseSecretReference, SecretReference } from './references';

/** A secret-manager connection as the engine knows it. */
export interface SecretManagerConnection {
  id: string;
  platformId: string;
  providerId: string;
  scope: SecretManagerConnectionScope | `${SecretManagerConnectionScope}`;
  projectIds?: string[];
  config: unknown;
}

/** What `resolveSecretReferences` needs of a provider. */
export interface SecretResolvingProvider {
  readonly id: string;
  resolve(input: { connectionId: string; config: never; path: string }): Promise<string>;
}

export type FailurePolicy = 'throw' | 'keep-reference';

export interface ResolveContext {
  platformId: string;
  /** The project the flow runs in. PROJECT-scoped connections resolve only for a project they list. */
  projectId?: string;
  getConnection(id: string): Promise<SecretManagerConnection | null | undefined> | SecretManagerConnection | null | undefined;
  /** Providers by id; default: this package's HashiCorp provider. */
  providers?: ReadonlyArray<SecretResolvingProvider>;
  /** `'throw'` (default): fail naming the field; `'keep-reference'`: leave the reference text in place. */
  onFailure?: FailurePolicy;
  /**
   * `true` (default): references inside arrays resolve too. `false`: arrays are copied untouched,
   * as Activepieces' server does when it resolves a connection value (its walk stops at arrays).
   */
  walkArrays?: boolean;
  logger?: Logger;
}

/** Deeper than any connection value; guards against cycles and hostile input. */
const MAX_DEPTH = 64;

interface Hole {
  readonly container: Record<string, unknown> | unknown[];
  readonly slot: string | number;
  readonly fieldPath: string;
  readonly text: string;
  readonly reference: SecretReference;
}

/**
 * The engine hook: returns a copy of `value` in which every string that is exactly a reference
 * `{{<connectionId>|ap_sep_v1|<path>}}` is replaced by the secret. Other values are copied as they
 * are; the input is never changed. All references resolve concurrently.
 */
export async function resolveSecretReferences<T>(value: T, context: ResolveContext): Promise<T> {
  const holes: Hole[] = [];
  const walk: Walk = { holes, walkArrays: context.walkArrays ?? true };
  const root: Record<string, unknown> = {};
  // Through visit, so that a bare reference string (no object around it) is resolved too.
  root.value = visit(value, root, 'value', '', walk, -1);
  if (holes.length === 0) return root.value as T;
  const connections = new Map<string, Promise<SecretManagerConnection>>();
  const failures = await Promise.all(holes.map((hole) => fill(hole, context, connections)));
  const firstFailure = failures.find((f) => f !== undefined);
  if (firstFailure) throw firstFailure;
  return root.value as T;
}

/** Where found references go; `walkArrays: false` copies arrays without collecting from them. */
interface Walk {
  readonly holes: Hole[];
  readonly walkArrays: boolean;
}

function copyWithHoles(value: unknown, fieldPath: string, walk: Walk, depth: number): unknown {
  if (depth > MAX_DEPTH) throw validationFailed(`The value is nested deeper than ${MAX_DEPTH} levels at "${fieldPath}".`);
  if (Array.isArray(value)) {
    const inner: Walk = walk.walkArrays ? walk : { holes: [], walkArrays: false };
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      out[i] = visit(value[i], out, i, `${fieldPath}[${i}]`, inner, depth);
    }
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      out[key] = visit(value[key], out, key, fieldPath ? `${fieldPath}.${key}` : key, walk, depth);
    }
    return out;
  }
  return value;
}

function visit(child: unknown, container: Hole['container'], slot: string | number, fieldPath: string, walk: Walk, depth: number): unknown {
  if (typeof child === 'string') {
    const reference = parseSecretReference(child);
    if (reference) walk.holes.push({ container, slot, fieldPath, text: child, reference });
    return child;
  }
  return copyWithHoles(child, fieldPath, walk, depth + 1);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Resolves one hole in place; returns the error to throw, if the policy says throw. */
async function fill(hole: Hole, context: ResolveContext, connections: Map<string, Promise<SecretManagerConnection>>): Promise<ActivepiecesError | undefined> {
  try {
    const connection = await connectionFor(hole.reference.connectionId, context, connections);
    const provider = providerFor(connection, context);
    const value = await provider.resolve({ connectionId: connection.id, config: connection.config as never, path: hole.reference.path });
    (hole.container as Record<string | number, unknown>)[hole.slot] = value;
    return undefined;
  } catch (err) {
    const failure = inField(err, hole);
    if ((context.onFailure ?? 'throw') === 'throw') return failure;
    (context.logger ?? silentLogger).warn(
      { field: hole.fieldPath, connectionId: hole.reference.connectionId, code: failure.error.code },
      `vault: reference left unresolved: ${failure.message}`,
    );
    return undefined;
  }
}

function connectionFor(id: string, context: ResolveContext, memo: Map<string, Promise<SecretManagerConnection>>): Promise<SecretManagerConnection> {
  let found = memo.get(id);
  if (!found) {
    found = Promise.resolve(context.getConnection(id)).then((c) => checkScope(id, c, context));
    memo.set(id, found);
  }
  return found;
}

/** Fails closed: unknown id, another platform, or a project the connection does not list. */
function checkScope(id: string, connection: SecretManagerConnection | null | undefined, context: ResolveContext): SecretManagerConnection {
  if (!connection) throw getSecretFailed(`Secret manager connection "${id}" does not exist.`, { connectionId: id });
  // The provider caches by connection.id: a lookup that answers with another connection must not
  // let this reference read (or be served) that connection's values.
  if (connection.id !== id) throw getSecretFailed(`Secret manager connection "${id}" was not found (the lookup returned another connection).`, { connectionId: id });
  if (!nonEmpty(context.platformId)) {
    throw getSecretFailed(`Secret manager connection "${id}" cannot be used: this call names no platform.`, { connectionId: id });
  }
  if (connection.platformId !== context.platformId) {
    throw getSecretFailed(`Secret manager connection "${id}" belongs to another platform.`, { connectionId: id });
  }
  if (connection.scope === SecretManagerConnectionScope.PROJECT) {
    if (!nonEmpty(context.projectId)) {
      throw getSecretFailed(`Secret manager connection "${id}" is limited to some projects, and this call names no project.`, { connectionId: id });
    }
    // An array only: on a string, includes() would match any substring of it.
    if (!Array.isArray(connection.projectIds) || !connection.projectIds.includes(context.projectId)) {
      throw getSecretFailed(`Secret manager connection "${id}" is not available to project "${context.projectId}".`, { connectionId: id });
    }
  } else if (connection.scope !== SecretManagerConnectionScope.PLATFORM) {
    throw getSecretFailed(`Secret manager connection "${id}" has an unknown scope.`, { connectionId: id });
  }
  return connection;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function providerFor(connection: SecretManagerConnection, context: ResolveContext): SecretResolvingProvider {
  const providers = context.providers ?? [hashicorpVaultProvider];
  const provider = providers.find((p) => p.id === connection.providerId);
  if (!provider) {
    throw getSecretFailed(`No secret manager provider "${connection.providerId}" is loaded for connection "${connection.id}".`, { connectionId: connection.id }, connection.providerId);
  }
  return provider;
}

/** The cause, with the field it happened in: "props.apiKey: Secret ... was not found". */
function inField(err: unknown, hole: Hole): ActivepiecesError {
  const request = { field: hole.fieldPath, connectionId: hole.reference.connectionId, path: hole.reference.path };
  if (isActivepiecesError(err)) {
    const cause = (err.error.params as { message?: string }).message ?? err.message;
    const message = `${hole.fieldPath || '(value)'}: ${cause}`;
    const params = { ...(err.error.params as object), message, ...('request' in (err.error.params as object) ? { request } : {}) };
    return new ActivepiecesError({ code: err.error.code, params } as ActivepiecesError['error'], message);
  }
  return getSecretFailed(`${hole.fieldPath || '(value)'}: resolving the secret failed unexpectedly.`, request);
}

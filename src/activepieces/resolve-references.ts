import { ActivepiecesError, type SecretManagerConnectionScope } from './shared';
import { checkScope } from './scope';
import { asHostError, getSecretFailed, humanMessage, isActivepiecesError, validationFailed } from './errors';
import type { ActivepiecesErrorClass } from './errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { hashicorpVaultProvider } from '../provider/provider';
import { parseSecretReference, SecretReference } from './references';

/** A secret-manager connection as the engine knows it. */
export interface SecretManagerConnection {
  id: string;
  platformId: string;
  providerId: string;
  scope: SecretManagerConnectionScope | `${SecretManagerConnectionScope}`;
  projectIds?: string[] | undefined;
  config: unknown;
}

/** What `resolveSecretReferences` needs of a provider. */
export interface SecretResolvingProvider {
  readonly id: string;
  resolve(input: { connectionId: string; config: never; path: string }): Promise<string>;
  /** Optional synchronous cache lookup: the value when cached, undefined when a `resolve` is needed. */
  resolveFromCache?(input: { connectionId: string; config: never; path: string }): string | undefined;
}

export type FailurePolicy = 'throw' | 'keep-reference';

export interface ResolveContext {
  platformId: string;
  /** The project the flow runs in. PROJECT-scoped connections resolve only for a project they list. */
  projectId?: string | undefined;
  getConnection(id: string): Promise<SecretManagerConnection | null | undefined> | SecretManagerConnection | null | undefined;
  /** Providers by id; default: this package's HashiCorp provider. */
  providers?: ReadonlyArray<SecretResolvingProvider> | undefined;
  /** `'throw'` (default): fail naming the field; `'keep-reference'`: leave the reference text in place. */
  onFailure?: FailurePolicy | undefined;
  /**
   * `true` (default): references inside arrays resolve too. `false`: arrays are copied untouched,
   * as Activepieces' server does when it resolves a connection value (its walk stops at arrays).
   */
  walkArrays?: boolean | undefined;
  logger?: Logger | undefined;
  /**
   * The host's `ActivepiecesError` class, when it loads another copy than this package: failures
   * are rethrown as that class (same code, params and message). Not needed with one copy installed.
   */
  errorClass?: ActivepiecesErrorClass | undefined;
}

/** Deeper than any connection value; guards against cycles and hostile input. */
const MAX_DEPTH = 64;

interface Hole {
  readonly container: Record<string, unknown> | unknown[];
  readonly slot: string | number;
  /** Field path of the container (undefined for the root value); the hole's own path is built only for a message. */
  readonly parentPath: string | undefined;
  readonly reference: SecretReference;
}

/** A connection, looked up once per call, scope-checked, with its provider; or why it cannot be used. */
type ConnectionLookup =
  | { connection: SecretManagerConnection; provider: SecretResolvingProvider; failure: undefined }
  | { connection: undefined; provider: undefined; failure: unknown };

/** Both forms with one shape, so the warm path's property loads stay monomorphic. */
const usable = (connection: SecretManagerConnection, provider: SecretResolvingProvider): ConnectionLookup => ({ connection, provider, failure: undefined });
const unusable = (failure: unknown): ConnectionLookup => ({ connection: undefined, provider: undefined, failure });

/**
 * The engine hook: returns a copy of `value` in which every string that is exactly a reference
 * `{{<connectionId>|ap_sep_v1|<path>}}` is replaced by the secret. Other values are copied as they
 * are; the input is never changed. All references resolve concurrently. A reference the provider
 * holds in its cache is filled synchronously, so a warm call costs no promise per reference.
 */
export async function resolveSecretReferences<T>(value: T, context: ResolveContext): Promise<T> {
  // One try around the whole walk (not an inner async call): the warm path pays no extra promise.
  try {
    const walk = newWalk(context.walkArrays ?? true);
    const holes = walk.holes;
    const root: Record<string, unknown> = {};
    // Through visit, so that a bare reference string (no object around it) is resolved too.
    root.value = visit(value, root, 'value', undefined, walk, 0);
    if (holes.length === 0) return root.value as T;
    const lookup = lookUpConnections(holes, context);
    const connections = lookup instanceof Map ? lookup : await lookup;
    // Allocated only when needed: the warm path fills every hole synchronously and fails none.
    let failures: Array<ActivepiecesError | undefined> | undefined;
    let pending: Array<Promise<void>> | undefined;
    const fail = (i: number, err: unknown): void => {
      (failures ??= [])[i] = failureFor(err, holes[i], context);
    };
    for (let i = 0; i < holes.length; i++) {
      const hole = holes[i];
      try {
        const { connection, provider, failure } = connections.get(hole.reference.connectionId)!;
        if (!connection) throw failure;
        const input = { connectionId: connection.id, config: connection.config as never, path: hole.reference.path };
        const cached = provider.resolveFromCache?.(input);
        if (cached !== undefined) fillHole(hole, cached);
        else (pending ??= []).push(provider.resolve(input).then((resolved) => fillHole(hole, resolved), (err: unknown) => fail(i, err)));
      } catch (err) {
        fail(i, err);
      }
    }
    if (pending) await Promise.all(pending);
    const firstFailure = failures?.find((f) => f !== undefined);
    if (firstFailure) throw firstFailure;
    return root.value as T;
  } catch (err) {
    throw asHostError(err, context.errorClass);
  }
}

/**
 * Field texts already parsed as references: the engine resolves the same connection values over
 * and over, and a remembered reference also keeps its path string (and so its hash) for the
 * provider's lookups. Only texts that are references are kept (never a plain value, which may be
 * a secret typed in directly); bounded against hostile input, far above real use.
 */
const MAX_REMEMBERED_REFERENCES = 10_000;
const rememberedReferences = new Map<string, SecretReference>();

function referenceIn(text: string): SecretReference | null {
  const known = rememberedReferences.get(text);
  if (known) return known;
  const parsed = parseSecretReference(text);
  if (!parsed) return null;
  if (rememberedReferences.size >= MAX_REMEMBERED_REFERENCES) rememberedReferences.clear();
  const reference = Object.freeze(parsed);
  rememberedReferences.set(text, reference);
  return reference;
}

/** Where found references go; `walkArrays: false` copies arrays without collecting from them. */
interface Walk {
  readonly holes: Hole[];
  readonly walkArrays: boolean;
  /**
   * Each input object's copy, so an object reached twice is copied once (and its references
   * resolved once): shared sub-objects must not multiply. `IN_PROGRESS` marks a cycle.
   */
  readonly copies: Map<object, unknown>;
  /** The walk inside arrays when they are not walked (holes there are never filled). */
  unwalked?: Walk;
}

const IN_PROGRESS = Symbol('in progress');

function newWalk(walkArrays: boolean): Walk {
  return { holes: [], walkArrays, copies: new Map() };
}

function visit(child: unknown, container: Hole['container'], slot: string | number, parentPath: string | undefined, walk: Walk, depth: number): unknown {
  if (typeof child === 'string') {
    const reference = referenceIn(child);
    if (reference) walk.holes.push({ container, slot, parentPath, reference });
    return child;
  }
  if (child === null || typeof child !== 'object') return child;
  return copyWithHoles(child, parentPath === undefined ? '' : joinPath(parentPath, slot), walk, depth);
}

function copyWithHoles(value: object, fieldPath: string, outer: Walk, depth: number): unknown {
  const walk = Array.isArray(value) && !outer.walkArrays ? (outer.unwalked ??= newWalk(false)) : outer;
  const known = walk.copies.get(value);
  if (known === IN_PROGRESS) throw validationFailed(`The value contains a cycle at "${fieldPath}".`);
  if (known !== undefined) return known;
  if (depth > MAX_DEPTH) throw validationFailed(`The value is nested deeper than ${MAX_DEPTH} levels at "${fieldPath}".`);
  if (Array.isArray(value)) {
    walk.copies.set(value, IN_PROGRESS);
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      out[i] = visit(value[i], out, i, fieldPath, walk, depth + 1);
    }
    walk.copies.set(value, out);
    return out;
  }
  if (isPlainObject(value)) {
    walk.copies.set(value, IN_PROGRESS);
    // A spread copy keeps the input's shape (one fast clone instead of a store per key); only
    // nested containers are written again, and references are filled in place later.
    const out: Record<string, unknown> = { ...value };
    for (const key of Object.keys(out)) {
      const child = out[key];
      const copied = visit(child, out, key, fieldPath, walk, depth + 1);
      if (copied !== child) out[key] = copied;
    }
    walk.copies.set(value, out);
    return out;
  }
  return value;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `props.list[0]`, `props.user`; `''` for the root value. */
function fieldPathOf(hole: Hole): string {
  return hole.parentPath === undefined ? '' : joinPath(hole.parentPath, hole.slot);
}

function joinPath(parentPath: string, slot: string | number): string {
  if (typeof slot === 'number') return `${parentPath}[${slot}]`;
  return parentPath ? `${parentPath}.${slot}` : slot;
}

function fillHole(hole: Hole, value: string): void {
  (hole.container as Record<string | number, unknown>)[hole.slot] = value;
}

/** Each distinct connection once; a promise only when the context answers asynchronously. */
function lookUpConnections(holes: Hole[], context: ResolveContext): Map<string, ConnectionLookup> | Promise<Map<string, ConnectionLookup>> {
  const found = new Map<string, ConnectionLookup>();
  let pending: Array<Promise<void>> | undefined;
  for (let i = 0; i < holes.length; i++) {
    const id = holes[i].reference.connectionId;
    if (found.has(id)) continue;
    const settle = (c: SecretManagerConnection | null | undefined): void => {
      try {
        const connection = checkScope(id, c, context);
        found.set(id, usable(connection, providerFor(connection, context)));
      } catch (failure) {
        found.set(id, unusable(failure));
      }
    };
    try {
      const answer = context.getConnection(id);
      if (isPromiseLike(answer)) {
        // Placeholder so the id is asked once; replaced when the answer settles.
        found.set(id, unusable(undefined));
        (pending ??= []).push(Promise.resolve(answer).then(settle, (failure: unknown) => void found.set(id, unusable(failure))));
      } else {
        settle(answer);
      }
    } catch (failure) {
      found.set(id, unusable(failure));
    }
  }
  if (!pending) return found;
  return (pending.length === 1 ? pending[0] : Promise.all(pending)).then(() => found);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** The failure to throw (policy `throw`), or undefined after logging it (policy `keep-reference`). */
function failureFor(err: unknown, hole: Hole, context: ResolveContext): ActivepiecesError | undefined {
  const failure = inField(err, hole);
  if ((context.onFailure ?? 'throw') === 'throw') return failure;
  (context.logger ?? silentLogger).warn(
    { field: fieldPathOf(hole), connectionId: hole.reference.connectionId, code: failure.error.code },
    `vault: reference left unresolved: ${failure.message}`,
  );
  return undefined;
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
  const fieldPath = fieldPathOf(hole);
  const request = { field: fieldPath, connectionId: hole.reference.connectionId, path: hole.reference.path };
  if (isActivepiecesError(err)) {
    // Another component's error may carry any params (null, a string): read them defensively.
    const given = typeof err.error.params === 'object' && err.error.params !== null ? (err.error.params as Record<string, unknown>) : {};
    const cause = typeof given.message === 'string' ? given.message : humanMessage(err);
    const message = `${fieldPath || '(value)'}: ${cause}`;
    const params = { ...given, message, ...('request' in given ? { request } : {}) };
    return new ActivepiecesError({ code: err.error.code, params } as ActivepiecesError['error'], message);
  }
  return getSecretFailed(`${fieldPath || '(value)'}: resolving the secret failed unexpectedly.`, request);
}

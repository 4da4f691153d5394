import {
  ATTR,
  INVALIDATION_SOURCES,
  LOGIN_OUTCOMES,
  RENEWAL_OUTCOMES,
  RESOLVE_OUTCOMES,
  ResolveOutcome,
  VAULT_REQUEST_KINDS,
  VaultRequestKind,
} from './names';
import type { Attributes } from './otel-types';

/**
 * Attribute sets, built once and reused: recording allocates nothing, and every value comes from a
 * fixed list or a checked pattern, so no path, secret or credential can reach an attribute even
 * when a caller passes one by mistake (it becomes `other` / `_OTHER`).
 */
function setsOf<V extends string>(values: readonly V[], key: string): ReadonlyMap<string, Attributes> {
  return new Map(values.map((v) => [v, Object.freeze({ [key]: v })]));
}

const RESOLVE_SETS = setsOf(RESOLVE_OUTCOMES, ATTR.resolveOutcome);
const LOGIN_SETS = setsOf(LOGIN_OUTCOMES, ATTR.loginOutcome);
const RENEWAL_SETS = setsOf(RENEWAL_OUTCOMES, ATTR.renewalOutcome);
const INVALIDATION_SETS = setsOf(INVALIDATION_SOURCES, ATTR.invalidationSource);
export const ENDPOINT_SETS = setsOf(VAULT_REQUEST_KINDS, ATTR.endpoint);

export const NO_ATTRIBUTES: Attributes = Object.freeze({});
/** The value OpenTelemetry's conventions use for an error type outside the known list. */
export const OTHER_ERROR_TYPE = '_OTHER';

/** One of `values`, else `fallback` (a value passed by mistake is never reported as it is). */
function pick<V extends string>(values: readonly V[], value: unknown, fallback: V): V {
  return (values as readonly unknown[]).includes(value) ? (value as V) : fallback;
}

export const resolveOutcomeOf = (o: unknown): ResolveOutcome => pick(RESOLVE_OUTCOMES, o, 'error');
export const requestKindOf = (k: unknown): VaultRequestKind => pick(VAULT_REQUEST_KINDS, k, 'other');

export const resolveAttributes = (o: ResolveOutcome): Attributes => RESOLVE_SETS.get(o)!;
export const loginAttributes = (o: unknown): Attributes => LOGIN_SETS.get(pick(LOGIN_OUTCOMES, o, 'rejected'))!;
export const renewalAttributes = (o: unknown): Attributes => RENEWAL_SETS.get(pick(RENEWAL_OUTCOMES, o, 'refused'))!;
export const invalidationAttributes = (s: unknown): Attributes => INVALIDATION_SETS.get(pick(INVALIDATION_SOURCES, s, 'local'))!;
export const endpointAttributes = (k: VaultRequestKind): Attributes => ENDPOINT_SETS.get(k)!;

/** Error codes are ActivepiecesError codes (`SECRET_MANAGER_GET_SECRET_FAILED`): upper snake case. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
/** Distinct error codes kept; far above the codes that exist, a bound against a caller's bug. */
const MAX_ERROR_CODES = 32;

/** `error.type` for a resolve error: the code when it looks like one, else `_OTHER`. */
export function errorTypeOf(code: unknown): string {
  return typeof code === 'string' && ERROR_CODE.test(code) ? code : OTHER_ERROR_TYPE;
}

/** The attribute set of a failed resolve with this code, made once per code. */
export class ErrorAttributeSets {
  private readonly sets = new Map<string, Attributes>();

  get(code: unknown): Attributes {
    let type = errorTypeOf(code);
    if (!this.sets.has(type) && this.sets.size >= MAX_ERROR_CODES) type = OTHER_ERROR_TYPE;
    let set = this.sets.get(type);
    if (!set) {
      set = Object.freeze({ [ATTR.resolveOutcome]: 'error', [ATTR.errorType]: type });
      this.sets.set(type, set);
    }
    return set;
  }

  entries(): IterableIterator<[string, Attributes]> {
    return this.sets.entries();
  }
}

/** `2xx` … `5xx` for an HTTP status, `network` when no answer came, `other` for anything else. */
export function statusClassOf(status: number | 'network'): string {
  if (status === 'network') return 'network';
  return Number.isInteger(status) && status >= 100 && status <= 599 ? `${Math.floor(status / 100)}xx` : 'other';
}

/** The attribute set of a Vault request's answer, made once per (kind, status). */
export class RequestAttributeSets {
  private readonly sets = new Map<string, Attributes>();

  get(kind: VaultRequestKind, status: number | 'network'): Attributes {
    const statusClass = statusClassOf(status);
    const code = statusClass === 'network' || statusClass === 'other' ? undefined : (status as number);
    const key = `${kind} ${code ?? statusClass}`;
    let set = this.sets.get(key);
    if (!set) {
      const fresh: Record<string, string | number> = { [ATTR.endpoint]: kind, [ATTR.statusClass]: statusClass };
      if (code !== undefined) fresh[ATTR.statusCode] = code;
      set = Object.freeze(fresh);
      this.sets.set(key, set);
    }
    return set;
  }
}

// Types shared by the double's modules.
import type { Namespace } from './namespaces';
import type { TokenEntry } from './tokens';

/** Vault's logical operations (docs/vault-behaviour.md §7 capability ↔ verb). */
export type Operation = 'read' | 'list' | 'create' | 'update' | 'delete' | 'patch';

/** Clock in milliseconds (VaultDoubleOptions.now). */
export type Clock = () => number;

/** One logical request after HTTP parsing and namespace resolution. */
export interface RequestCtx {
  op: Operation;
  method: string;
  /** URL path as received, without query, e.g. "/v1/ns1/secret/data/app" */
  rawPath: string;
  ns: Namespace;
  /** path relative to `ns`, without /v1/ and without the namespace prefix, e.g. "secret/data/app" */
  path: string;
  /** request body (POST/PUT/PATCH) or query parameters (GET/LIST/DELETE) */
  data: Record<string, unknown>;
  query: URLSearchParams;
  clientToken: string | undefined;
  /** the validated token, for authenticated requests */
  token?: TokenEntry;
  remoteIp: string;
  /** what the backend noted when the request arrived (docs/vault-behaviour.md §14.2) */
  arrivalNote?: unknown;
}

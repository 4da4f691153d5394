// The contract between the router and a mounted backend (KV, AppRole, token store).
import type { MountEntry } from './mounts';
import type { Reply } from './responses';
import type { DoubleState } from './state';
import type { RequestCtx } from './types';

export interface BackendCall {
  state: DoubleState;
  ctx: RequestCtx;
  mount: MountEntry;
  /** path inside the mount, e.g. "data/app" for "secret/data/app" */
  sub: string;
}

export interface Backend {
  /** docs/vault-behaviour.md §2.1: paths served without a token (AppRole `login`). */
  isUnauthenticated?(sub: string): boolean;
  /**
   * docs/vault-behaviour.md §5.2/§7: POST/PUT become `create` when the resource doesn't exist and `update`
   * when it does; undefined ⇒ the path has no existence check ⇒ always `update`.
   */
  existenceCheck?(sub: string): boolean | undefined;
  /**
   * Called when the request has fully arrived, before latency and queueing; the result reaches
   * `ctx.arrivalNote`. Lets a backend see the state a concurrent request may change meanwhile (§14.2).
   */
  onArrival?(sub: string, ctx: RequestCtx, state: DoubleState): unknown;
  handle(call: BackendCall): Reply;
}

// Forced response wrapping / control groups (docs/vault-behaviour.md §10, §14.6): the answer is
// replaced by a wrapping token. HV http/logical.go respondLogical builds a fresh HTTPResponse holding
// only WrapInfo, so request_id is "" and data, warnings and auth are empty.
import { rfc3339 } from './durations';
import { Reply, goJson } from './responses';
import type { DoubleState } from './state';
import type { RequestCtx } from './types';

export function wrappedReply(state: DoubleState, ctx: RequestCtx, ttl: number): Reply {
  // docs/vault-behaviour.md §10: the wrapping token is a real single-use token (policy response-wrapping), so issuedTokens() lists it
  const wrapper = state.tokens.create({
    type: 'service',
    nsPath: ctx.ns.path,
    nsId: ctx.ns.id,
    policies: ['response-wrapping'],
    path: ctx.path,
    displayName: '',
    meta: null,
    creationTtl: ttl,
    ttl,
    explicitMaxTtl: 0,
    maxTtl: ttl,
    renewTtl: ttl,
    period: 0,
    renewable: false,
    numUses: 1,
    orphan: true,
    entityId: '',
  });
  const body = {
    request_id: '',
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    // docs/vault-behaviour.md §1: HTTPWrapInfo field order; wrapped_accessor is omitempty
    wrap_info: { token: wrapper.id, accessor: wrapper.accessor, ttl, creation_time: rfc3339(wrapper.creationMs), creation_path: ctx.path },
    warnings: null,
    auth: null,
    mount_type: '',
  };
  return { status: 200, body: `${goJson(body)}\n` };
}

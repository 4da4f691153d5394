// sys/policies/acl/<name> and legacy sys/policy/<name> (docs/vault-behaviour.md §7).
import { PolicyError, parsePolicy } from './acl';
import {
  Reply,
  badRequest,
  noContent,
  notFound,
  okReply,
  okReplyInjected,
  unsupportedOperation,
} from './responses';
import type { RequestCtx } from './types';

function policyNames(ctx: RequestCtx): string[] {
  const names = [...ctx.ns.policies.keys()];
  if (ctx.ns.path === '') names.push('root'); // the root policy exists only in the root namespace
  return names.sort();
}

function writePolicy(ctx: RequestCtx, name: string): Reply {
  const text = ctx.data.policy ?? ctx.data.rules; // legacy endpoint used `rules`
  if (typeof text !== 'string' || text.trim() === '') return badRequest("'policy' parameter not supplied or empty");
  if (name === 'root') return badRequest('cannot update "root" policy');
  try {
    ctx.ns.policies.set(name, parsePolicy(name, text));
  } catch (err) {
    return badRequest((err as PolicyError).message);
  }
  return noContent();
}

function deletePolicy(ctx: RequestCtx, name: string): Reply {
  // docs/vault-behaviour.md §7: `default` is editable but not deletable
  if (name === 'default' || name === 'root') return badRequest(`cannot delete "${name}" policy`);
  ctx.ns.policies.delete(name);
  return noContent();
}

function policyText(ctx: RequestCtx, name: string): string | undefined {
  if (name === 'root' && ctx.ns.path === '') return '';
  return ctx.ns.policies.get(name)?.text;
}

/** sys/policies/acl[/<name>] */
export function handleAclPolicies(ctx: RequestCtx, rawName: string): Reply {
  const name = rawName.replace(/\/$/, '').toLowerCase(); // policy names are case-insensitive
  if (name === '') {
    return ctx.op === 'list' ? okReply({ data: { keys: policyNames(ctx) }, mountType: 'system' }) : unsupportedOperation();
  }
  switch (ctx.op) {
    case 'read': {
      const text = policyText(ctx, name);
      return text === undefined ? notFound() : okReply({ data: { name, policy: text }, mountType: 'system' });
    }
    case 'create':
    case 'update':
      return writePolicy(ctx, name);
    case 'delete':
      return deletePolicy(ctx, name);
    default:
      return unsupportedOperation();
  }
}

/** sys/policy[/<name>] — legacy; responses get the top-level injection (docs/vault-behaviour.md §4.1). */
export function handleLegacyPolicies(ctx: RequestCtx, rawName: string): Reply {
  const name = rawName.replace(/\/$/, '').toLowerCase();
  const reply = (data: Record<string, unknown>): Reply =>
    ctx.rawPath.startsWith('/v1/sys/') ? okReplyInjected({ data, mountType: 'system' }) : okReply({ data, mountType: 'system' });
  if (name === '') {
    if (ctx.op !== 'read' && ctx.op !== 'list') return unsupportedOperation();
    const names = policyNames(ctx);
    return reply({ keys: names, policies: names });
  }
  switch (ctx.op) {
    case 'read': {
      const text = policyText(ctx, name);
      return text === undefined ? notFound() : reply({ name, rules: text });
    }
    case 'create':
    case 'update':
      return writePolicy(ctx, name);
    case 'delete':
      return deletePolicy(ctx, name);
    default:
      return unsupportedOperation();
  }
}

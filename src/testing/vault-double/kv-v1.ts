// KV version 1 (docs/vault-behaviour.md §6).
import type { Backend, BackendCall } from './backend';
import { parseDurationSeconds } from './durations';
import { effectiveDefaultTtl } from './mounts';
import { Reply, badRequest, noContent, notFound, okReply, unsupportedOperation } from './responses';

/** Direct children of `prefix` among `keys`; folders end in "/" (docs/vault-behaviour.md §5.3/§6). */
export function listChildren(keys: Iterable<string>, prefix: string): string[] {
  const out = new Set<string>();
  for (const key of keys) {
    if (!key.startsWith(prefix) || key === prefix) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    out.add(slash < 0 ? rest : rest.slice(0, slash + 1));
  }
  return [...out].sort();
}

export class KvV1Backend implements Backend {
  private readonly entries = new Map<string, Record<string, unknown>>();

  existenceCheck(sub: string): boolean {
    return this.entries.has(sub);
  }

  handle(call: BackendCall): Reply {
    const { ctx, sub } = call;
    switch (ctx.op) {
      case 'read':
        return this.read(call);
      case 'list': {
        const keys = listChildren(this.entries.keys(), sub);
        // docs/vault-behaviour.md §6: LIST ⇒ {"data":{"keys":[...]}}; empty ⇒ 404 (docs/vault-behaviour.md §5.3)
        return keys.length ? okReply({ data: { keys }, mountType: 'kv' }) : notFound();
      }
      case 'create':
      case 'update':
        if (Object.keys(ctx.data).length === 0) return badRequest('missing data fields'); // docs/vault-behaviour.md §6
        this.entries.set(sub, { ...ctx.data });
        return noContent(); // docs/vault-behaviour.md §6: write ⇒ 204
      case 'delete':
        this.entries.delete(sub);
        return noContent();
      default:
        return unsupportedOperation();
    }
  }

  private read(call: BackendCall): Reply {
    const entry = this.entries.get(call.sub);
    if (!entry) return notFound(); // docs/vault-behaviour.md §6: missing ⇒ 404 {"errors":[]}
    // docs/vault-behaviour.md §6: lease_duration = mount default (768h) or the advisory `ttl` key; no lease
    let leaseDuration = effectiveDefaultTtl(call.mount);
    if (entry.ttl !== undefined) {
      try {
        leaseDuration = parseDurationSeconds(entry.ttl);
      } catch {
        // unparsable ttl key: keep the mount default
      }
    }
    return okReply({ data: entry, leaseDuration, renewable: false, mountType: 'kv' });
  }
}

import { randomUUID } from 'node:crypto';
import type { RedisLink } from './redis-link';
import type { Sealer } from './sealing';

/** What to drop: everything, or one connection (named by its keyed hash, never its id). */
export type InvalidationScope = 'all' | { readonly connection: string };

/** The message on the wire: `{ origin, scope }` as JSON. */
export interface InvalidationMessage {
  readonly origin: string;
  readonly scope: InvalidationScope;
}

export type InvalidationHandler = (scope: InvalidationScope) => void;

/**
 * Cluster-wide invalidation over one pub/sub channel, `<prefix>v1:invalidate`. Each replica
 * has a random origin id and ignores its own messages. A receiver finds out whether a message
 * concerns one of its connections with `concerns` (it hashes its own connection ids).
 *
 * Pub/sub is at-most-once: a replica whose subscription dropped has missed messages, which
 * RedisLink.onReconnect reports so the replica can drop its local cache.
 */
export class InvalidationBus {
  readonly origin = randomUUID();
  readonly channel: string;

  constructor(
    private readonly link: RedisLink,
    private readonly sealer: Sealer,
  ) {
    this.channel = `${link.keyPrefix}v1:invalidate`;
  }

  /** The tag a message carries for `connectionId`. */
  connectionTag(connectionId: string): string {
    return this.sealer.keyFor('connection', connectionId);
  }

  /** Whether a received scope covers `connectionId`. */
  concerns(scope: InvalidationScope, connectionId: string): boolean {
    return scope === 'all' || scope.connection === this.connectionTag(connectionId);
  }

  /** Tells the other replicas; `reached` is false when Redis did not take the message (down, timeout). */
  async publish(target: 'all' | { readonly connectionId: string }): Promise<{ reached: boolean }> {
    const scope: InvalidationScope = target === 'all' ? 'all' : { connection: this.connectionTag(target.connectionId) };
    const message: InvalidationMessage = { origin: this.origin, scope };
    const receivers = await this.link.publish(this.channel, JSON.stringify(message));
    return { reached: receivers !== undefined };
  }

  /** Calls `handler` for every message from another replica until the returned function is called. */
  subscribe(handler: InvalidationHandler): () => void {
    return this.link.subscribe(this.channel, (raw) => {
      const message = parseMessage(raw);
      if (message && message.origin !== this.origin) handler(message.scope);
    });
  }
}

/** Anyone who can write to Redis can publish here: anything that is not a well-formed message is ignored. */
function parseMessage(raw: string): InvalidationMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { origin, scope } = parsed as { origin?: unknown; scope?: unknown };
  if (typeof origin !== 'string') return undefined;
  if (scope === 'all') return { origin, scope };
  const connection = (scope as { connection?: unknown } | null)?.connection;
  return typeof connection === 'string' && /^[0-9a-f]{64}$/.test(connection) ? { origin, scope: { connection } } : undefined;
}

/**
 * Bytes each connection holds in the secret cache, and its keys oldest first, so one connection
 * (one tenant) can be held to its share without scanning the whole cache. Pure bookkeeping: the
 * cache tells it what was stored and removed; `over` says which keys to drop to make room.
 */
export class ConnectionShares {
  private readonly byOwner = new Map<string, { bytes: number; keys: Map<string, number> }>();

  constructor(private readonly maxBytesPerOwner: number) {}

  /** A value stored (or stored again: it becomes the owner's newest). */
  stored(owner: string, key: string, size: number): void {
    let share = this.byOwner.get(owner);
    if (!share) {
      share = { bytes: 0, keys: new Map() };
      this.byOwner.set(owner, share);
    }
    const before = share.keys.get(key);
    if (before !== undefined) {
      share.bytes -= before;
      share.keys.delete(key);
    }
    share.keys.set(key, size);
    share.bytes += size;
  }

  removed(owner: string, key: string): void {
    const share = this.byOwner.get(owner);
    const size = share?.keys.get(key);
    if (!share || size === undefined) return;
    share.bytes -= size;
    share.keys.delete(key);
    if (share.keys.size === 0) this.byOwner.delete(owner);
  }

  /** The owner's oldest keys (never `incoming`) to drop so that `size` more bytes fit its share. */
  over(owner: string, incoming: string, size: number): string[] {
    const share = this.byOwner.get(owner);
    if (!share) return [];
    let bytes = share.bytes - (share.keys.get(incoming) ?? 0) + size;
    const drop: string[] = [];
    for (const [key, keySize] of share.keys) {
      if (bytes <= this.maxBytesPerOwner) break;
      if (key === incoming) continue;
      drop.push(key);
      bytes -= keySize;
    }
    return drop;
  }

  keysOf(owner: string): string[] {
    return [...(this.byOwner.get(owner)?.keys.keys() ?? [])];
  }

  bytesOf(owner: string): number {
    return this.byOwner.get(owner)?.bytes ?? 0;
  }

  forget(owner: string): void {
    this.byOwner.delete(owner);
  }

  clear(): void {
    this.byOwner.clear();
  }
}

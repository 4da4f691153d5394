/**
 * A bounded estimate of the heap bytes a parsed JSON value keeps alive. The cache weighs entries
 * by it (lru-cache `maxSize`), so a hostile answer made of tiny elements (`[{},{},…]`: 2 bytes of
 * JSON, ~60 bytes of heap each) is weighed by what it costs in memory, not by its text length.
 *
 * The walk is iterative (no stack overflow on deep values) and stops as soon as the total passes
 * `limit`, so weighing a huge value costs no more than weighing one of `limit` bytes.
 */

/** Rough V8 costs on 64-bit: object header + properties backing store, array header, heap number. */
const OBJECT_BYTES = 56;
const PROPERTY_BYTES = 16;
const ARRAY_BYTES = 32;
const ELEMENT_BYTES = 8;
const STRING_BYTES = 16;
const NUMBER_BYTES = 16;

/** Estimated bytes of `value`, or `limit + 1` once the estimate passes `limit`. */
export function estimateSize(value: unknown, limit: number): number {
  let total = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    total += sizeOfOne(pending.pop(), pending, limit - total);
    if (total > limit) return limit + 1;
  }
  return total;
}

/** One node's own bytes; its children are pushed on `pending` (not when the node alone is over `room`). */
function sizeOfOne(value: unknown, pending: unknown[], room: number): number {
  if (typeof value === 'string') return stringBytes(value);
  if (typeof value === 'number') return NUMBER_BYTES;
  if (value === null || typeof value !== 'object') return ELEMENT_BYTES;
  if (Array.isArray(value)) {
    const own = ARRAY_BYTES + ELEMENT_BYTES * value.length;
    if (own <= room) for (const item of value) pending.push(item);
    return own;
  }
  let bytes = OBJECT_BYTES;
  for (const key of Object.keys(value)) {
    bytes += PROPERTY_BYTES + stringBytes(key);
    pending.push((value as Record<string, unknown>)[key]);
  }
  return bytes;
}

/** Two bytes a character: V8 keeps non-Latin-1 strings as UTF-16, and the bound should hold for them too. */
function stringBytes(text: string): number {
  return STRING_BYTES + 2 * text.length;
}

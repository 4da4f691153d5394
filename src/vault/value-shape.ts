/**
 * How deep a secret's value may nest. Vault stores whatever JSON it was given; a value nested
 * thousands deep makes every recursive walk over it (JSON.stringify, a deep copy) throw a
 * RangeError. No real secret nests this deep.
 */
export const MAX_VALUE_DEPTH = 64;

/**
 * True when `value` nests no deeper than `maxDepth` objects or arrays. Walks with an explicit
 * stack, so checking a hostile value cannot itself overflow the call stack.
 */
export function nestsAtMost(value: unknown, maxDepth: number = MAX_VALUE_DEPTH): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= maxDepth) return false;
    for (const child of Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push({ node: child, depth: depth + 1 });
    }
  }
  return true;
}

/**
 * A clock read at most once per synchronous run of code: the first call reads `read`, later calls
 * in the same run (before the next microtask) get the same value. The warm path checks the TTL of
 * every reference it fills, all in one synchronous run; in a VM a clock read can cost more than
 * the whole cache lookup (~75 ns for `Date.now()` here), and a TTL measured in seconds does not
 * need a fresher time than the start of the run.
 */
export function turnClock(read: () => number): () => number {
  let current: number | undefined;
  const forget = (): void => {
    current = undefined;
  };
  return () => {
    if (current === undefined) {
      current = read();
      queueMicrotask(forget);
    }
    return current;
  };
}

import { turnClock } from '../../src/provider/turn-clock';

describe('turnClock', () => {
  it('reads the clock once per synchronous run, and again after it', async () => {
    let reads = 0;
    let t = 1_000;
    const now = turnClock(() => {
      reads++;
      return t;
    });
    expect([now(), now(), now()]).toEqual([1_000, 1_000, 1_000]);
    expect(reads).toBe(1);
    t = 2_000;
    expect(now()).toBe(1_000); // same run: the time it started
    await Promise.resolve();
    expect(now()).toBe(2_000);
    expect(reads).toBe(2);
  });
});

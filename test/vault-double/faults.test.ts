// Fault injection, latency, maxConcurrent, seal, stop (assertions by ordering and counting).
import { VaultDouble, unusedLocalUrl } from '../../src/testing/vault-double/index';
import { BODY, call, startDouble } from './test-helpers';

let v: VaultDouble;
afterEach(async () => v.stop());

const health = (d: VaultDouble) => fetch(`${d.url}/v1/sys/health`);

/** Poll until `predicate` holds (requests reach the double asynchronously). */
async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!predicate()) throw new Error('condition not reached');
}

describe('fault kinds', () => {
  beforeEach(async () => {
    v = await startDouble();
  });

  it('refuse: the connection is dropped without a response', async () => {
    v.faults.add({ kind: 'refuse', match: { path: '/v1/sys/health' }, times: 1 });
    await expect(health(v)).rejects.toThrow();
    expect(v.requests[0]).toMatchObject({ path: '/v1/sys/health', status: 0 });
    expect((await health(v)).status).toBe(200); // times: 1
  });

  it('delay: answered normally, after later requests', async () => {
    v.faults.add({ kind: 'delay', delayMs: 300, match: { path: '/v1/sys/health' } });
    const order: string[] = [];
    const slow = health(v).then((r) => order.push(`health ${r.status}`));
    await until(() => v.requests.length === 1);
    await call(v, 'GET', '/v1/auth/token/lookup-self').then((r) => order.push(`lookup ${r.status}`));
    await slow;
    expect(order).toEqual(['lookup 200', 'health 200']);
  });

  it('hang: never answered; stop() closes the socket', async () => {
    v.faults.add({ kind: 'hang', match: { method: 'GET' } });
    const pending = health(v);
    await until(() => v.requests.length === 1);
    await v.stop();
    await expect(pending).rejects.toThrow();
  });

  it('reset: status line and headers arrive, the body is cut off', async () => {
    v.faults.add({ kind: 'reset', match: { path: /lookup-self$/ } });
    const res = await fetch(`${v.url}/v1/auth/token/lookup-self`, { headers: { 'X-Vault-Token': v.rootToken } });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('status 500 / 503 / 412 bodies', async () => {
    v.faults.add({ kind: 'status', status: 500, times: 1 });
    v.faults.add({ kind: 'status', status: 503, times: 1 });
    v.faults.add({ kind: 'status', status: 412, times: 1 });
    expect((await call(v, 'GET', '/v1/sys/mounts')).text).toBe('{"errors":["internal error"]}\n');
    const sealed = await call(v, 'GET', '/v1/sys/mounts');
    expect([sealed.status, sealed.text]).toEqual([503, BODY.sealed]);
    const pre = await call(v, 'GET', '/v1/sys/mounts');
    expect([pre.status, pre.text]).toEqual([412, BODY.emptyErrors]);
    expect((await call(v, 'GET', '/v1/sys/mounts')).status).toBe(200);
  });

  it('status 429: rate limit body and Retry-After', async () => {
    v.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 7, match: { method: 'POST', path: '/v1/auth/approle/login' } });
    const r = await call(v, 'POST', '/v1/auth/approle/login', { token: null, body: {} });
    expect([r.status, r.json]).toEqual([429, { errors: ['request path "auth/approle/login": rate limit quota exceeded'] }]);
    expect(r.headers.get('retry-after')).toBe('7');
    expect((await call(v, 'GET', '/v1/auth/approle/login')).status).not.toBe(429); // method must match
  });

  it('times counts only matching requests; clear() removes rules', async () => {
    v.faults.add({ kind: 'status', status: 502, times: 2, match: { path: '/v1/sys/health' } });
    await call(v, 'GET', '/v1/sys/mounts');
    expect((await health(v)).status).toBe(502);
    expect((await health(v)).status).toBe(502);
    expect((await health(v)).status).toBe(200);
    v.faults.add({ kind: 'status', status: 500 });
    v.faults.clear();
    expect((await health(v)).status).toBe(200);
  });

  it('probability is reproducible with setSeed', async () => {
    const run = async (): Promise<number[]> => {
      v.faults.clear();
      v.faults.setSeed(42);
      v.faults.add({ kind: 'status', status: 500, probability: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await health(v)).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const failures = first.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(20);
  });
});

describe('latency and maxConcurrent', () => {
  it('setLatency delays answers: a request sent later with no latency finishes first', async () => {
    v = await startDouble();
    v.setLatency(300);
    const order: string[] = [];
    const slow = health(v).then(() => order.push('slow'));
    await until(() => v.requests.length === 1);
    v.setLatency(0);
    await health(v).then(() => order.push('fast'));
    await slow;
    expect(order).toEqual(['fast', 'slow']);
  });

  it('latencyMs option applies to every request', async () => {
    v = await startDouble({ latencyMs: 300 });
    const other = await startDouble();
    try {
      const order: string[] = [];
      const slow = health(v).then(() => order.push('latent'));
      await health(other).then(() => order.push('plain'));
      await slow;
      expect(order).toEqual(['plain', 'latent']);
    } finally {
      await other.stop();
    }
  });

  it('maxConcurrent 1: a second request waits for the first', async () => {
    v = await startDouble({ maxConcurrent: 1 });
    v.faults.add({ kind: 'delay', delayMs: 300, match: { path: '/v1/sys/health' } });
    const order: string[] = [];
    const slow = health(v).then(() => order.push('first'));
    await until(() => v.requests.length === 1);
    await new Promise((r) => setTimeout(r, 20)); // let it take its slot
    await call(v, 'GET', '/v1/auth/token/lookup-self').then(() => order.push('second'));
    await slow;
    expect(order).toEqual(['first', 'second']);
  });

  it('maxConcurrent 2: the second request is not held back', async () => {
    v = await startDouble({ maxConcurrent: 2 });
    v.faults.add({ kind: 'delay', delayMs: 300, match: { path: '/v1/sys/health' } });
    const order: string[] = [];
    const slow = health(v).then(() => order.push('first'));
    await until(() => v.requests.length === 1);
    await call(v, 'GET', '/v1/auth/token/lookup-self').then(() => order.push('second'));
    await slow;
    expect(order).toEqual(['second', 'first']);
  });

  it('maxConcurrent serves queued requests in arrival order', async () => {
    v = await startDouble({ maxConcurrent: 1, latencyMs: 50 });
    const done: number[] = [];
    const all: Array<Promise<unknown>> = [];
    for (let i = 0; i < 4; i++) {
      all.push(fetch(`${v.url}/v1/sys/health?i=${i}`).then(() => done.push(i)));
      await until(() => v.requests.length === i + 1); // arrival order is send order
    }
    await Promise.all(all);
    expect(done).toEqual([0, 1, 2, 3]);
    expect(v.requests.map((r) => r.query)).toEqual(['i=0', 'i=1', 'i=2', 'i=3']);
  });
});

describe('seal, stop, unused URL, request log', () => {
  it('sealed ⇒ 503 Vault is sealed on everything; health 503 sealed:true', async () => {
    v = await startDouble();
    v.seal();
    const r = await call(v, 'GET', '/v1/auth/token/lookup-self');
    expect([r.status, r.text]).toEqual([503, BODY.sealed]);
    const h = await call(v, 'GET', '/v1/sys/health');
    expect([h.status, h.json.sealed]).toEqual([503, true]);
    v.unseal();
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self')).status).toBe(200);
  });

  it('after stop() the URL refuses connections', async () => {
    v = await startDouble();
    await v.stop();
    await expect(health(v)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
  });

  it('unusedLocalUrl() refuses connections', async () => {
    v = await startDouble();
    const url = await unusedLocalUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(fetch(`${url}/v1/sys/health`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
  });

  it('logs every request with path, query, token presence and admin flag; count() filters', async () => {
    v = await startDouble();
    await call(v, 'GET', '/v1/sys/mounts?x=1');
    await call(v, 'GET', '/v1/sys/mounts', { token: 'hvs.other' });
    await call(v, 'LIST', '/v1/sys/policies/acl', { token: null });
    expect(v.requests).toEqual([
      { method: 'GET', path: '/v1/sys/mounts', query: 'x=1', namespace: '', status: 200, hadToken: true, admin: true, node: 'active', forwarded: false },
      { method: 'GET', path: '/v1/sys/mounts', query: '', namespace: '', status: 403, hadToken: true, admin: false, node: 'active', forwarded: false },
      { method: 'LIST', path: '/v1/sys/policies/acl', query: '', namespace: '', status: 403, hadToken: false, admin: false, node: 'active', forwarded: false },
    ]);
    expect(v.count()).toBe(3);
    expect(v.count({ path: '/v1/sys/mounts', admin: false })).toBe(1);
    expect(v.count({ method: 'list', path: /policies/ })).toBe(1);
    v.clearRequests();
    expect(v.count()).toBe(0);
  });
});

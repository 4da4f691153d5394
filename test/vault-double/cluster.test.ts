// An HA pair: a standby sharing the active node's data (docs/vault-behaviour.md §14.4).
import { VaultDouble } from '../../src/testing/vault-double/index';
import { BODY, call, startDouble } from './test-helpers';

let active: VaultDouble;
let standby: VaultDouble | undefined;
beforeEach(async () => {
  active = await startDouble();
  await call(active, 'POST', '/v1/sys/mounts/secret', { body: { type: 'kv', options: { version: '2' } } });
  await call(active, 'POST', '/v1/secret/data/app', { body: { data: { k: 'v1' } } });
});
afterEach(async () => {
  await standby?.stop();
  standby = undefined;
  await active.stop();
});

const raw = (url: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { headers: { 'X-Vault-Token': active.rootToken, ...headers }, redirect: 'manual' });

describe('forwarding on (default)', () => {
  it('serves requests as the active node does, on shared data; the log says who served', async () => {
    standby = await VaultDouble.startStandby(active);
    active.clearRequests();
    const r = await call(standby, 'GET', '/v1/secret/data/app');
    expect([r.status, r.json.data.data]).toEqual([200, { k: 'v1' }]);
    await call(standby, 'POST', '/v1/secret/data/app', { body: { data: { k: 'v2' } } });
    expect((await call(active, 'GET', '/v1/secret/data/app')).json.data.data).toEqual({ k: 'v2' });
    expect(active.requests.map((e) => [e.node, e.forwarded])).toEqual([
      ['standby', true],
      ['standby', true],
      ['active', false],
    ]);
    expect(standby.requests).toBe(active.requests);
  });

  it('answers its own sys/health (429) and seal-status', async () => {
    standby = await VaultDouble.startStandby(active);
    const h = await call(standby, 'GET', '/v1/sys/health', { token: null });
    expect([h.status, h.json.standby]).toEqual([429, true]);
    expect((await call(active, 'GET', '/v1/sys/health', { token: null })).status).toBe(200);
    expect(standby.requests.at(-2)).toMatchObject({ node: 'standby', forwarded: false, status: 429 });
  });

  it('X-Vault-No-Request-Forwarding ⇒ 307 to the active node', async () => {
    standby = await VaultDouble.startStandby(active);
    const r = await raw(`${standby.url}/v1/secret/data/app?version=1`, { 'X-Vault-No-Request-Forwarding': 'true' });
    expect(r.status).toBe(307);
    expect(r.headers.get('location')).toBe(`${active.url}/v1/secret/data/app?version=1`);
  });

  it('a forwarded request to a sealed active node gets the active node\'s 503', async () => {
    standby = await VaultDouble.startStandby(active);
    active.seal();
    const r = await call(standby, 'GET', '/v1/secret/data/app');
    expect([r.status, r.text]).toEqual([503, BODY.sealed]);
  });
});

describe('forwarding off', () => {
  it('307 with Location = active address + same path and query, empty body; following it works', async () => {
    standby = await VaultDouble.startStandby(active, { forwarding: false });
    const r = await raw(`${standby.url}/v1/secret/data/app?version=1`);
    expect([r.status, await r.text()]).toEqual([307, '']);
    expect(r.headers.get('location')).toBe(`${active.url}/v1/secret/data/app?version=1`);
    expect(r.headers.get('content-type')).toBeNull();
    const followed = await raw(r.headers.get('location')!);
    expect(((await followed.json()) as { data: { data: unknown } }).data.data).toEqual({ k: 'v1' });
    expect(active.requests.slice(-2).map((e) => [e.node, e.status])).toEqual([
      ['standby', 307],
      ['active', 200],
    ]);
  });
});

describe('election', () => {
  it.each([
    ['no-active', 503, 'no active Vault instance found'],
    ['leader-not-found', 500, 'local node not active but active cluster node not found'],
  ] as const)('%s ⇒ %d %s, forwarding or not; null ends it', async (election, status, message) => {
    standby = await VaultDouble.startStandby(active);
    standby.setElection(election);
    const r = await call(standby, 'GET', '/v1/secret/data/app');
    expect([r.status, r.json.errors]).toEqual([status, [message]]);
    const noFwd = await call(standby, 'GET', '/v1/secret/data/app', { headers: { 'X-Vault-No-Request-Forwarding': 'true' } });
    expect(noFwd.status).toBe(status);
    standby.setElection(null);
    expect((await call(standby, 'GET', '/v1/secret/data/app')).status).toBe(200);
  });

  it('a standby promoted to active serves requests itself', async () => {
    standby = await VaultDouble.startStandby(active, { forwarding: false });
    standby.setNodeState('active');
    const r = await call(standby, 'GET', '/v1/secret/data/app');
    expect(r.status).toBe(200);
    expect(standby.requests.at(-1)).toMatchObject({ node: 'standby', forwarded: false });
  });
});

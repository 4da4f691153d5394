// sys/health by node state and query parameters; sealed and uninitialised (docs/vault-behaviour.md §14.7).
import { NodeState, VaultDouble } from '../../src/testing/vault-double/index';
import { BODY, call, startDouble } from './test-helpers';

let v: VaultDouble;
beforeEach(async () => {
  v = await startDouble();
});
afterEach(async () => v.stop());

const health = (query = ''): ReturnType<typeof call> => call(v, 'GET', `/v1/sys/health${query}`, { token: null });

describe('status by node state', () => {
  it.each([
    ['active', 200],
    ['standby', 429],
    ['perf-standby', 473],
    ['dr-secondary', 472],
    ['ha-unhealthy', 474],
    ['removed', 530],
    ['sealed', 503],
    ['uninitialised', 501],
  ] as Array<[NodeState, number]>)('%s ⇒ %d, and the body is always sent', async (state, status) => {
    v.setNodeState(state);
    const r = await health();
    expect(r.status).toBe(status);
    expect(typeof r.json.version).toBe('string');
  });

  it('the body describes the state', async () => {
    v.setNodeState('perf-standby');
    expect((await health()).json).toMatchObject({ standby: true, performance_standby: true, sealed: false, initialized: true });
    v.setNodeState('dr-secondary');
    expect((await health()).json).toMatchObject({ standby: false, replication_dr_mode: 'secondary' });
    v.setNodeState('removed');
    expect((await health()).json.removed_from_cluster).toBe(true);
    v.setNodeState('ha-unhealthy');
    expect((await health()).json).toMatchObject({ standby: true, ha_connection_healthy: false });
    v.setNodeState('uninitialised');
    const uninit = (await health()).json;
    expect(uninit).toMatchObject({ initialized: false, sealed: true });
    expect(uninit.cluster_name).toBeUndefined(); // omitempty, filled only when unsealed
  });

  it('active again after a state unseals and initialises', async () => {
    v.setNodeState('uninitialised');
    v.setNodeState('active');
    expect((await health()).status).toBe(200);
  });
});

describe('query parameters', () => {
  it.each([
    ['standby', '?standbyok=true', 200],
    ['standby', '?standbyok=true&activecode=204', 204],
    ['standby', '?standbycode=299', 299],
    ['perf-standby', '?perfstandbyok=true', 200],
    ['perf-standby', '?standbyok=true', 473],
    ['perf-standby', '?performancestandbycode=200', 200],
    ['dr-secondary', '?drsecondarycode=200', 200],
    ['ha-unhealthy', '?haunhealthycode=299', 299],
    ['removed', '?removedcode=299', 299],
    ['sealed', '?sealedcode=200', 200],
    ['uninitialised', '?uninitcode=200&sealedcode=299', 200],
    ['active', '?activecode=299', 299],
  ] as Array<[NodeState, string, number]>)('%s with %s ⇒ %d', async (state, query, status) => {
    v.setNodeState(state);
    expect((await health(query)).status).toBe(status);
  });

  it.each(['activecode=abc', 'sealedcode=2.5', 'uninitcode=', 'standbycode=x', 'drsecondarycode=x', 'performancestandbycode=x', 'haunhealthycode=x', 'removedcode=x', 'standbyok=maybe', 'perfstandbyok=2'])(
    '%s ⇒ 400 with an empty error list',
    async (query) => {
      const r = await health(`?${query}`);
      expect([r.status, r.text]).toEqual([400, BODY.emptyErrors]);
    },
  );
});

describe('logical paths', () => {
  it('uninitialised: 503 Vault is sealed everywhere, only sys/health says 501', async () => {
    v.setNodeState('uninitialised');
    for (const path of ['/v1/auth/token/lookup-self', '/v1/secret/data/x', '/v1/sys/internal/ui/mounts/secret']) {
      const r = await call(v, 'GET', path);
      expect([r.status, r.text]).toEqual([503, BODY.sealed]);
    }
    expect((await call(v, 'POST', '/v1/auth/approle/login', { token: null, body: {} })).status).toBe(503);
    expect((await health()).status).toBe(501);
    expect((await call(v, 'GET', '/v1/sys/seal-status', { token: null })).json).toMatchObject({ initialized: false, sealed: true });
  });

  it('standby, DR secondary and removed states of a lone node still serve requests', async () => {
    for (const state of ['standby', 'dr-secondary', 'removed'] as NodeState[]) {
      v.setNodeState(state);
      expect((await call(v, 'GET', '/v1/auth/token/lookup-self')).status).toBe(200);
    }
  });

  it('seal-status answers sealed and unsealed', async () => {
    expect((await call(v, 'GET', '/v1/sys/seal-status', { token: null })).json).toMatchObject({ sealed: false, initialized: true, type: 'shamir' });
    v.seal();
    const r = await call(v, 'GET', '/v1/sys/seal-status', { token: null });
    expect([r.status, r.json.sealed]).toEqual([200, true]);
  });
});

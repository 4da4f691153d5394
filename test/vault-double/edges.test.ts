// Edge answers of real deployments (docs/vault-behaviour.md §14.1, §14.2, §14.8, §14.10, §14.12).
import { VaultDouble } from '../../src/testing/vault-double/index';
import { BODY, call, fakeClock, login, loginToken, provisionRole, startDouble } from './test-helpers';

let v: VaultDouble;
afterEach(async () => v.stop());

const READ_SECRET = 'path "secret/data/*" { capabilities = ["read"] }';
const UPGRADING =
  'Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.';

async function kvMount(): Promise<void> {
  await call(v, 'POST', '/v1/sys/mounts/secret', { body: { type: 'kv', options: { version: '2' } } });
  await call(v, 'POST', '/v1/secret/data/app', { body: { data: { k: 'v' } } });
}

describe('token_bound_cidrs (§2.5, §14.1)', () => {
  it('login succeeds, then every request from outside the CIDRs — lookup-self included — gets plain 403', async () => {
    v = await startDouble();
    await kvMount();
    const r = await login(v, await provisionRole(v, { policy: READ_SECRET, roleFields: { token_bound_cidrs: ['10.0.0.0/8'] } }));
    expect(r.status).toBe(200);
    const token = r.json.auth.client_token;
    for (const path of ['/v1/auth/token/lookup-self', '/v1/secret/data/app']) {
      const denied = await call(v, 'GET', path, { token });
      expect([denied.status, denied.text]).toEqual([403, BODY.plainDenied]);
    }
  });

  it('a caller inside the CIDRs is served; lookup-self shows bound_cidrs', async () => {
    v = await startDouble();
    await kvMount();
    const token = await loginToken(v, await provisionRole(v, { policy: READ_SECRET, roleFields: { token_bound_cidrs: '10.0.0.0/8,127.0.0.0/8' } }));
    expect((await call(v, 'GET', '/v1/secret/data/app', { token })).status).toBe(200);
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).json.data.bound_cidrs).toEqual(['10.0.0.0/8', '127.0.0.0/8']);
  });

  it('a CIDR denial spends no use (the token entry is never handed on)', async () => {
    v = await startDouble();
    const creds = await provisionRole(v, { roleFields: { token_bound_cidrs: ['10.0.0.0/8'], token_num_uses: 1 } });
    const token = await loginToken(v, creds);
    await call(v, 'GET', '/v1/auth/token/lookup-self', { token });
    const lookup = await call(v, 'POST', '/v1/auth/token/lookup', { body: { token } });
    expect(lookup.json.data.num_uses).toBe(1);
  });
});

describe('disabled entity (§14.1)', () => {
  it('its tokens get plain 403 until re-enabled', async () => {
    v = await startDouble();
    const r = await login(v, await provisionRole(v));
    const { client_token: token, entity_id: entityId } = r.json.auth;
    v.setEntityDisabled(entityId, true);
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).text).toBe(BODY.plainDenied);
    v.setEntityDisabled(entityId, false);
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).status).toBe(200);
  });
});

describe('limited-use Secret ID race (§2.5, §14.2)', () => {
  async function twoLogins(secretIdRace: boolean): Promise<Array<{ status: number; text: string }>> {
    v = await startDouble({ latencyMs: 80, secretIdRace });
    const creds = await provisionRole(v, { roleFields: { secret_id_num_uses: 1 } });
    const results = await Promise.all([login(v, creds), login(v, creds)]);
    return results.map((r) => ({ status: r.status, text: r.text.replace(creds.secretId, '<sid>') }));
  }

  it('two concurrent logins for the last use: the loser gets 400 invalid secret_id "<the Secret ID>"', async () => {
    const results = await twoLogins(true);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(JSON.parse(results.find((r) => r.status === 400)!.text).errors).toEqual(['invalid secret_id "<sid>"']);
  });

  it('without the race switch the loser sees a used-up Secret ID: invalid role or secret ID', async () => {
    const results = await twoLogins(false);
    expect(results.find((r) => r.status === 400)!.text).toBe(BODY.invalidCreds);
  });

  it('a Secret ID already used up before the login arrived is invalid role or secret ID, race switch or not', async () => {
    v = await startDouble({ secretIdRace: true });
    const creds = await provisionRole(v, { roleFields: { secret_id_num_uses: 1 } });
    expect((await login(v, creds)).status).toBe(200);
    expect((await login(v, creds)).text).toBe(BODY.invalidCreds);
  });
});

describe('KV v2 (§14.10)', () => {
  it('upgrade in progress: 400 on every path of the mount for a while, then service resumes', async () => {
    const clock = fakeClock();
    v = await startDouble({ now: clock.now });
    await kvMount();
    v.setKvUpgrading('secret', { forMs: 5000 });
    for (const [method, path] of [['GET', '/v1/secret/data/app'], ['LIST', '/v1/secret/metadata/'], ['GET', '/v1/secret/config']]) {
      const r = await call(v, method, path);
      expect([r.status, r.json.errors]).toEqual([400, [UPGRADING]]);
    }
    clock.advance(5000);
    expect((await call(v, 'GET', '/v1/secret/data/app')).status).toBe(200);
    v.setKvUpgrading('secret', true);
    expect((await call(v, 'GET', '/v1/secret/data/app')).status).toBe(400);
    v.setKvUpgrading('secret', false);
    expect((await call(v, 'GET', '/v1/secret/data/app')).status).toBe(200);
  });

  it('setKvUpgrading on something that is not a KV v2 mount throws', async () => {
    v = await startDouble();
    await call(v, 'POST', '/v1/sys/mounts/kv1', { body: { type: 'kv' } });
    expect(() => v.setKvUpgrading('kv1', true)).toThrow(/not a KV v2 mount/);
    expect(() => v.setKvUpgrading('nothing', true)).toThrow(/not a KV v2 mount/);
  });

  it('?version=N is used only when N > 0; a non-integer is 400', async () => {
    v = await startDouble();
    await kvMount();
    await call(v, 'POST', '/v1/secret/data/app', { body: { data: { k: 'v2' } } });
    for (const q of ['?version=0', '?version=-1', '']) {
      expect((await call(v, 'GET', `/v1/secret/data/app${q}`)).json.data.metadata.version).toBe(2);
    }
    expect((await call(v, 'GET', '/v1/secret/data/app?version=1')).json.data.data).toEqual({ k: 'v' });
    expect((await call(v, 'GET', '/v1/secret/data/app?version=x')).status).toBe(400);
  });

  it('a destroyed version: 404, full envelope, data.data null, destroyed, deletion_time "", no errors key', async () => {
    v = await startDouble();
    await kvMount();
    await call(v, 'POST', '/v1/secret/destroy/app', { body: { versions: [1] } });
    const r = await call(v, 'GET', '/v1/secret/data/app?version=1');
    expect(r.status).toBe(404);
    expect(Object.keys(r.json)).toEqual(['request_id', 'lease_id', 'renewable', 'lease_duration', 'data', 'wrap_info', 'warnings', 'auth']);
    expect(r.json.data).toEqual({ data: null, metadata: expect.objectContaining({ destroyed: true, deletion_time: '', version: 1 }) });
  });
});

describe('token uses (§14.12)', () => {
  it('denied requests and backend errors spend a use; sys/internal/ui/mounts spends none', async () => {
    v = await startDouble();
    await kvMount();
    const creds = await provisionRole(v, { policy: READ_SECRET, roleFields: { token_num_uses: 4 } });
    const token = await loginToken(v, creds);
    expect((await call(v, 'GET', '/v1/sys/internal/ui/mounts/secret', { token })).status).toBe(200);
    expect((await call(v, 'GET', '/v1/sys/mounts', { token })).status).toBe(403); // use 1 (denied)
    v.setKvUpgrading('secret', true);
    expect((await call(v, 'GET', '/v1/secret/data/app', { token })).status).toBe(400); // use 2 (backend error)
    v.setKvUpgrading('secret', false);
    expect((await call(v, 'GET', '/v1/secret/data/app', { token })).status).toBe(200); // use 3
    expect((await call(v, 'GET', '/v1/sys/internal/ui/mounts/secret', { token })).status).toBe(200);
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).json.data.num_uses).toBe(0); // use 4, the last
    expect((await call(v, 'GET', '/v1/auth/token/lookup-self', { token })).text).toBe(BODY.invalidToken);
  });
});

/**
 * HA standbys (docs/vault-behaviour.md §14.4): a standby that cannot forward answers 307 with the
 * active node's address. Followed at most two hops, same scheme, same TLS settings, with the token
 * and body sent again only on such a hop, each hop through the network guard; a redirect that
 * cannot be followed names the active node and the fix. 301/302/303 are not followed.
 */
import { createHashicorpVaultProvider, HashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { parseVaultConfig } from '../../src/config/settings';
import { VaultClient } from '../../src/vault/client';
import { createNetworkGuard } from '../../src/vault/network-guard';
import { answeredOr } from '../../src/vault/network-failure';
import { realRetryClock } from '../../src/vault/retry';
import { connectionFailed } from '../../src/activepieces/errors';
import { unfollowedRedirectMessage } from '../../src/vault/messages';
import { VaultDouble } from '../../src/testing/vault-double';
import { generateTlsMaterial } from '../../src/testing/vault-double/tls';
import { startProvisionedDouble } from '../support/fixtures';
import { Answer, json, SeenRequest, startTinyServer, TinyServer } from '../support/tiny-server';
import { failureOf } from './support';

const CONNECTION_FAILED = ErrorCode.SECRET_MANAGER_CONNECTION_FAILED;

describe('through a standby that answers 307 (request forwarding off)', () => {
  let fixture: Awaited<ReturnType<typeof startProvisionedDouble>>;
  let standby: VaultDouble;
  let provider: HashicorpVaultProvider;

  beforeAll(async () => {
    fixture = await startProvisionedDouble();
    await fixture.target.admin.putKv2(fixture.kvMount, 'app', { key: 'through-standby' });
    standby = await VaultDouble.startStandby(fixture.target.double, { forwarding: false });
  });
  afterAll(async () => {
    await standby.stop();
    await fixture.target.stop();
  });
  beforeEach(() => {
    provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
    fixture.target.double.clearRequests();
  });
  afterEach(async () => provider.close());

  const viaStandby = () => ({ ...fixture.config, url: standby.url });
  const hops = () => fixture.target.double.requests.filter((r) => !r.admin).map((r) => `${r.node} ${r.status} ${r.method} ${r.path}`);

  it('validate succeeds, and the request log shows each hop', async () => {
    await expect(provider.validate({ config: viaStandby() })).resolves.toMatchObject({ url: standby.url });
    const login = `/v1/auth/${fixture.setup.approleMount}/login`;
    expect(hops()).toEqual([
      `standby 307 POST ${login}`,
      `active 200 POST ${login}`,
      'standby 307 GET /v1/sys/mounts',
      'active 200 GET /v1/sys/mounts',
      'standby 307 POST /v1/auth/token/revoke-self',
      'active 204 POST /v1/auth/token/revoke-self',
    ]);
  });

  it('resolve succeeds: the Secret ID and the token are sent again to the active node', async () => {
    const value = await provider.resolve({ connectionId: 'c1', config: viaStandby(), path: `${fixture.kvMount}/data/app/key` });
    expect(value).toBe('through-standby');
    const active = fixture.target.double.requests.filter((r) => !r.admin && r.node === 'active');
    expect(active.map((r) => [r.method, r.hadToken])).toEqual([
      ['POST', false],
      ['GET', true],
    ]);
  });
});

describe('redirect rules (a tiny server plays the standby)', () => {
  const servers: TinyServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const serve = async (answer: (req: SeenRequest) => Answer, tls?: { key: string; cert: string }) => {
    const s = await startTinyServer(answer, { tls });
    servers.push(s);
    return s;
  };
  const clientFor = (url: string, extra: { guard?: ReturnType<typeof createNetworkGuard>; ca?: string } = {}) => {
    const settings = parseVaultConfig({ url, roleId: 'role-id-planted', secretId: 'secret-id-planted', ...(extra.ca ? { caCertificate: extra.ca } : {}) });
    const client = new VaultClient(settings, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, totalDeadlineMs: 1_000 }, clock: realRetryClock, guard: extra.guard });
    return { client, settings };
  };
  const redirectTo = (target: () => string, status = 307) => (req: SeenRequest): Answer => ({ status, headers: { Location: `${target()}${req.url}` } });
  const active = (req: SeenRequest): Answer => ({ status: 200, body: json({ data: { seen: req.url } }) });

  it('the token, headers and body go again to the active node only on a 307/308 hop', async () => {
    const node = await serve(active);
    const standbyNode = await serve(redirectTo(() => node.url, 308));
    const { client } = clientFor(standbyNode.url);
    try {
      const res = await client.send({ method: 'POST', path: 'auth/approle/login', namespace: 'ns1', token: 'hvs.planted-token', body: { role_id: 'r', secret_id: 's' } });
      expect([res.status, res.hops]).toEqual([200, [node.url]]);
      expect(node.seen).toHaveLength(1);
      expect(node.seen[0]).toMatchObject({ method: 'POST', url: '/v1/auth/approle/login', body: json({ role_id: 'r', secret_id: 's' }) });
      expect(node.seen[0].headers).toMatchObject({ 'x-vault-token': 'hvs.planted-token', 'x-vault-namespace': 'ns1', 'x-vault-request': 'true' });
    } finally {
      client.close();
    }
  });

  it.each([301, 302, 303])('%i is not followed', async (status) => {
    const node = await serve(active);
    const standbyNode = await serve(redirectTo(() => node.url, status));
    const { client } = clientFor(standbyNode.url);
    try {
      const res = await client.send({ method: 'GET', path: 'secret/data/x', namespace: '', token: 'hvs.planted-token' });
      expect([res.status, res.unfollowedRedirect]).toEqual([status, undefined]);
      expect(node.seen).toHaveLength(0);
    } finally {
      client.close();
    }
  });

  it('at most two hops: a third redirect is reported, naming the node it points at', async () => {
    const last = await serve(active);
    const third = await serve(redirectTo(() => last.url));
    const second = await serve(redirectTo(() => third.url));
    const first = await serve(redirectTo(() => second.url));
    const { client, settings } = clientFor(first.url);
    try {
      const res = await client.send({ method: 'GET', path: 'secret/data/x', namespace: '', token: 'hvs.planted-token' });
      expect([res.status, res.hops, res.unfollowedRedirect]).toEqual([307, [second.url, third.url], { target: last.url, reason: 'too-many-hops' }]);
      expect(last.seen).toHaveLength(0);
      expect(unfollowedRedirectMessage(307, res.unfollowedRedirect!, settings)).toBe(
        `Vault at ${first.url} answered 307: it is a standby node that cannot forward the request, and the redirect to the active node at ${last.url} cannot be followed (more than 2 redirects in a row). `
          + `Point the URL at the cluster's load balancer (or its active node), or let the standbys forward requests to the active node (request forwarding; no X-Vault-No-Request-Forwarding).`,
      );
    } finally {
      client.close();
    }
  });

  it('never from https to http, and the token is not sent there', async () => {
    const tls = await generateTlsMaterial();
    const plain = await serve(active);
    const secure = await serve(redirectTo(() => plain.url), tls);
    const { client } = clientFor(secure.url, { ca: tls.caCertPem });
    try {
      const res = await client.send({ method: 'GET', path: 'secret/data/x', namespace: '', token: 'hvs.planted-token' });
      expect([res.status, res.unfollowedRedirect]).toEqual([307, { target: plain.url, reason: 'scheme-change' }]);
      expect(secure.seen).toHaveLength(1); // the CA of the connection was used for the first hop
      expect(plain.connections()).toBe(0);
    } finally {
      client.close();
    }
  });

  it('no Location: the message says the redirect cannot be followed, through resolve', async () => {
    const standbyNode = await serve(() => ({ status: 307 }));
    const provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
    try {
      await failureOf(
        provider.validate({ config: { url: standbyNode.url, roleId: 'r', secretId: 's' } }),
        CONNECTION_FAILED,
        /^Vault at http:\/\/127\.0\.0\.1:\d+ answered 307: it is a standby node that cannot forward the request, and the redirect to the active node cannot be followed \(it names no address to go to\)\. Point the URL at the cluster's load balancer/,
      );
    } finally {
      await provider.close();
    }
  });

  it('each hop goes through the network guard: a refused active node gets no socket', async () => {
    const elsewhere = await serve(active);
    const port = new URL(elsewhere.url).port;
    // 127.0.0.2 is loopback too, but only 127.0.0.1 is allowed here.
    const standbyNode = await serve((req) => ({ status: 307, headers: { Location: `http://127.0.0.2:${port}${req.url}` } }));
    const guard = createNetworkGuard({ allowedNetworks: ['127.0.0.1/32'], env: {} });
    const { client, settings } = clientFor(standbyNode.url, { guard });
    try {
      const sent = answeredOr(() => client.send({ method: 'GET', path: 'secret/data/x', namespace: '', token: 'hvs.planted-token' }), settings, connectionFailed);
      await failureOf(sent, CONNECTION_FAILED, /^Not connecting: 127\.0\.0\.2 is a loopback address\. .*AP_SSRF_ALLOW_LIST/);
      expect(standbyNode.seen).toHaveLength(1);
      expect(elsewhere.connections()).toBe(0);
    } finally {
      client.close();
    }
  });
});

/**
 * The network guard: which addresses Activepieces' SSRF filter would refuse (every notation a URL
 * may write them in), the AP_SSRF_ALLOW_LIST / allowedNetworks override, the DNS lookup wrapper
 * (every answer checked, the checked answer connected to), and real requests to a server on
 * 127.0.0.1 that must never see a connection while the guard refuses.
 */
import dns, { LookupAddress, LookupOptions } from 'node:dns';
import http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { ErrorCode } from '../support/activepieces';
import { errorCodeOf, humanMessage } from '../../src/activepieces/errors';
import {
  classifyAddress, createNetworkGuard, isNetworkRefusedError, NetworkGuard, NetworkRefusedError, parseAllowList,
} from '../../src/vault/network-guard';

const NO_ENV = {};

/** What the guard throws, or undefined. */
function refusalOf(act: () => void): NetworkRefusedError | undefined {
  try {
    act();
  } catch (err) {
    if (isNetworkRefusedError(err)) return err;
    throw err;
  }
  return undefined;
}

describe('classifyAddress and checkUrl: every notation of a non-public address is refused', () => {
  // [what is written after http://, the range it must be refused as]
  const refusedHosts: Array<[string, string]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['2130706433', 'loopback'], // decimal
    ['0x7f000001', 'loopback'], // hex, one part
    ['0x7f.1', 'loopback'], // hex, two parts
    ['0177.0.0.1', 'loopback'], // octal
    ['017700000001', 'loopback'], // octal, one part
    ['127.1', 'loopback'], // short form
    ['127.0.1', 'loopback'], // three parts
    ['127.0.0.1.', 'loopback'], // trailing dot
    ['[::1]', 'loopback'],
    ['[0:0:0:0:0:0:0:1]', 'loopback'],
    ['[::ffff:127.0.0.1]', 'loopback'], // IPv4-mapped
    ['[::ffff:7f00:1]', 'loopback'], // IPv4-mapped, hex
    ['[0:0:0:0:0:ffff:127.0.0.1]', 'loopback'],
    ['10.0.0.5', 'private'],
    ['0xa.0.0.5', 'private'],
    ['167772165', 'private'], // 10.0.0.5 in decimal
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['[::ffff:192.168.1.1]', 'private'],
    ['[::ffff:a00:5]', 'private'],
    ['169.254.169.254', 'linkLocal'], // cloud metadata
    ['2852039166', 'linkLocal'], // 169.254.169.254 in decimal
    ['[::ffff:169.254.169.254]', 'linkLocal'],
    ['[fe80::1]', 'linkLocal'],
    ['[fd00::1]', 'uniqueLocal'],
    ['[fc00::abcd]', 'uniqueLocal'],
    ['100.64.1.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['[::]', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['[ff02::1]', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'reserved'], // TEST-NET-1
    ['198.18.0.1', 'reserved'], // benchmarking
    ['198.19.255.255', 'reserved'],
    ['198.51.100.7', 'reserved'], // TEST-NET-2
    ['203.0.113.9', 'reserved'], // TEST-NET-3
    ['[2001:db8::1]', 'reserved'], // documentation
    ['[::7f00:1]', 'reserved'], // IPv4-compatible (deprecated), outside 2000::/3
    ['[::127.0.0.1]', 'reserved'],
    ['[64:ff9b::a00:1]', 'rfc6052'], // NAT64 to 10.0.0.1
    ['[2002:a00:1::]', '6to4'], // 6to4 of 10.0.0.1
    ['[2001::1]', 'teredo'],
    ['[fec0::1]', 'deprecatedSiteLocal'],
  ];

  it.each(refusedHosts)('http://%s/ is refused as %s', (host, range) => {
    const url = new URL(`http://${host}/`);
    const refusal = refusalOf(() => createNetworkGuard({ env: NO_ENV }).checkUrl(url));
    expect(refusal).toBeInstanceOf(NetworkRefusedError);
    expect(refusal?.range).toBe(range);
    expect(classifyAddress(url.hostname.replace(/^\[(.*)\]$/, '$1'))).toEqual({ allowed: false, range });
  });

  it('has a table of at least 40 refused notations', () => {
    expect(refusedHosts.length).toBeGreaterThanOrEqual(40);
  });

  it.each(['8.8.8.8', '1.1.1.1', '::ffff:8.8.8.8', '2606:4700::1111', '2a00:1450:4001:80b::200e'])(
    'public %s is allowed (classification only, no traffic)',
    (ip) => {
      expect(classifyAddress(ip)).toEqual({ allowed: true, range: 'unicast' });
    },
  );

  it('lets a URL with a public IP or a host name pass (names are checked at lookup)', () => {
    const guard = createNetworkGuard({ env: NO_ENV });
    for (const url of ['https://8.8.8.8:8200/v1/sys/health', 'http://[2606:4700::1111]/', 'https://vault.example.com/', 'http://localhost:8200/']) {
      expect(refusalOf(() => guard.checkUrl(new URL(url)))).toBeUndefined();
    }
  });

  it('treats what is not a strict IP as refused, not as public', () => {
    for (const text of ['', 'localhost', '0x7f.1', '127.1', '010.0.0.1', '1.2.3.4.5', '::ffff:999.0.0.1']) {
      expect(classifyAddress(text)).toEqual({ allowed: false, range: 'invalid' });
    }
  });
});

describe('NetworkRefusedError', () => {
  it('names the address, its class and the two ways to allow it', () => {
    const refusal = refusalOf(() => createNetworkGuard({ env: NO_ENV }).checkUrl(new URL('https://10.0.0.5:8200/')));
    expect(refusal?.message).toBe(
      'Not connecting: 10.0.0.5 is a private address. Activepieces refuses non-public addresses for secret managers; ' +
        "to allow it, add it to AP_SSRF_ALLOW_LIST (comma-separated IPs/CIDRs) or to the provider's allowedNetworks option.",
    );
    expect(refusal).toMatchObject({ address: '10.0.0.5', range: 'private', code: 'ERR_NETWORK_REFUSED', name: 'NetworkRefusedError' });
  });

  it('names the host the address belongs to, and the metadata service', () => {
    expect(new NetworkRefusedError('169.254.169.254', 'linkLocal', 'vault.internal').message).toMatch(
      /^Not connecting to vault\.internal: 169\.254\.169\.254 is a link-local address \(the cloud metadata service\)\. /,
    );
  });

  it('is recognised by shape too (a second copy of the package), and not confused with other errors', () => {
    const foreign = Object.assign(new Error('x'), { name: 'NetworkRefusedError', code: 'ERR_NETWORK_REFUSED' });
    expect(isNetworkRefusedError(foreign)).toBe(true);
    expect(isNetworkRefusedError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isNetworkRefusedError({ name: 'NetworkRefusedError', code: 'ERR_NETWORK_REFUSED' })).toBe(false);
  });
});

describe('allow list (AP_SSRF_ALLOW_LIST semantics)', () => {
  it('allows an exact IP and nothing next to it', () => {
    const list = parseAllowList('10.0.0.5');
    expect(list.allows('10.0.0.5')).toBe(true);
    expect(list.allows('10.0.0.6')).toBe(false);
  });

  it('allows a v4 CIDR, its edges and nothing outside', () => {
    const list = parseAllowList('172.20.0.0/16');
    expect(['172.20.0.0', '172.20.255.255', '172.20.3.4'].map(list.allows)).toEqual([true, true, true]);
    expect(['172.21.0.0', '172.19.255.255'].map(list.allows)).toEqual([false, false]);
  });

  it('allows a v6 CIDR and an exact v6 IP in any spelling', () => {
    const list = parseAllowList('fd12:3456::/32, ::1');
    expect(list.allows('fd12:3456:ffff::1')).toBe(true);
    expect(list.allows('fd12:3457::1')).toBe(false);
    expect(list.allows('0:0:0:0:0:0:0:1')).toBe(true);
  });

  it('matches mapped forms both ways: a v4 entry allows ::ffff:v4, a ::ffff: entry allows the v4', () => {
    expect(parseAllowList('127.0.0.1').allows('::ffff:127.0.0.1')).toBe(true);
    expect(parseAllowList('127.0.0.0/8').allows('::ffff:7f00:1')).toBe(true);
    expect(parseAllowList('::ffff:10.0.0.0/104').allows('10.1.2.3')).toBe(true);
    expect(parseAllowList('::ffff:10.0.0.0/104').allows('11.1.2.3')).toBe(false);
    expect(parseAllowList('::ffff:127.0.0.1').allows('127.0.0.1')).toBe(true);
  });

  it('tolerates blanks and empty entries; empty or unset allows nothing', () => {
    const list = parseAllowList(' 10.0.0.5 ,\t192.168.0.0/24 ,, \n');
    expect(list.entries).toEqual(['10.0.0.5', '192.168.0.0/24']);
    expect(list.allows('192.168.0.77')).toBe(true);
    expect(parseAllowList(undefined).allows('127.0.0.1')).toBe(false);
    expect(parseAllowList('').allows('127.0.0.1')).toBe(false);
  });

  it.each(['10.0.0.300', 'vault.internal', '010.0.0.1', '10.0.0.0/33', '::1/129', '10.0.0.0/', '10.0.0.0/8/9', '10.0.0.0/-1', '10.0.0.0/0x8', '*'])(
    'refuses the entry %p with a validation error naming it',
    (entry) => {
      let caught: unknown;
      try {
        parseAllowList(`10.0.0.5,${entry}`);
      } catch (err) {
        caught = err;
      }
      expect(errorCodeOf(caught)).toBe(ErrorCode.VALIDATION);
      expect(humanMessage(caught)).toContain(`AP_SSRF_ALLOW_LIST has an entry that is not an IP address or CIDR: "${entry}"`);
    },
  );

  it('overrides every range, in the guard, from the env or from allowedNetworks', () => {
    const guard = createNetworkGuard({ env: { AP_SSRF_ALLOW_LIST: '10.0.0.0/8,169.254.169.254' }, allowedNetworks: ['fd00::/8', '127.0.0.1/32'] });
    for (const url of ['http://10.9.9.9/', 'http://169.254.169.254/', 'http://[fd00::5]/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/']) {
      expect(refusalOf(() => guard.checkUrl(new URL(url)))).toBeUndefined();
    }
    for (const url of ['http://127.0.0.2/', 'http://192.168.0.1/', 'http://[fe80::1]/', 'http://169.254.169.253/']) {
      expect(refusalOf(() => guard.checkUrl(new URL(url)))).toBeInstanceOf(NetworkRefusedError);
    }
  });

  it('reads AP_SSRF_ALLOW_LIST once, when the guard is created', () => {
    const env: NodeJS.ProcessEnv = { AP_SSRF_ALLOW_LIST: '10.0.0.5' };
    const guard = createNetworkGuard({ env });
    env.AP_SSRF_ALLOW_LIST = '10.0.0.6';
    expect(refusalOf(() => guard.checkUrl(new URL('http://10.0.0.5/')))).toBeUndefined();
    expect(refusalOf(() => guard.checkUrl(new URL('http://10.0.0.6/')))).toBeInstanceOf(NetworkRefusedError);
  });

  it('reads process.env by default', () => {
    const saved = process.env.AP_SSRF_ALLOW_LIST;
    process.env.AP_SSRF_ALLOW_LIST = '10.0.0.7';
    try {
      expect(refusalOf(() => createNetworkGuard().checkUrl(new URL('http://10.0.0.7/')))).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.AP_SSRF_ALLOW_LIST;
      else process.env.AP_SSRF_ALLOW_LIST = saved;
    }
  });

  it('refuses to start with a bad entry, naming where it was written', () => {
    expect(() => createNetworkGuard({ env: { AP_SSRF_ALLOW_LIST: '10.0.0.5,10.0.0.0/40' } })).toThrow(/AP_SSRF_ALLOW_LIST .*"10\.0\.0\.0\/40"/);
    expect(() => createNetworkGuard({ env: NO_ENV, allowedNetworks: ['vault.local'] })).toThrow(/allowedNetworks .*"vault\.local"/);
  });

  it('checks nothing when disabled', () => {
    const guard = createNetworkGuard({ env: NO_ENV, disabled: true });
    expect(refusalOf(() => guard.checkUrl(new URL('http://127.0.0.1/')))).toBeUndefined();
  });
});

describe('the lookup wrapper', () => {
  type Answer = { address: string; family: number };
  interface Resolved {
    err: NodeJS.ErrnoException | null;
    address?: string | LookupAddress[];
    family?: number;
  }

  /** A resolver that answers `answers` and records the options it was asked with. */
  function fakeResolver(answers: Answer[] | NodeJS.ErrnoException): { lookup: LookupFunction; asked: LookupOptions[] } {
    const asked: LookupOptions[] = [];
    const lookup: LookupFunction = (_hostname, options, callback) => {
      asked.push(options);
      process.nextTick(() => (answers instanceof Error ? callback(answers, '') : callback(null, answers)));
    };
    return { lookup, asked };
  }

  function resolveWith(guard: NetworkGuard, options: LookupOptions, hostname = 'vault.example.com'): Promise<Resolved> {
    return new Promise((resolve) => guard.lookup(hostname, options, (err, address, family) => resolve({ err, address, family })));
  }

  const PUBLIC: Answer = { address: '203.0.114.10', family: 4 };
  const PUBLIC_V6: Answer = { address: '2606:4700::1111', family: 6 };

  it('refuses a name with one public and one private answer (no rebinding gap), whatever node asked for', async () => {
    for (const all of [true, false]) {
      for (const answers of [[PUBLIC, { address: '10.0.0.5', family: 4 }], [{ address: '127.0.0.1', family: 4 }, PUBLIC]]) {
        const guard = createNetworkGuard({ env: NO_ENV, lookup: fakeResolver(answers).lookup });
        const { err, address } = await resolveWith(guard, { all });
        expect(isNetworkRefusedError(err)).toBe(true);
        expect(address).toBeUndefined();
        expect(err?.message).toContain('Not connecting to vault.example.com');
      }
    }
  });

  it('resolves once and hands node the answer it checked (a rebinding resolver gets no second chance)', async () => {
    let calls = 0;
    const rebinding: LookupFunction = (_hostname, _options, callback) => {
      calls++;
      const answer = calls === 1 ? PUBLIC : { address: '127.0.0.1', family: 4 };
      process.nextTick(() => callback(null, [answer]));
    };
    const guard = createNetworkGuard({ env: NO_ENV, lookup: rebinding });
    expect(await resolveWith(guard, {})).toEqual({ err: null, address: PUBLIC.address, family: 4 });
    expect(calls).toBe(1);
  });

  it('asks the resolver for every answer, keeping the other options', async () => {
    const resolver = fakeResolver([PUBLIC]);
    const guard = createNetworkGuard({ env: NO_ENV, lookup: resolver.lookup });
    await resolveWith(guard, { family: 4, hints: 32 });
    expect(resolver.asked).toEqual([{ family: 4, hints: 32, all: true }]);
  });

  it('with all: true gives back every checked answer', async () => {
    const guard = createNetworkGuard({ env: NO_ENV, lookup: fakeResolver([PUBLIC_V6, PUBLIC]).lookup });
    expect(await resolveWith(guard, { all: true })).toEqual({ err: null, address: [PUBLIC_V6, PUBLIC], family: undefined });
  });

  it('without all gives back the first checked answer as address and family', async () => {
    const guard = createNetworkGuard({ env: NO_ENV, lookup: fakeResolver([PUBLIC_V6, PUBLIC]).lookup });
    expect(await resolveWith(guard, {})).toEqual({ err: null, address: PUBLIC_V6.address, family: 6 });
  });

  it('refuses a private answer written as IPv4-mapped IPv6', async () => {
    const guard = createNetworkGuard({ env: NO_ENV, lookup: fakeResolver([{ address: '::ffff:10.0.0.5', family: 6 }]).lookup });
    const { err } = await resolveWith(guard, { all: true });
    expect(err).toMatchObject({ address: '::ffff:10.0.0.5', range: 'private' });
  });

  it('refuses an answer that is not an IP (a resolver gone wrong fails closed)', async () => {
    const guard = createNetworkGuard({ env: NO_ENV, lookup: fakeResolver([{ address: 'evil', family: 4 }]).lookup });
    expect((await resolveWith(guard, { all: true })).err).toMatchObject({ range: 'invalid' });
  });

  it('passes allow-listed private answers', async () => {
    const answers = [{ address: '10.0.0.5', family: 4 }, { address: 'fd00::5', family: 6 }];
    const guard = createNetworkGuard({ env: { AP_SSRF_ALLOW_LIST: '10.0.0.0/8' }, allowedNetworks: ['fd00::/8'], lookup: fakeResolver(answers).lookup });
    expect(await resolveWith(guard, { all: true })).toEqual({ err: null, address: answers, family: undefined });
  });

  it('passes the resolver error on unchanged, and an empty answer is ENOTFOUND', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND vault.example.com'), { code: 'ENOTFOUND' });
    const failing = createNetworkGuard({ env: NO_ENV, lookup: fakeResolver(notFound).lookup });
    expect((await resolveWith(failing, { all: true })).err).toBe(notFound);
    const empty = createNetworkGuard({ env: NO_ENV, lookup: fakeResolver([]).lookup });
    expect((await resolveWith(empty, { all: true })).err).toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('real requests to a server on 127.0.0.1', () => {
  let server: http.Server;
  let port: number;
  let connections = 0;
  const agents: http.Agent[] = [];

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(() => {
    agents.splice(0).forEach((agent) => agent.destroy());
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** The `all` flag node passed to the lookup, per call. */
  const nodeAsked: Array<boolean | undefined> = [];

  function agentFor(guard: NetworkGuard, autoSelectFamily: boolean): http.Agent {
    const lookup: LookupFunction = (hostname, options, callback) => {
      nodeAsked.push(options.all);
      guard.lookup(hostname, options, callback);
    };
    const agent = new http.Agent({ keepAlive: true, lookup, autoSelectFamily } as http.AgentOptions);
    agents.push(agent);
    return agent;
  }

  /**
   * The system resolver (hosts file) asked for IPv4 only: the test server listens on 127.0.0.1, and
   * traffic stays there even where localhost also resolves to ::1. Node's own call is untouched
   * (no `family` on the request), so it asks with `all: true` when autoSelectFamily is on.
   */
  const hostsFileV4: LookupFunction = (hostname, options, callback) => dns.lookup(hostname, { ...options, family: 4 }, callback);

  /** As the HTTP layer sends: the URL checked first, then the request through the guarded agent. */
  function guardedGet(guard: NetworkGuard, url: string, autoSelectFamily = true): Promise<string> {
    const target = new URL(url);
    guard.checkUrl(target);
    return new Promise((resolve, reject) => {
      const req = http.request(target, { agent: agentFor(guard, autoSelectFamily) }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('node does not call lookup for an IP literal: the URL check is the only door', async () => {
    let looked = 0;
    const counting: LookupFunction = (hostname, options, callback) => {
      looked++;
      dns.lookup(hostname, options, callback);
    };
    const guard = createNetworkGuard({ env: NO_ENV, allowedNetworks: ['127.0.0.1/32'], lookup: counting });
    await expect(guardedGet(guard, `http://127.0.0.1:${port}/`)).resolves.toBe('ok');
    expect(looked).toBe(0);
  });

  it('refuses http://127.0.0.1 before a socket opens; allowed with 127.0.0.1/32', async () => {
    const before = connections;
    expect(() => guardedGet(createNetworkGuard({ env: NO_ENV }), `http://127.0.0.1:${port}/`)).toThrow(NetworkRefusedError);
    expect(() => guardedGet(createNetworkGuard({ env: NO_ENV }), `http://2130706433:${port}/`)).toThrow(NetworkRefusedError);
    expect(connections).toBe(before);
    await expect(guardedGet(createNetworkGuard({ env: { AP_SSRF_ALLOW_LIST: '127.0.0.1/32' } }), `http://127.0.0.1:${port}/`)).resolves.toBe('ok');
    expect(connections).toBe(before + 1);
  });

  it.each([true, false])('refuses http://localhost (hosts file) at lookup, no connection made; allowed with 127.0.0.1/32 (autoSelectFamily %s)', async (autoSelectFamily) => {
    const before = connections;
    const refused = guardedGet(createNetworkGuard({ env: NO_ENV, lookup: hostsFileV4 }), `http://localhost:${port}/`, autoSelectFamily);
    await expect(refused).rejects.toBeInstanceOf(NetworkRefusedError);
    await expect(refused).rejects.toMatchObject({ address: '127.0.0.1', range: 'loopback', host: 'localhost' });
    // A connection the server saw would have been counted before the client's error.
    await new Promise((resolve) => setImmediate(resolve));
    expect(connections).toBe(before);
    const allowed = createNetworkGuard({ env: NO_ENV, allowedNetworks: ['127.0.0.1/32'], lookup: hostsFileV4 });
    nodeAsked.length = 0;
    await expect(guardedGet(allowed, `http://localhost:${port}/`, autoSelectFamily)).resolves.toBe('ok');
    expect(connections).toBe(before + 1);
    // Both shapes of node's lookup call are exercised: all: true with autoSelectFamily, a single address without.
    expect(nodeAsked).toEqual([autoSelectFamily ? true : undefined]);
  });
});

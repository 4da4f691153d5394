// HTTP-level behaviour: envelope, headers, encoding, parse errors, methods, health (docs/vault-behaviour.md §1, §9),
// and the LIST rewrite shim that sits in front of Node's HTTP parser.
import * as http from 'node:http';
import { VaultDouble } from '../../src/testing/vault-double/index';
import { LIST_STAND_IN, ListMethodRewriter } from '../../src/testing/vault-double/socket-shim';
import { BODY, call, startDouble } from './test-helpers';

let v: VaultDouble;
beforeEach(async () => {
  v = await startDouble();
});
afterEach(async () => v.stop());

describe('envelope and headers (docs/vault-behaviour.md §1)', () => {
  it('200, 204 and errors carry Cache-Control: no-store and Content-Type: application/json', async () => {
    const ok = await call(v, 'GET', '/v1/auth/token/lookup-self');
    const empty = await call(v, 'POST', '/v1/sys/mounts/kv', { body: { type: 'kv' } });
    const err = await call(v, 'GET', '/v1/sys/mounts', { token: null });
    for (const r of [ok, empty, err]) {
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('content-type')).toBe('application/json');
    }
    expect([empty.status, empty.text]).toEqual([204, '']);
    expect(err.text).toBe(BODY.plainDenied);
  });

  it('JSON is encoded like Go: HTML characters escaped, trailing newline', async () => {
    await call(v, 'POST', '/v1/sys/mounts/kv', { body: { type: 'kv' } });
    await call(v, 'POST', '/v1/kv/x', { body: { html: '<b>&</b>' } });
    const r = await call(v, 'GET', '/v1/kv/x');
    expect(r.text).toContain('"html":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"');
    expect(r.json.data.html).toBe('<b>&</b>');
    expect(r.text.endsWith('\n')).toBe(true);
  });

  it('data keys are sorted like a Go map', async () => {
    await call(v, 'POST', '/v1/sys/mounts/kv', { body: { type: 'kv' } });
    await call(v, 'POST', '/v1/kv/x', { body: { b: 1, a: 2, c: 3 } });
    expect(Object.keys((await call(v, 'GET', '/v1/kv/x')).json.data)).toEqual(['a', 'b', 'c']);
  });
});

describe('request parsing (docs/vault-behaviour.md §9)', () => {
  it('an unparsable body ⇒ 400 failed to parse JSON input', async () => {
    const r = await call(v, 'POST', '/v1/sys/mounts/kv', { rawBody: '{"type": kv}' });
    expect(r.status).toBe(400);
    expect(r.json.errors[0]).toMatch(/^failed to parse JSON input: /);
  });

  it('a non-object body ⇒ 400 failed to parse JSON input', async () => {
    const r = await call(v, 'POST', '/v1/sys/mounts/kv', { rawBody: '[1]' });
    expect(r.json.errors).toEqual(['failed to parse JSON input: json: cannot unmarshal array into Go value of type map[string]interface {}']);
  });

  it('an unknown HTTP method ⇒ 405', async () => {
    expect((await call(v, 'OPTIONS', '/v1/sys/mounts')).status).toBe(405);
  });

  it('a bad list= value ⇒ 400', async () => {
    const r = await call(v, 'GET', '/v1/sys/policies/acl?list=maybe');
    expect([r.status, r.text]).toEqual([400, BODY.emptyErrors]);
  });

  it('paths outside /v1/ ⇒ 404', async () => {
    expect((await call(v, 'GET', '/ui/')).status).toBe(404);
  });
});

describe('sys/health (docs/vault-behaviour.md §9)', () => {
  it('200 with the documented fields, no envelope', async () => {
    const r = await call(v, 'GET', '/v1/sys/health', { token: null });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual([
      'initialized', 'sealed', 'standby', 'performance_standby', 'replication_performance_mode', 'replication_dr_mode',
      'server_time_utc', 'version', 'cluster_name', 'cluster_id', 'enterprise', 'echo_duration_ms', 'clock_skew_ms',
    ]);
    expect(r.json).toMatchObject({ initialized: true, sealed: false, standby: false, enterprise: true });
  });

  it('HEAD answers the status only; sealedcode overrides', async () => {
    const head = await fetch(`${v.url}/v1/sys/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    v.seal();
    expect((await call(v, 'GET', '/v1/sys/health?sealedcode=200')).status).toBe(200);
  });
});

describe('LIST through Node http (keep-alive, chunked bodies)', () => {
  function send(agent: http.Agent, method: string, path: string, body?: string, chunked = false): Promise<number> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'X-Vault-Token': v.rootToken };
      if (chunked) headers['Transfer-Encoding'] = 'chunked';
      const req = http.request(`${v.url}${path}`, { method, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      if (body !== undefined && chunked) for (const part of body.match(/.{1,3}/g) ?? []) req.write(part);
      req.end(chunked ? undefined : body);
    });
  }

  it('LIST after POST bodies on one kept-alive connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await send(agent, 'POST', '/v1/sys/mounts/kv', '{"type":"kv"}')).toBe(204);
      expect(await send(agent, 'POST', '/v1/kv/a', '{"x":1}', true)).toBe(204);
      expect(await send(agent, 'LIST', '/v1/kv/')).toBe(200);
      expect(await send(agent, 'POST', '/v1/kv/b', '{"y":"LIST /v1/kv/ HTTP/1.1"}')).toBe(204);
      expect(await send(agent, 'LIST', '/v1/kv/')).toBe(200);
      expect(v.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'LIST', 'POST', 'LIST']);
    } finally {
      agent.destroy();
    }
  });
});

describe('ListMethodRewriter', () => {
  const run = (parts: string[]): string => {
    const rw = new ListMethodRewriter();
    return parts.map((p) => rw.rewrite(Buffer.from(p, 'latin1')).toString('latin1')).join('');
  };
  const list = 'LIST /v1/kv/ HTTP/1.1\r\nHost: x\r\n\r\n';
  const post = (body: string) => `POST /v1/kv/a HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

  it('rewrites the method of a LIST request line only', () => {
    expect(run([list])).toBe(list.replace('LIST', LIST_STAND_IN));
    expect(run([post('LIST /x')])).toBe(post('LIST /x'));
  });

  it('finds the next request after a Content-Length body, across chunk boundaries', () => {
    const stream = post('{"a":1}') + list;
    const expected = post('{"a":1}') + list.replace('LIST', LIST_STAND_IN);
    for (let cut = 1; cut < stream.length; cut++) expect(run([stream.slice(0, cut), stream.slice(cut)])).toBe(expected);
  });

  it('passes bytes that are not HTTP (a TLS ClientHello) straight on, so the parser refuses them at once', () => {
    const clientHello = '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03';
    expect(run([clientHello])).toBe(clientHello);
  });

  it('follows chunked bodies with trailers', () => {
    const chunked = 'POST /v1/kv/a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n';
    expect(run([chunked, list])).toBe(chunked + list.replace('LIST', LIST_STAND_IN));
  });
});

/**
 * What a hostile (or merely broken) server at the configured URL can send, and what the Vault
 * layer makes of it (issues 11.2, 11.5, 11.8): Vault's `errors` read only as strings, capped,
 * stripped of terminal control, never a non-JSON body quoted, every credential scrubbed (Vault
 * itself echoes a Secret ID, docs/vault-behaviour.md §14.2); a token with CR/LF refused; a value
 * nested 5,000 deep refused before anything caches it; the body cap and the request timeout kept.
 */
import { createHashicorpVaultProvider, HashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { parseVaultConfig } from '../../src/config/settings';
import { VaultClient } from '../../src/vault/client';
import { realRetryClock } from '../../src/vault/retry';
import { locateByConvention, parseSecretPath } from '../../src/vault/kv-path';
import { valueAsText } from '../../src/provider/value-as-text';
import { Answer, json, SeenRequest, startTinyServer, TinyServer } from '../support/tiny-server';
import { failureOf } from '../vault-setups/support';

const CONNECTION_FAILED = ErrorCode.SECRET_MANAGER_CONNECTION_FAILED;
const GET_FAILED = ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED;
const ROLE_ID = 'planted-role-7Q';
const SECRET_ID = 'planted-sid-9Z';
const TOKEN = 'hvs.planted-token-4K';

let server: TinyServer;
let onLogin: (req: SeenRequest) => Answer | 'hang';
let onRead: (req: SeenRequest) => Answer | 'hang';
let provider: HashicorpVaultProvider;
const goodLogin = (): Answer => ({ status: 200, body: json({ auth: { client_token: TOKEN, lease_duration: 3600, renewable: true } }) });
const kv2 = (data: unknown): Answer => ({ status: 200, body: json({ data: { data, metadata: { version: 1 } } }) });

beforeAll(async () => {
  server = await startTinyServer((req) => (req.url.endsWith('/login') ? onLogin(req) : req.url.includes('revoke-self') ? { status: 204 } : onRead(req)));
});
afterAll(async () => server.close());
beforeEach(() => {
  onLogin = goodLogin;
  onRead = () => kv2({ key: 'fine' });
  server.seen.length = 0;
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
});
afterEach(async () => provider.close());

const config = (extra: Record<string, unknown> = {}) => ({ url: server.url, roleId: ROLE_ID, secretId: SECRET_ID, cacheTtlSeconds: 0, ...extra });
const resolve = (extra: Record<string, unknown> = {}) => provider.resolve({ connectionId: 'c1', config: config(extra), path: 'secret/data/app/key' });
const expectClean = (message: string) => {
  for (const credential of [ROLE_ID, SECRET_ID, TOKEN]) expect(message).not.toContain(credential);
  // eslint-disable-next-line no-control-regex
  expect(message).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
};

describe('Vault\'s errors, read only as Vault sends them', () => {
  it.each([
    ['errors[0] an object', { errors: [{ replace: 1 }] }],
    ['errors an object', { errors: { some: 1 } }],
    ['errors a string', { errors: 'invalid role' }],
    ['errors[0] a number', { errors: [42] }],
  ])('%s: a clear failure, not a TypeError', async (_name, body) => {
    onLogin = () => ({ status: 400, body: json(body) });
    const { message } = await failureOf(resolve(), CONNECTION_FAILED, /^AppRole login at http:\/\/127\.0\.0\.1:\d+ failed with 400\.$/);
    expectClean(message);
  });

  it('terminal escapes and control characters are stripped, and a long text is capped', async () => {
    onLogin = () => ({ status: 500, body: json({ errors: [`\x1b[2J\x1b]0;owned\x07boom\r\n${'x'.repeat(100_000)}`] }) });
    const { message } = await failureOf(resolve(), CONNECTION_FAILED, /answered 500: boom x+…\.$/);
    expect(message.length).toBeLessThan(500);
    expect(message).not.toContain('owned');
    expectClean(message);
  });

  it('a body that is not Vault\'s JSON is never quoted', async () => {
    onRead = () => ({ status: 500, headers: { 'Content-Type': 'text/html' }, body: '<html>internal-service-banner</html>' });
    const { message } = await failureOf(resolve(), GET_FAILED, /answered 500\.$/);
    expect(message).not.toContain('internal-service-banner');
  });

  it('the Secret ID race loser\'s echo (invalid secret_id "<it>") is a credential failure, scrubbed', async () => {
    onLogin = () => ({ status: 400, body: json({ errors: [`invalid secret_id "${SECRET_ID}"`] }) });
    const { message } = await failureOf(resolve(), CONNECTION_FAILED, /rejected the Role ID or Secret ID \(invalid secret_id "\[redacted\]"\)\. The Secret ID may be wrong, expired or used up \(secret_id_num_uses\)\. Issue a new one with: vault write -f auth\/approle\/role\/<role>\/secret-id$/);
    expectClean(message);
  });

  it('a token echoed in an error of a read is scrubbed', async () => {
    onRead = () => ({ status: 500, body: json({ errors: [`token ${TOKEN} and role ${ROLE_ID} broke`] }) });
    const { message } = await failureOf(resolve(), GET_FAILED, /answered 500: token \[redacted\] and role \[redacted\] broke\.$/);
    expectClean(message);
  });
});

describe('hostile shapes', () => {
  it('CR/LF in client_token: the token is refused with a clear error, never sent as a header', async () => {
    onLogin = () => ({ status: 200, body: json({ auth: { client_token: 'hvs.a\r\nX-Injected: 1', lease_duration: 60 } }) });
    await failureOf(resolve(), CONNECTION_FAILED, /answered the AppRole login with a token that cannot be sent back \(it has control characters or is not text\)/);
    expect(server.seen.filter((r) => !r.url.endsWith('/login'))).toHaveLength(0);
  });

  it('client_token not a string, or auth not an object: a clear error', async () => {
    onLogin = () => ({ status: 200, body: json({ auth: { client_token: { a: 1 }, lease_duration: 'soon' } }) });
    await failureOf(resolve(), CONNECTION_FAILED, /token that cannot be sent back/);
    onLogin = () => ({ status: 200, body: json({ auth: [1, 2] }) });
    await failureOf(resolve(), CONNECTION_FAILED, /token that cannot be sent back/);
  });

  it('a value nested 5,000 deep: a clear error, no RangeError, and it is never cached', async () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    onRead = () => ({ status: 200, body: `{"data":{"data":{"key":${deep}},"metadata":{"version":1}}}` });
    await failureOf(resolve({ cacheTtlSeconds: 300 }), GET_FAILED, /^Secret "secret\/data\/app" nests deeper than 64 levels, which no connection value needs; it was not read\. Store a flatter value\.$/);
    onRead = () => kv2({ key: 'after' });
    await expect(resolve({ cacheTtlSeconds: 300 })).resolves.toBe('after');
  });

  it('a body over the cap (1 MiB by default) is not read', async () => {
    onRead = () => ({ status: 200, body: json({ data: { data: { key: 'x'.repeat(1_100_000) }, metadata: { version: 1 } } }) });
    await failureOf(resolve(), GET_FAILED, /answered with a body larger than the connection accepts/);
    onRead = () => kv2({ key: 'y'.repeat(900_000) });
    await expect(resolve()).resolves.toHaveLength(900_000);
  });
});

describe('the options that bound a request (each test fails when its option is ignored)', () => {
  const clientWith = (extra: { timeout?: number; maxBodyBytes?: number }) => {
    const settings = parseVaultConfig({ url: server.url, roleId: ROLE_ID, secretId: SECRET_ID, ...(extra.timeout ? { requestTimeoutSeconds: extra.timeout } : {}) });
    return new VaultClient(settings, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, totalDeadlineMs: 60_000 }, clock: realRetryClock, maxBodyBytes: extra.maxBodyBytes });
  };

  it('a 1 s request timeout against a server that never answers: gives up after about 1 s, not the 10 s default', async () => {
    onRead = () => 'hang';
    const client = clientWith({ timeout: 1 });
    const started = Date.now();
    try {
      await expect(client.send({ method: 'GET', path: 'secret/data/app', namespace: '', token: TOKEN })).rejects.toMatchObject({ failure: 'timeout' });
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(900);
      expect(waited).toBeLessThan(2_500);
    } finally {
      client.close();
    }
  });

  it('maxBodyBytes: 2,000 refuses a 3,000-byte answer and takes a 1,000-byte one', async () => {
    const client = clientWith({ maxBodyBytes: 2_000 });
    try {
      onRead = () => kv2({ key: 'z'.repeat(3_000) });
      await expect(client.send({ method: 'GET', path: 'secret/data/app', namespace: '', token: TOKEN })).rejects.toMatchObject({ failure: 'too-large' });
      onRead = () => kv2({ key: 'z'.repeat(1_000) });
      await expect(client.send({ method: 'GET', path: 'secret/data/app', namespace: '', token: TOKEN })).resolves.toMatchObject({ status: 200 });
    } finally {
      client.close();
    }
  });
});

describe('valueAsText on its own (a value that reached it by another way than kv.ts)', () => {
  it.each([100, 5_000])('a key holding a value nested %i deep: a clear error, not a RangeError', (depth) => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < depth; i++) deep = [deep];
    const path = parseSecretPath('secret/data/app/key');
    const location = locateByConvention(path)!;
    expect(() => valueAsText({ key: deep }, location, path.raw)).toThrow(/^SECRET_MANAGER_GET_SECRET_FAILED: Key "key" of secret "secret\/data\/app" holds a value that cannot be written as JSON text \(nested deeper than 64 levels\)/);
  });
});

/**
 * Fuzz (issue 11.5): a server on 127.0.0.1 answers the login and the read with arbitrary JSON,
 * statuses and headers. Whatever it sends, the Vault layer answers with a value or an
 * ActivepiecesError: never a TypeError or RangeError, never an unhandled rejection.
 */
import fc from 'fast-check';
import { isActivepiecesError } from '../../src/activepieces/errors';
import { parseVaultConfig } from '../../src/config/settings';
import { silentLogger } from '../../src/logger';
import { valueAsText } from '../../src/provider/value-as-text';
import { VaultClient } from '../../src/vault/client';
import { readSecret } from '../../src/vault/kv';
import { locateByConvention, parseSecretPath } from '../../src/vault/kv-path';
import { createNetworkGuard } from '../../src/vault/network-guard';
import { realRetryClock } from '../../src/vault/retry';
import { VaultSession } from '../../src/vault/session';
import { Answer, startTinyServer, TinyServer } from '../support/tiny-server';

let server: TinyServer;
let answers: { login: Answer; read: Answer } = { login: { status: 500 }, read: { status: 500 } };
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  server = await startTinyServer((req) => (req.url.endsWith('/login') ? answers.login : answers.read));
  process.on('unhandledRejection', onUnhandled);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server.close();
});

/** Only 127.0.0.1 may be reached, and no name is ever resolved: a redirect cannot leave the machine. */
const guard = createNetworkGuard({ allowedNetworks: ['127.0.0.1/32'], env: {}, lookup: ((host: string, _o: unknown, cb: (e: Error) => void) => cb(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }))) as never });

const json = fc.jsonValue({ maxDepth: 4 });
const shaped = fc.oneof(
  json,
  fc.record({ errors: fc.oneof(json, fc.array(fc.oneof(fc.string(), json), { maxLength: 3 })) }),
  fc.record({ auth: fc.oneof(json, fc.record({ client_token: fc.oneof(fc.string(), json), lease_duration: json, num_uses: json, renewable: json, mfa_requirement: json })) }),
  fc.record({ data: fc.oneof(json, fc.record({ data: json, metadata: json })), wrap_info: json }),
);
const header = fc.stringMatching(/^[ -~]{0,30}$/).map((v) => v.trim());
const answer = fc.record({
  status: fc.oneof(fc.constantFrom(200, 204, 307, 308, 400, 403, 404, 412, 429, 500, 501, 503), fc.integer({ min: 200, max: 599 })),
  headers: fc.record(
    {
      'Retry-After': fc.oneof(header, fc.constantFrom('0', '1', 'Wed, 21 Oct 2015 07:28:00 GMT')),
      Location: fc.oneof(header.map((p) => `/${p}`), fc.constantFrom('http://127.0.0.1:1/v1/x', 'https://127.0.0.1/v1/x', 'ftp://x', '::::', 'http://10.0.0.1/v1/x', 'http://vault.example/v1/x')),
      'Content-Type': fc.constantFrom('application/json', 'text/html'),
    },
    { requiredKeys: [] },
  ),
  body: fc.oneof(shaped.map((v) => JSON.stringify(v)), fc.string({ maxLength: 50 })),
});

it('never a TypeError, RangeError or unhandled rejection', async () => {
  const settings = parseVaultConfig({ url: server.url, roleId: 'fuzz-role', secretId: 'fuzz-secret', requestTimeoutSeconds: 2 });
  const path = parseSecretPath('secret/data/app/key');
  const location = locateByConvention(path)!;
  await fc.assert(
    fc.asyncProperty(answer, answer, async (login, read) => {
      answers = { login, read };
      const client = new VaultClient(settings, { retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0, totalDeadlineMs: 50 }, clock: { ...realRetryClock, sleep: async () => undefined }, guard });
      const session = new VaultSession(client, settings, Date.now, silentLogger);
      try {
        const outcome = await readSecret(session, settings, location, path.raw, silentLogger);
        if (outcome.kind === 'found') valueAsText(outcome.data, location, path.raw);
      } catch (err) {
        if (!isActivepiecesError(err)) throw err;
      } finally {
        client.close();
      }
    }),
    { numRuns: 150 },
  );
  await new Promise((r) => setImmediate(r));
  expect(unhandled).toEqual([]);
});

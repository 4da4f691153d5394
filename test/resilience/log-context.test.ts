/**
 * Every log line of a resolve carries its connection id and a request id (nanoid), retries
 * included, so an operator can follow one flow run's Vault traffic.
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider } from '../../src';
import { CapturingLogger } from '../support/capturing-logger';
import { startProvisionedDouble } from '../support/fixtures';
import type { VaultTarget } from '../support/vault-target';
import type { VaultDouble } from '../../src/testing/vault-double';

let target: VaultTarget & { double: VaultDouble };
let kvMount: string;
let config: HashicorpVaultConfig;
let logger: CapturingLogger;
let provider: HashicorpVaultProvider;

beforeAll(async () => {
  ({ target, kvMount, config } = await startProvisionedDouble());
  await target.admin.putKv2(kvMount, 'app/api', { key: 'log-context-value' });
});
afterAll(async () => target.stop());
beforeEach(() => {
  logger = new CapturingLogger();
  provider = createHashicorpVaultProvider({ logger, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
  target.double.faults.clear();
});
afterEach(async () => provider.close());

it('tags login, retry and read log lines of one resolve with the same request id and the connection id', async () => {
  target.double.faults.add({ match: { method: 'GET', path: `/v1/${kvMount}/data/app/api` }, kind: 'status', status: 502, times: 1 });
  await expect(provider.resolve({ connectionId: 'conn-7', config, path: `${kvMount}/data/app/api/key` })).resolves.toBe('log-context-value');

  const retries = logger.find(/retrying request/);
  expect(retries).toHaveLength(1);
  expect(retries[0].fields).toMatchObject({ connectionId: 'conn-7', status: 502, attempt: 1 });
  const login = logger.find(/logged in with AppRole/);
  expect(login).toHaveLength(1);
  const requestId = retries[0].fields.requestId;
  expect(requestId).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{12}$/));
  expect(login[0].fields.requestId).toBe(requestId);
});

it('gives each resolve its own request id', async () => {
  target.double.faults.add({ match: { method: 'GET' }, kind: 'status', status: 500, times: 1 });
  await provider.resolve({ connectionId: 'a', config, path: `${kvMount}/data/app/api/key` });
  target.double.faults.add({ match: { method: 'GET' }, kind: 'status', status: 500, times: 1 });
  await provider.resolve({ connectionId: 'b', config, path: `${kvMount}/data/app/api/key` });
  const ids = logger.find(/retrying request/).map((l) => [l.fields.connectionId, l.fields.requestId]);
  expect(ids).toHaveLength(2);
  expect(ids[0][0]).toBe('a');
  expect(ids[1][0]).toBe('b');
  expect(ids[0][1]).not.toBe(ids[1][1]);
});

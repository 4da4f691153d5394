/**
 * A hanging Vault is not 30 s of silence: each retry is a progress line on stderr, never on
 * --json's stdout. And the provider's messages are worded for the command line.
 */
import { ExitCode, main } from '../../src/cli';
import { progressLine, progressLogger } from '../../src/cli/progress';
import { cliWording } from '../../src/cli/wording';
import { parseVaultConfig } from '../../src/config/settings';
import { VaultNetworkError } from '../../src/vault/http';
import { loginFailureMessage, networkFailureMessage } from '../../src/vault/messages';
import { normaliseCa } from '../../src/config/normalise';
import { captureIo } from './capture-io';
import { startSilentServer } from './health-server';

describe('progress lines while a request is retried', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => silent.stop());

  it('check --json against a Vault that never answers: one JSON document on stdout, the retries on stderr', async () => {
    const io = captureIo({ VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' });
    const code = await main(['check', '--url', silent.url, '--timeout', '1', '--json'], io);
    expect(code).toBe(ExitCode.UNAVAILABLE);
    const doc = JSON.parse(io.stdoutText());
    expect(doc.steps).toEqual([{ id: 'reachable', title: 'Vault reachable', status: 'fail', detail: expect.stringMatching(/did not answer within 1 s\. .*raise --timeout <seconds>\.$/) }]);
    expect(io.err).toEqual([
      'ap-vault: sys/health: no answer after 1 s, attempt 2 of 3…',
      'ap-vault: sys/health: no answer after 1 s, attempt 3 of 3…',
    ]);
    expect(silent.connections()).toBe(3);
  }, 15_000);

  it('resolve: the provider’s retries (its logger) are progress lines too, then the failure', async () => {
    const io = captureIo({ VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' });
    const code = await main(['resolve', 'secret/data/app/db/password', '--url', silent.url, '--timeout', '1'], io);
    expect(code).toBe(ExitCode.UNAVAILABLE);
    expect(io.err.slice(0, 2)).toEqual([
      'ap-vault: auth/approle/login: no answer after 1 s, attempt 2 of 3…',
      'ap-vault: auth/approle/login: no answer after 1 s, attempt 3 of 3…',
    ]);
    expect(io.err[2]).toMatch(/^ap-vault: Vault at http:\S+ did not answer within 1 s\./);
    expect(io.out).toEqual([]);
  }, 15_000);

  it('the provider’s retry line, as the client logs it, becomes one stderr line; other log lines none', () => {
    const io = captureIo();
    const logger = progressLogger(io, { timeoutSeconds: 10, maxAttempts: 3 });
    logger.info({ path: 'secret/data/app?version=2', attempt: 1, delayMs: 150, status: 503, failure: undefined }, 'vault: retrying request');
    logger.info({ path: 'auth/approle/login' }, 'vault: logged in with AppRole');
    logger.warn({ path: 'x' }, 'vault: something');
    expect(io.err).toEqual(['ap-vault: secret/data/app: Vault answered 503 (unavailable), attempt 2 of 3…']);
    expect(io.out).toEqual([]);
  });

  it.each([
    [{ path: 'sys/mounts', attempt: 2, delayMs: 3000, failure: 'refused' }, 'ap-vault: sys/mounts: connection refused, attempt 3 of 3 in 3 s…'],
    [{ path: 'sys/mounts', attempt: 1, delayMs: 10, failure: 'reset' }, 'ap-vault: sys/mounts: connection closed before an answer, attempt 2 of 3…'],
    [{ path: 'sys/mounts', attempt: 1, delayMs: 10, status: 429 }, 'ap-vault: sys/mounts: Vault answered 429 (rate limited), attempt 2 of 3…'],
    [{ path: 'sys/mounts', attempt: 1, delayMs: 10, failure: 'timeout' }, 'ap-vault: sys/mounts: no answer after 7 s, attempt 2 of 3…'],
  ])('%j', (fields, line) => {
    expect(progressLine(fields, { timeoutSeconds: 7, maxAttempts: 3 })).toBe(line);
  });
});

describe('messages worded for the command line', () => {
  const settings = parseVaultConfig({ url: 'https://vault.example:8200', roleId: 'r', secretId: 's' });

  it('an untrusted certificate names --ca-cert and VAULT_CACERT, not a form option', () => {
    const text = cliWording(networkFailureMessage(new VaultNetworkError('tls', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), settings));
    expect(text).toBe('TLS to https://vault.example:8200 failed: Vault\'s certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE). '
      + 'Pass the file of the CA certificate (PEM) that issued it with --ca-cert <file> or VAULT_CACERT (private PKI).');
  });

  it('with a CA given that did not sign it', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    const withCa = parseVaultConfig({ url: 'https://vault.example:8200', roleId: 'r', secretId: 's', caCertificate: normaliseCa(pem) });
    const text = cliWording(networkFailureMessage(new VaultNetworkError('tls', 'SELF_SIGNED_CERT_IN_CHAIN'), withCa));
    expect(text).toMatch(/The CA certificate given with --ca-cert \/ VAULT_CACERT did not sign it: give the file of the CA \(PEM\) that issued Vault's certificate/);
    expect(text).not.toMatch(/option|connection did not/);
  });

  it('the timeout, the AppRole mount and the namespace as flags', () => {
    expect(cliWording(networkFailureMessage(new VaultNetworkError('timeout', 'ETIMEDOUT'), settings))).toMatch(/raise --timeout <seconds>\.$/);
    const res = { status: 400, body: { errors: ['invalid role or secret ID'] }, errors: ['invalid role or secret ID'], hops: [] };
    const notEnabled = cliWording(loginFailureMessage(res, settings, 'not-enabled'));
    expect(notEnabled).toMatch(/or pass --approle-mount <path> with where it is enabled\. If the AppRole lives in a Vault Enterprise namespace, pass --namespace \(or --auth-namespace\)\.$/);
    expect(cliWording(loginFailureMessage({ status: 403, body: { errors: ['permission denied'] }, errors: ['permission denied'], hops: [] }, settings, 'not-enabled-or-locked'))).toMatch(/or pass --approle-mount <path>\), or the role/);
    const ns = parseVaultConfig({ url: 'https://vault.example:8200', roleId: 'r', secretId: 's', namespace: 'team-x' });
    expect(cliWording(loginFailureMessage({ status: 404, body: { errors: ['namespace not found'] }, errors: ['namespace not found'], hops: [] }, ns, 'other'))).toMatch(/Check --namespace \(or VAULT_NAMESPACE\) \(child namespaces/);
  });

  it('config field names as flags', () => {
    expect(cliWording('requestTimeoutSeconds must be between 1 and 300.')).toBe('--timeout must be between 1 and 300.');
    expect(cliWording('caCertificate must be a PEM certificate (-----BEGIN CERTIFICATE----- ...).')).toMatch(/^The --ca-cert file \(or VAULT_CACERT\) must be a PEM/);
  });

  it('a VALIDATION error of resolve is worded for the CLI too', async () => {
    const io = captureIo({ VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' });
    expect(await main(['resolve', 'secret/data/a/b', '--url', 'http://127.0.0.1:1', '--timeout', '0'], io)).toBe(ExitCode.USAGE);
    expect(io.stderrText()).toMatch(/^ap-vault: --timeout must be between/);
  });
});

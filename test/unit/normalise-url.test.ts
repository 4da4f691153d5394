/**
 * The Vault URL as the admin types it: the commonest mistakes (no scheme, a URL copied with /v1 or
 * from the web UI, a query) are VALIDATION errors with the corrected URL, when the config is parsed.
 */
import { ErrorCode } from '../support/activepieces';
import { normaliseUrl } from '../../src/config/normalise';
import { parseVaultConfig } from '../../src/config/settings';

function failureOf(input: string): { code: string; message: string } {
  try {
    normaliseUrl(input);
  } catch (err) {
    const e = err as { error: { code: string; params: { message: string } } };
    return { code: e.error.code, message: e.error.params.message };
  }
  throw new Error(`expected ${input} to be rejected`);
}

describe('accepted URLs', () => {
  it.each([
    ['https://vault.example.com:8200', 'https://vault.example.com:8200'],
    ['  https://vault.example.com:8200/  ', 'https://vault.example.com:8200'],
    ['http://127.0.0.1:8200', 'http://127.0.0.1:8200'],
    // A reverse proxy that serves Vault under a prefix: kept, so requests go to <prefix>/v1/...
    ['https://gateway.example/vault', 'https://gateway.example/vault'],
    ['https://gateway.example/teams/vault/', 'https://gateway.example/teams/vault'],
    // Segments that only contain v1/ui are not cut.
    ['https://gateway.example/v10', 'https://gateway.example/v10'],
    ['https://gateway.example/guide', 'https://gateway.example/guide'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseUrl(input)).toBe(expected);
  });
});

describe('a URL without a scheme: "add https://" with the corrected URL', () => {
  it.each([
    ['vault.example:8200', 'https://vault.example:8200'],
    ['vault.example', 'https://vault.example'],
    ['127.0.0.1:8200', 'https://127.0.0.1:8200'],
    ['localhost:8200/', 'https://localhost:8200'],
    // Two mistakes at once: the suggestion fixes both.
    ['vault.example:8200/v1/', 'https://vault.example:8200'],
    ['vault.example:8200/ui/vault/secrets?x=1', 'https://vault.example:8200'],
  ])('%s', (input, corrected) => {
    const { code, message } = failureOf(input);
    expect(code).toBe(ErrorCode.VALIDATION);
    expect(message).toBe(`The Vault URL has no scheme: add https:// (or http:// if Vault listens without TLS), e.g. ${corrected}`);
  });

  it('says "not a valid URL" when adding https:// does not help', () => {
    expect(failureOf('vault example').message).toBe('The Vault URL is not a valid URL. Use the form https://vault.example.com:8200.');
    expect(failureOf('http:vault').message).toMatch(/not a valid URL/);
  });

  it('never echoes user info it was given without a scheme', () => {
    const { message } = failureOf('admin:s3cr3t-pw@vault.example:8200');
    expect(message).not.toContain('s3cr3t-pw');
  });
});

describe('/v1, /ui, a query or a fragment: VALIDATION with the corrected URL', () => {
  it.each([
    ['https://vault.example:8200/v1', 'must not include the API prefix /v1', 'https://vault.example:8200'],
    ['https://vault.example:8200/v1/', 'must not include the API prefix /v1', 'https://vault.example:8200'],
    ['https://vault.example:8200/v1/secret/data/crm', 'must not include the API prefix /v1', 'https://vault.example:8200'],
    ['https://gateway.example/vault/v1', 'must not include the API prefix /v1', 'https://gateway.example/vault'],
    ['https://vault.example:8200/ui/', "points at Vault's web UI (/ui)", 'https://vault.example:8200'],
    ['https://vault.example:8200/ui/vault/secrets/secret/kv/list', "points at Vault's web UI (/ui)", 'https://vault.example:8200'],
    ['https://vault.example:8200/UI', "points at Vault's web UI (/UI)", 'https://vault.example:8200'],
    ['https://vault.example:8200/?token=hvs.PLANTED', 'must not contain a query (?) or fragment (#)', 'https://vault.example:8200'],
    ['https://vault.example:8200/#/vault', 'must not contain a query (?) or fragment (#)', 'https://vault.example:8200'],
    ['https://vault.example:8200?', 'must not contain a query (?) or fragment (#)', 'https://vault.example:8200'],
  ])('%s', (input, problem, corrected) => {
    const { code, message } = failureOf(input);
    expect(code).toBe(ErrorCode.VALIDATION);
    expect(message).toContain(problem);
    expect(message.endsWith(` ${corrected}`)).toBe(true);
    expect(message).not.toContain('PLANTED');
  });

  it('is raised when the config is parsed, so no request is ever made with it', () => {
    expect(() => parseVaultConfig({ url: 'https://vault.example:8200/v1/', roleId: 'r', secretId: 's' })).toThrow(/API prefix \/v1/);
  });
});

describe('other schemes and credentials, as before', () => {
  it.each([
    ['ftp://vault:8200', 'The Vault URL must start with http:// or https://, not ftp://.'],
    ['https://user:pw@vault:8200', 'The Vault URL must not contain a user name or password.'],
  ])('%s', (input, message) => {
    expect(failureOf(input).message).toBe(message);
  });
});

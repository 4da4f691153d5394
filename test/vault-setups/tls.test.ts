/**
 * TLS: the double's HTTPS listener, whose CA is made at test time. Vault behind a private CA is
 * reached with the `caCertificate` option; without it, with the wrong CA, with a host name the
 * certificate does not carry, or with the wrong scheme, the error says which of these it is.
 * `tlsSkipVerify` works and logs a warning.
 */
import { createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider, Logger } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import type { VaultDouble } from '../../src/testing/vault-double';
import { generateTlsMaterial } from '../../src/testing/vault-double/tls';
import { configOf, expectNoCredentials, failureOf, providerTraffic } from './support';

const CONNECTION_FAILED = ErrorCode.SECRET_MANAGER_CONNECTION_FAILED;

let target: VaultTarget & { double: VaultDouble };
let provider: HashicorpVaultProvider;
let config: HashicorpVaultConfig;
let path: string;
let caPem: string;
let otherCaPem: string;

beforeAll(async () => {
  target = await startDouble({ tls: true });
  caPem = target.double.caCertificatePem!;
  otherCaPem = (await generateTlsMaterial()).caCertPem;
  const setup = await provisionAppRole(target.admin);
  await target.admin.putKv2(setup.kvMount, 'app', { key: 'over-tls' });
  config = configOf(target.url, setup.credentials, { appRoleMount: setup.approleMount });
  path = `${setup.kvMount}/data/app/key`;
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
  target.double.clearRequests();
});
afterEach(async () => provider.close());

const resolve = (c: HashicorpVaultConfig) => provider.resolve({ connectionId: 'c1', config: c, path });
const entryPoints: Array<[string, (c: HashicorpVaultConfig) => Promise<unknown>]> = [
  ['validate', (c) => provider.validate({ config: c })],
  ['resolve', resolve],
];

it('reads through TLS with the CA certificate option', async () => {
  await expect(resolve({ ...config, caCertificate: caPem })).resolves.toBe('over-tls');
  await expect(provider.validate({ config: { ...config, caCertificate: `\n  ${caPem}  \n` } })).resolves.toMatchObject({ url: target.url });
});

describe.each(entryPoints)('on %s', (_name, call) => {
  it('a certificate signed by an unknown CA, and no CA given', async () => {
    await failureOf(call(config), CONNECTION_FAILED, new RegExp(`^TLS to ${target.url} failed: Vault's certificate is not trusted \\([A-Z_]+\\)\\. Paste the CA certificate \\(PEM\\) that issued it in the CA certificate option \\(private PKI\\)\\.$`));
    expect(providerTraffic(target.double)).toEqual([]); // the handshake failed: no request reached Vault
  });

  it('a CA certificate that did not sign Vault\'s certificate', async () => {
    await failureOf(call({ ...config, caCertificate: otherCaPem }), CONNECTION_FAILED, /^TLS to .* failed: Vault's certificate is not trusted \([A-Z_]+\)\. The CA certificate in the connection did not sign it: paste the CA \(PEM\) that issued Vault's certificate, with any intermediate CAs\.$/);
  });

  it('a host name the certificate was not issued for', async () => {
    const otherName = target.url.replace('127.0.0.1', '[::ffff:7f00:1]'); // the same socket, another name
    await failureOf(call({ ...config, url: otherName, caCertificate: caPem }), CONNECTION_FAILED, /^TLS to https:\/\/\[::ffff:7f00:1\]:\d+ failed: Vault's certificate does not name the host "\[::ffff:7f00:1\]" \(ERR_TLS_CERT_ALTNAME_INVALID\)\. Use a host name the certificate was issued for\.$/);
  });

  it('http:// to a TLS listener', async () => {
    const plain = target.url.replace('https:', 'http:');
    await failureOf(call({ ...config, url: plain }), CONNECTION_FAILED, new RegExp(`^Vault at ${plain} closed the connection before answering \\([A-Z_]+\\)\\. If Vault serves TLS, the URL must start with https://\\.`));
  });
});

it('https:// to a listener without TLS', async () => {
  const plain = await startDouble();
  try {
    const url = plain.url.replace('http:', 'https:');
    await failureOf(provider.validate({ config: { ...config, url } }), CONNECTION_FAILED, new RegExp(`^TLS to ${url} failed: the server did not answer in TLS \\([A-Z_]+\\)\\. If Vault listens without TLS \\(tls_disable\\), the URL must start with http://\\.$`));
  } finally {
    await plain.stop();
  }
});

describe('tlsSkipVerify', () => {
  it.each([true, 'true'])('%j reads without a CA, and warns once per connection without credentials', async (tlsSkipVerify) => {
    const warnings: string[] = [];
    const record = (obj: Record<string, unknown>, msg: string) => warnings.push(`${msg} ${JSON.stringify(obj)}`);
    const logger: Logger = { debug: () => undefined, info: () => undefined, warn: record, error: record };
    const skipping = createHashicorpVaultProvider({ logger, retry: { maxAttempts: 1 } });
    try {
      const c = { ...config, tlsSkipVerify };
      await expect(skipping.resolve({ connectionId: 'c1', config: c, path })).resolves.toBe('over-tls');
      await expect(skipping.resolve({ connectionId: 'c1', config: c, path })).resolves.toBe('over-tls');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/TLS certificate verification is OFF for this connection/);
      expectNoCredentials(warnings[0], { roleId: config.roleId, secretId: config.secretId });
    } finally {
      await skipping.close();
    }
  });

  it.each([false, 'false', ''])('%j verifies as usual', async (tlsSkipVerify) => {
    await failureOf(resolve({ ...config, tlsSkipVerify }), CONNECTION_FAILED, /Vault's certificate is not trusted/);
  });
});

it('a CA certificate that is not PEM is refused before any request', async () => {
  await failureOf(resolve({ ...config, caCertificate: 'MIIBszCCAVmgAwIBAgIU' }), ErrorCode.VALIDATION, /^caCertificate must be a PEM certificate \(-----BEGIN CERTIFICATE----- \.\.\.\)\.$/);
  expect(providerTraffic(target.double)).toEqual([]);
});

/**
 * node-vault, isolated: its `debug` output (which prints request bodies, the Secret ID among them,
 * when DEBUG=node-vault) stays silent, and the VAULT_* variables it would read from the
 * environment change nothing about a connection.
 */
import nodeVault from 'node-vault';
import { createHashicorpVaultProvider, HashicorpVaultConfig } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { unusedLocalUrl, VaultDouble } from '../../src/testing/vault-double';
import { startDouble, VaultTarget } from '../support/vault-target';
import { leaksIn, planted, provisionPlantedAppRole } from './planted';

/** The `debug` package as node-vault loads it (same module registry). */
const debug = jest.requireActual<{ enable(namespaces: string): void; disable(): string }>('debug');

const VAULT_ENV = ['VAULT_TOKEN', 'VAULT_ADDR', 'VAULT_NAMESPACE', 'VAULT_SKIP_VERIFY', 'VAULT_PREFIX', 'DEBUG'] as const;
const savedEnv = Object.fromEntries(VAULT_ENV.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of VAULT_ENV) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

let target: VaultTarget & { double: VaultDouble };
let config: HashicorpVaultConfig;
let path: string;
let value: string;

beforeAll(async () => {
  target = await startDouble();
  const setup = await provisionPlantedAppRole(target.admin);
  value = planted('value');
  await target.admin.putKv2(setup.kvMount, 'app', { key: value });
  config = { url: target.url, appRoleMount: setup.approleMount, ...setup.credentials };
  path = `${setup.kvMount}/data/app/key`;
});
afterAll(async () => target.stop());
beforeEach(() => target.double.clearRequests());

describe('DEBUG=node-vault', () => {
  it('prints nothing, where node-vault left to itself prints the Secret ID', async () => {
    process.env.DEBUG = 'node-vault';
    debug.enable('node-vault');
    const written: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      // Control: node-vault with its own debug (and a stub transport, no network) prints the body.
      const controlSecret = planted('control');
      const stub = { defaults: () => async () => ({ statusCode: 200, body: {}, request: { path: '/' } }) };
      await nodeVault({ endpoint: 'http://127.0.0.1:1', 'request-promise': stub } as never).write('auth/approle/login', { secret_id: controlSecret });
      expect(written.join('')).toContain(controlSecret);
      written.length = 0;

      const provider = createHashicorpVaultProvider();
      await provider.validate({ config });
      await expect(provider.resolve({ connectionId: 'c1', config, path })).resolves.toBe(value);
      await provider.validate({ config: { ...config, secretId: planted('wrong') } }).catch(() => undefined);
      await provider.close();
      expect(written).toEqual([]);
    } finally {
      stderr.mockRestore();
      debug.disable();
    }
  });
});

describe('VAULT_* environment variables', () => {
  it('VAULT_TOKEN, VAULT_ADDR, VAULT_NAMESPACE and VAULT_PREFIX change nothing', async () => {
    // A root token that would work, an address and a prefix that would not, a namespace that does not exist.
    process.env.VAULT_TOKEN = target.double.rootToken;
    process.env.VAULT_ADDR = await unusedLocalUrl();
    process.env.VAULT_NAMESPACE = 'planted-namespace';
    process.env.VAULT_PREFIX = '/planted-prefix';
    process.env.VAULT_SKIP_VERIFY = 'true';
    const provider = createHashicorpVaultProvider();
    try {
      await provider.validate({ config });
      await expect(provider.resolve({ connectionId: 'c1', config, path })).resolves.toBe(value);
    } finally {
      await provider.close();
    }
    const requests = target.double.requests;
    expect(requests.length).toBeGreaterThanOrEqual(5);
    for (const r of requests) {
      expect(r).toMatchObject({ admin: false, namespace: '' });
      expect(r.path).not.toContain('planted-prefix');
    }
    // Logins carry no token at all (not even the one in VAULT_TOKEN).
    expect(requests.filter((r) => r.path.endsWith('/login')).map((r) => r.hadToken)).toEqual([false, false]);
    expect(leaksIn(JSON.stringify(requests), [target.double.rootToken])).toEqual([]);
  });

  it('VAULT_SKIP_VERIFY does not turn off TLS certificate verification', async () => {
    const tls = await startDouble({ tls: true });
    try {
      const setup = await provisionPlantedAppRole(tls.admin);
      const tlsConfig = { url: tls.url, appRoleMount: setup.approleMount, ...setup.credentials };
      process.env.VAULT_SKIP_VERIFY = 'true';
      const provider = createHashicorpVaultProvider({ retry: { maxAttempts: 1 } });
      try {
        await expect(provider.validate({ config: tlsConfig })).rejects.toMatchObject({
          error: { code: ErrorCode.SECRET_MANAGER_CONNECTION_FAILED, params: { message: expect.stringMatching(/^TLS to .* failed: .*certificate is not trusted/) } },
        });
        await expect(provider.validate({ config: { ...tlsConfig, caCertificate: tls.double.caCertificatePem } })).resolves.toMatchObject({ url: tls.url });
      } finally {
        await provider.close();
      }
    } finally {
      await tls.stop();
    }
  });
});

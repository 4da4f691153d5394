/**
 * The provider's network guard, end to end: with no allow list (as a tenant's admin would meet
 * it on a multi-tenant server), every loopback notation is refused before any socket is opened,
 * on validate and on resolve; the allow list (option or AP_SSRF_ALLOW_LIST) lets it through.
 */
import * as net from 'node:net';
import { createHashicorpVaultProvider } from '../../src';
import { ErrorCode } from '../support/activepieces';

let server: net.Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => (connections = 0));

const config = (url: string) => ({ url, roleId: 'role-id-guard-1', secretId: 'secret-id-guard-2' });
const loopbackUrls = () => [
  `http://127.0.0.1:${port}`, `http://2130706433:${port}`, `http://0x7f.0.0.1:${port}`, `http://127.1:${port}`,
  `http://0177.0.0.1:${port}`, `http://[::ffff:127.0.0.1]:${port}`, `http://localhost:${port}`,
];

it.each([['validate'], ['resolve']])('%s: every loopback notation is refused with the way to allow it, and no socket is opened', async (entry) => {
  const provider = createHashicorpVaultProvider({ environment: {}, retry: { maxAttempts: 1 } });
  try {
    for (const url of loopbackUrls()) {
      const call = entry === 'validate'
        ? provider.validate({ config: config(url) })
        : provider.resolve({ connectionId: 'c1', config: config(url), path: 'secret/data/app/key' });
      const err = await call.catch((e: unknown) => e);
      expect(err).toMatchObject({
        error: { code: ErrorCode.SECRET_MANAGER_CONNECTION_FAILED, params: { message: expect.stringMatching(/^Not connecting( to localhost)?: \S+ is a loopback address\..*AP_SSRF_ALLOW_LIST.*allowedNetworks/) } },
      });
    }
    expect(connections).toBe(0);
  } finally {
    await provider.close();
  }
});

it('allowed by the allowedNetworks option: the request goes out (and meets a server that is not Vault)', async () => {
  const provider = createHashicorpVaultProvider({ environment: {}, allowedNetworks: ['127.0.0.0/8'], retry: { maxAttempts: 1 } });
  try {
    await expect(provider.validate({ config: config(`http://2130706433:${port}`) })).rejects.toMatchObject({
      error: { params: { message: expect.not.stringMatching(/Not connecting/) } },
    });
    expect(connections).toBeGreaterThan(0);
  } finally {
    await provider.close();
  }
});

it('allowed by AP_SSRF_ALLOW_LIST in the provider\'s environment', async () => {
  const provider = createHashicorpVaultProvider({ environment: { AP_SSRF_ALLOW_LIST: '10.0.0.0/8, 127.0.0.1' }, retry: { maxAttempts: 1 } });
  try {
    await provider.validate({ config: config(`http://127.0.0.1:${port}`) }).catch(() => undefined);
    expect(connections).toBeGreaterThan(0);
  } finally {
    await provider.close();
  }
});

it('the cloud metadata address is named as such', async () => {
  const provider = createHashicorpVaultProvider({ environment: {}, retry: { maxAttempts: 1 } });
  try {
    await expect(provider.validate({ config: config('http://169.254.169.254') })).rejects.toMatchObject({
      error: { params: { message: expect.stringMatching(/169\.254\.169\.254 is a link-local address \(the cloud metadata service\)/) } },
    });
  } finally {
    await provider.close();
  }
});

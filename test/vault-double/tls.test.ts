// TLS mode: a CA generated at start-up signs the server certificate (SAN IP 127.0.0.1, DNS localhost).
import * as https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { VaultDouble } from '../../src/testing/vault-double/index';

let v: VaultDouble;
beforeAll(async () => {
  v = await VaultDouble.start({ tls: true });
});
afterAll(async () => v.stop());

function get(url: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS', () => {
  it('serves https and exposes the CA certificate', () => {
    expect(v.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(v.caCertificatePem).toContain('-----BEGIN CERTIFICATE-----');
    expect(new X509Certificate(v.caCertificatePem!).ca).toBe(true);
  });

  it('a client trusting the CA connects (by IP and by localhost)', async () => {
    expect((await get(`${v.url}/v1/sys/health`, v.caCertificatePem)).status).toBe(200);
    const port = new URL(v.url).port;
    expect((await get(`https://localhost:${port}/v1/sys/health`, v.caCertificatePem)).status).toBe(200);
  });

  it('a client without the CA fails verification', async () => {
    await expect(get(`${v.url}/v1/sys/health`)).rejects.toMatchObject({ code: expect.stringMatching(/CERT|SELF_SIGNED|UNABLE/) });
  });

  it('Vault endpoints work over TLS, LIST included', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = https.request(`${v.url}/v1/sys/policies/acl`, { method: 'LIST', ca: v.caCertificatePem, agent: false, headers: { 'X-Vault-Token': v.rootToken } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(res).toBe(200);
  });
});

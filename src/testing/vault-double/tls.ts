// TLS material generated at start-up: a throw-away CA and a server certificate it signed
// (SAN IP:127.0.0.1, DNS:localhost). EC P-256 keys keep this well under a second.

export interface TlsMaterial {
  caCertPem: string;
  key: string;
  cert: string;
}

const DAY_MS = 86_400_000;

export async function generateTlsMaterial(): Promise<TlsMaterial> {
  const { generate } = await loadSelfsigned();
  // real wall clock on purpose: certificate validity is checked against the OS clock
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const notAfterDate = new Date(Date.now() + 30 * DAY_MS);
  const base = { keyType: 'ec' as const, curve: 'P-256' as const, algorithm: 'sha256', notBeforeDate, notAfterDate };
  const ca = await generate([{ name: 'commonName', value: 'vault-double test CA' }], {
    ...base,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...base,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { caCertPem: ca.cert, key: server.private, cert: server.cert };
}

/** `selfsigned` is an optional peer dependency: only a double started with `tls: true` needs it. */
async function loadSelfsigned(): Promise<typeof import('selfsigned')> {
  try {
    return await import('selfsigned');
  } catch {
    throw new Error('VaultDouble.start({ tls: true }) needs the package "selfsigned" (npm i -D selfsigned).');
  }
}

/**
 * Pieces published on npm, with their connection values held in Vault (the double):
 * - @activepieces/piece-image-router 0.1.8: PieceAuth.SecretText
 * - @activepieces/piece-totalcms 0.2.0: PieceAuth.CustomAuth { domain, license }, whose validate
 *   calls `<domain>/rw_common/plugins/stacks/total-cms/totalapi.php` — pointed here at a local
 *   stand-in on 127.0.0.1, so the piece's own validate runs without leaving the machine
 * - @activepieces/piece-pdfcrowd 0.2.0: PieceAuth.BasicAuth
 * The validate functions of image-router and pdfcrowd call fixed public hosts, so they are not run.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  BasicAuthConnectionValue, CustomAuthConnectionValue, SecretTextConnectionValue,
} from '@activepieces/shared/src/lib/automation/app-connection/app-connection';
import { AppConnectionType } from '@activepieces/shared/src/lib/automation/app-connection/app-connection';
import {
  createHashicorpVaultProvider, formatSecretReference, HashicorpVaultProvider, resolveConnectionValue, ResolveContext,
} from '../../src';
import { SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';
import type { VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import { connectionConfig } from '../support/fixtures';
import { loadPublishedPiece, problemsAgainstAuth, PublishedPiece } from './published-pieces';

const VAULT_CONNECTION = 'vault-prod';
const STORED = {
  imageRouterKey: 'ir-key-7f3a9c',
  license: 'tcms-license-42b1',
  pdfcrowdUser: 'acme-pdf',
  pdfcrowdKey: 'pdf-key-91ce',
};

let target: VaultTarget & { double: VaultDouble };
let setup: Awaited<ReturnType<typeof provisionAppRole>>;
let provider: HashicorpVaultProvider;
let context: ResolveContext;
let totalCms: { url: string; keysSeen: string[]; close(): Promise<void> };
let pieces: { imageRouter: PublishedPiece; totalcms: PublishedPiece; pdfcrowd: PublishedPiece };

const ref = (secretAndKey: string) => formatSecretReference({ connectionId: VAULT_CONNECTION, path: `${setup.kvMount}/data/${secretAndKey}` });

beforeAll(async () => {
  pieces = {
    imageRouter: loadPublishedPiece('@activepieces/piece-image-router', 'imageRouter'),
    totalcms: loadPublishedPiece('@activepieces/piece-totalcms', 'totalcms'),
    pdfcrowd: loadPublishedPiece('@activepieces/piece-pdfcrowd', 'pdfcrowd'),
  };
  totalCms = await startTotalCmsStandIn(STORED.license);
  target = await startDouble();
  setup = await provisionAppRole(target.admin);
  await target.admin.putKv2(setup.kvMount, 'image-router', { api_key: STORED.imageRouterKey });
  await target.admin.putKv2(setup.kvMount, 'totalcms', { domain: totalCms.url, license: STORED.license, old_license: 'tcms-revoked-0000' });
  await target.admin.putKv2(setup.kvMount, 'pdfcrowd', { username: STORED.pdfcrowdUser, api_key: STORED.pdfcrowdKey });
  provider = createHashicorpVaultProvider();
  const config = connectionConfig(target.url, setup);
  context = {
    platformId: 'plat-1',
    projectId: 'proj-1',
    providers: [provider],
    getConnection: (id) =>
      id === VAULT_CONNECTION
        ? { id, platformId: 'plat-1', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config }
        : null,
  };
});
afterAll(async () => {
  await provider?.close();
  await target?.stop();
  await totalCms?.close();
});

describe('PieceAuth.SecretText: @activepieces/piece-image-router', () => {
  it('the piece takes a required SECRET_TEXT connection', () => {
    expect(pieces.imageRouter.auth).toMatchObject({ type: 'SECRET_TEXT', required: true });
  });

  it('a connection value holding a reference resolves to what the piece asks for', async () => {
    const value: SecretTextConnectionValue = { type: AppConnectionType.SECRET_TEXT, secret_text: ref('image-router/api_key') };
    expect(problemsAgainstAuth(pieces.imageRouter.auth, value)).toEqual(['secret_text still holds a secret reference']);
    const resolved = await resolveConnectionValue(value, context);
    expect(resolved).toEqual({ type: AppConnectionType.SECRET_TEXT, secret_text: STORED.imageRouterKey });
    expect(problemsAgainstAuth(pieces.imageRouter.auth, resolved)).toEqual([]);
  });
});

describe('PieceAuth.CustomAuth: @activepieces/piece-totalcms', () => {
  it('the piece takes CUSTOM_AUTH with two required props, domain (text) and license (secret text)', () => {
    const { auth } = pieces.totalcms;
    expect(auth.type).toBe('CUSTOM_AUTH');
    expect(Object.fromEntries(Object.entries(auth.props ?? {}).map(([k, p]) => [k, [p.type, p.required]]))).toEqual({
      domain: ['SHORT_TEXT', true],
      license: ['SECRET_TEXT', true],
    });
  });

  it("both props come from Vault, fit the piece's props, and pass the piece's own validate", async () => {
    const value: CustomAuthConnectionValue = { type: AppConnectionType.CUSTOM_AUTH, props: { domain: ref('totalcms/domain'), license: ref('totalcms/license') } };
    const resolved = await resolveConnectionValue(value, context);
    expect(resolved.props).toEqual({ domain: totalCms.url, license: STORED.license });
    expect(problemsAgainstAuth(pieces.totalcms.auth, resolved)).toEqual([]);
    // As these pieces' code shows, validate receives the props (custom auth) or the text (secret text).
    await expect(runValidate(pieces.totalcms, resolved.props)).resolves.toEqual({ valid: true });
    expect(totalCms.keysSeen.at(-1)).toBe(STORED.license);
  });

  it("the piece's validate fails for a license that Vault holds but the service refuses", async () => {
    const value: CustomAuthConnectionValue = { type: AppConnectionType.CUSTOM_AUTH, props: { domain: ref('totalcms/domain'), license: ref('totalcms/old_license') } };
    const resolved = await resolveConnectionValue(value, context);
    // The piece's HTTP client throws on the 403 before validate can word it; either way it is not valid.
    await expect(runValidate(pieces.totalcms, resolved.props)).rejects.toThrow(/"status":403/);
    expect(totalCms.keysSeen.at(-1)).toBe('tcms-revoked-0000');
  });

  it('an unresolved value is caught by the auth check before any validate', async () => {
    const kept = await resolveConnectionValue(
      { type: AppConnectionType.CUSTOM_AUTH, props: { domain: ref('totalcms/domain'), license: ref('totalcms/no_such_key') } } as CustomAuthConnectionValue,
      { ...context, onFailure: 'keep-reference' },
    );
    expect(problemsAgainstAuth(pieces.totalcms.auth, kept)).toEqual(['props.license still holds a secret reference']);
  });
});

describe('PieceAuth.BasicAuth: @activepieces/piece-pdfcrowd', () => {
  it('username and password come from one Vault secret and fit the piece', async () => {
    expect(pieces.pdfcrowd.auth.type).toBe('BASIC_AUTH');
    const value: BasicAuthConnectionValue = { type: AppConnectionType.BASIC_AUTH, username: ref('pdfcrowd/username'), password: ref('pdfcrowd/api_key') };
    const resolved = await resolveConnectionValue(value, context);
    expect(resolved).toEqual({ type: AppConnectionType.BASIC_AUTH, username: STORED.pdfcrowdUser, password: STORED.pdfcrowdKey });
    expect(problemsAgainstAuth(pieces.pdfcrowd.auth, resolved)).toEqual([]);
  });
});

/** Runs a piece's validate; the pieces' HTTP client flips NODE_TLS_REJECT_UNAUTHORIZED, so it is put back. */
async function runValidate(piece: PublishedPiece, auth: unknown): Promise<unknown> {
  const tlsSetting = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return await piece.auth.validate!({ auth });
  } finally {
    quiet.mockRestore();
    if (tlsSetting === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = tlsSetting;
  }
}

/** Answers Total CMS's API path: 200 for the right `total-key` header, 403 otherwise. */
async function startTotalCmsStandIn(license: string): Promise<{ url: string; keysSeen: string[]; close(): Promise<void> }> {
  const keysSeen: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    const key = String(req.headers['total-key'] ?? '');
    keysSeen.push(key);
    const ok = req.method === 'POST' && req.url?.startsWith('/rw_common/plugins/stacks/total-cms/totalapi.php') && key === license;
    res.writeHead(ok ? 200 : 403, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(ok ? { data: { saved: true } } : { error: 'invalid license' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    keysSeen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

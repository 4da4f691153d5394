/**
 * resolveConnectionValue for every connection type, against the Vault double.
 */
import {
  AppConnectionType, BasicAuthConnectionValue, CloudOAuth2ConnectionValue, CustomAuthConnectionValue, NoAuthConnectionValue,
  OAuth2ConnectionValueWithApp, OIDCConnectionValue, PlatformOAuth2ConnectionValue, SecretTextConnectionValue,
} from '@activepieces/shared/src/lib/automation/app-connection/app-connection';
import { OAuth2AuthorizationMethod } from '@activepieces/shared/src/lib/automation/app-connection/oauth2-authorization-method';
import {
  createHashicorpVaultProvider, formatSecretReference, HashicorpVaultConfig, HashicorpVaultProvider, resolveConnectionValue, ResolveContext,
  SecretManagerConnection,
} from '../../src';
import { ErrorCode, SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';
import type { VaultDouble } from '../../src/testing/vault-double';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { startDouble, VaultTarget } from '../support/vault-target';
import { connectionConfig } from '../support/fixtures';

let target: VaultTarget & { double: VaultDouble };
let setup: Awaited<ReturnType<typeof provisionAppRole>>;
let config: HashicorpVaultConfig;
let provider: HashicorpVaultProvider;

const CONNECTION_ID = 'vault-conn-1';
const reads = () => target.double.count({ method: 'GET', path: new RegExp(`^/v1/${setup.kvMount}/`), admin: false });
const ref = (secretAndKey: string) => formatSecretReference({ connectionId: CONNECTION_ID, path: `${setup.kvMount}/data/${secretAndKey}` });

function context(patch: Partial<ResolveContext> = {}): ResolveContext {
  const connection: SecretManagerConnection = {
    id: CONNECTION_ID, platformId: 'plat-1', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config,
  };
  return { platformId: 'plat-1', getConnection: (id) => (id === CONNECTION_ID ? connection : null), providers: [provider], ...patch };
}

beforeAll(async () => {
  target = await startDouble();
  setup = await provisionAppRole(target.admin);
  config = connectionConfig(target.url, setup);
  await target.admin.putKv2(setup.kvMount, 'app', {
    token: 'tok-1', user: 'svc-user', password: 'pw-2', client_id: 'cid-3', client_secret: 'csec-4', access: 'at-5', refresh: 'rt-6', host: 'db.internal',
  });
});
afterAll(async () => target.stop());
beforeEach(() => {
  provider = createHashicorpVaultProvider();
  target.double.clearRequests();
});
afterEach(async () => provider.close());

const oauthBase = () => ({
  client_id: ref('app/client_id'),
  access_token: ref('app/access'),
  refresh_token: ref('app/refresh'),
  token_type: 'Bearer',
  scope: 'read write',
  token_url: 'https://auth.example.com/token',
  expires_in: 3600,
  claimed_at: 1_700_000_000,
  authorization_method: OAuth2AuthorizationMethod.BODY,
  data: { instance_url: ref('app/host') },
  props: { subdomain: 'acme' },
});

describe('each connection type resolves its fields and keeps its type', () => {
  it('SECRET_TEXT: secret_text', async () => {
    const value: SecretTextConnectionValue = { type: AppConnectionType.SECRET_TEXT, secret_text: ref('app/token') };
    const out: SecretTextConnectionValue = await resolveConnectionValue(value, context());
    expect(out).toEqual({ type: AppConnectionType.SECRET_TEXT, secret_text: 'tok-1' });
  });

  it('BASIC_AUTH: username and password, from one secret in one read', async () => {
    const value: BasicAuthConnectionValue = { type: AppConnectionType.BASIC_AUTH, username: ref('app/user'), password: ref('app/password') };
    const out: BasicAuthConnectionValue = await resolveConnectionValue(value, context());
    expect(out).toEqual({ type: AppConnectionType.BASIC_AUTH, username: 'svc-user', password: 'pw-2' });
    expect(reads()).toBe(1);
  });

  it('BASIC_AUTH: a literal username stays as typed beside a referenced password', async () => {
    const value: BasicAuthConnectionValue = { type: AppConnectionType.BASIC_AUTH, username: 'admin', password: ref('app/password') };
    await expect(resolveConnectionValue(value, context())).resolves.toEqual({ type: AppConnectionType.BASIC_AUTH, username: 'admin', password: 'pw-2' });
  });

  it('CUSTOM_AUTH: every string in props, nested objects included; other values as they were', async () => {
    const value: CustomAuthConnectionValue = {
      type: AppConnectionType.CUSTOM_AUTH,
      props: { apiKey: ref('app/token'), region: 'eu', port: 5432, ssl: true, db: { host: ref('app/host'), name: 'main' }, none: null },
    };
    const out: CustomAuthConnectionValue = await resolveConnectionValue(value, context());
    expect(out).toEqual({
      type: AppConnectionType.CUSTOM_AUTH,
      props: { apiKey: 'tok-1', region: 'eu', port: 5432, ssl: true, db: { host: 'db.internal', name: 'main' }, none: null },
    });
  });

  it('CUSTOM_AUTH: a reference inside an array is left as text, as Activepieces server does (its walk stops at arrays)', async () => {
    const value: CustomAuthConnectionValue = { type: AppConnectionType.CUSTOM_AUTH, props: { hosts: [ref('app/host'), { h: ref('app/host') }], key: ref('app/token') } };
    const out = await resolveConnectionValue(value, context());
    expect(out.props).toEqual({ hosts: [ref('app/host'), { h: ref('app/host') }], key: 'tok-1' });
    expect(out.props.hosts).not.toBe(value.props.hosts);
  });

  it('OIDC: props', async () => {
    const value: OIDCConnectionValue = { type: AppConnectionType.OIDC, props: { clientSecret: ref('app/client_secret') } };
    const out: OIDCConnectionValue = await resolveConnectionValue(value, context());
    expect(out).toEqual({ type: AppConnectionType.OIDC, props: { clientSecret: 'csec-4' } });
  });

  it('OAUTH2: client_id, client_secret and the other text fields, data and props; numbers and enums untouched', async () => {
    const value: OAuth2ConnectionValueWithApp = {
      type: AppConnectionType.OAUTH2, ...oauthBase(), client_secret: ref('app/client_secret'), redirect_url: 'https://ap.example.com/redirect',
    };
    const out: OAuth2ConnectionValueWithApp = await resolveConnectionValue(value, context());
    expect(out).toEqual({
      ...value,
      client_id: 'cid-3', client_secret: 'csec-4', access_token: 'at-5', refresh_token: 'rt-6', data: { instance_url: 'db.internal' },
    });
    expect(reads()).toBe(1);
  });

  it('PLATFORM_OAUTH2 and CLOUD_OAUTH2: the same fields', async () => {
    const platform: PlatformOAuth2ConnectionValue = { type: AppConnectionType.PLATFORM_OAUTH2, ...oauthBase(), redirect_url: 'https://ap.example.com/redirect' };
    const cloud: CloudOAuth2ConnectionValue = { type: AppConnectionType.CLOUD_OAUTH2, ...oauthBase() };
    const outPlatform: PlatformOAuth2ConnectionValue = await resolveConnectionValue(platform, context());
    const outCloud: CloudOAuth2ConnectionValue = await resolveConnectionValue(cloud, context());
    for (const out of [outPlatform, outCloud]) {
      expect([out.client_id, out.access_token, out.refresh_token, out.data.instance_url]).toEqual(['cid-3', 'at-5', 'rt-6', 'db.internal']);
      expect([out.expires_in, out.claimed_at, out.authorization_method, out.token_type]).toEqual([3600, 1_700_000_000, OAuth2AuthorizationMethod.BODY, 'Bearer']);
    }
    expect(outPlatform.type).toBe(AppConnectionType.PLATFORM_OAUTH2);
    expect(outCloud.type).toBe(AppConnectionType.CLOUD_OAUTH2);
  });

  it('NO_AUTH: returned as it is, with no request to Vault', async () => {
    const value: NoAuthConnectionValue = { type: AppConnectionType.NO_AUTH };
    await expect(resolveConnectionValue(value, context())).resolves.toEqual({ type: AppConnectionType.NO_AUTH });
    expect(target.double.count({ admin: false })).toBe(0);
  });
});

describe('contract', () => {
  it('leaves the input as it was', async () => {
    const value: CustomAuthConnectionValue = { type: AppConnectionType.CUSTOM_AUTH, props: { a: ref('app/token'), nested: { b: ref('app/user') } } };
    const before = structuredClone(value);
    const out = await resolveConnectionValue(value, context());
    expect(value).toEqual(before);
    expect(out.props.nested).not.toBe(value.props.nested);
  });

  it('fields outside the type are copied, not resolved', async () => {
    const value = { type: AppConnectionType.SECRET_TEXT, secret_text: ref('app/token'), note: ref('app/user') } as SecretTextConnectionValue;
    await expect(resolveConnectionValue(value, context())).resolves.toEqual({ type: AppConnectionType.SECRET_TEXT, secret_text: 'tok-1', note: ref('app/user') });
  });

  it('a failure names the field it happened in', async () => {
    const value: CustomAuthConnectionValue = { type: AppConnectionType.CUSTOM_AUTH, props: { apiKey: ref('app/no_such_key') } };
    await expect(resolveConnectionValue(value, context())).rejects.toMatchObject({
      error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED, params: { message: expect.stringMatching(/^props\.apiKey: .*has no key "no_such_key"/) } },
    });
  });

  it("onFailure 'keep-reference' (what Activepieces' engine endpoint does) keeps the reference text and resolves the rest", async () => {
    const value: BasicAuthConnectionValue = { type: AppConnectionType.BASIC_AUTH, username: ref('app/user'), password: ref('app/no_such_key') };
    await expect(resolveConnectionValue(value, context({ onFailure: 'keep-reference' }))).resolves.toEqual({
      type: AppConnectionType.BASIC_AUTH, username: 'svc-user', password: ref('app/no_such_key'),
    });
  });

  it('scope rules apply: a PROJECT connection does not resolve for a call that names no project', async () => {
    const scoped: ResolveContext = {
      ...context(),
      getConnection: () => ({ id: CONNECTION_ID, platformId: 'plat-1', providerId: 'hashicorp', scope: SecretManagerConnectionScope.PROJECT, projectIds: ['p1'], config }),
    };
    const value: SecretTextConnectionValue = { type: AppConnectionType.SECRET_TEXT, secret_text: ref('app/token') };
    await expect(resolveConnectionValue(value, scoped)).rejects.toMatchObject({ error: { params: { message: expect.stringMatching(/names no project/) } } });
    await expect(resolveConnectionValue(value, { ...scoped, projectId: 'p1' })).resolves.toEqual({ type: AppConnectionType.SECRET_TEXT, secret_text: 'tok-1' });
  });

  it.each([
    ['an unknown type', { type: 'API_KEY', secret_text: 'x' }, /Unknown connection type "API_KEY"/],
    ['no type', { secret_text: 'x' }, /Unknown connection type \(none\)/],
    ['not an object', 'SECRET_TEXT', /must be an object/],
    ['an array', [{ type: 'SECRET_TEXT' }], /must be an object/],
    ['null', null, /must be an object/],
  ])('%s is a VALIDATION error', async (_why, value, message) => {
    await expect(resolveConnectionValue(value as unknown as SecretTextConnectionValue, context())).rejects.toMatchObject({
      error: { code: ErrorCode.VALIDATION, params: { message: expect.stringMatching(message) } },
    });
  });
});

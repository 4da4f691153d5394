/**
 * Redaction: the parsed config, the provider's own state and the validation summary never show
 * the Role ID, the Secret ID or a token, however they are printed; config errors name fields,
 * never their values.
 */
import { inspect } from 'node:util';
import { createHashicorpVaultProvider, HashicorpVaultConfig, parseVaultConfig } from '../../src';
import { ErrorCode } from '../support/activepieces';
import { isActivepiecesError } from '../../src/activepieces/errors';
import { VaultDouble } from '../../src/testing/vault-double';
import { startDouble, VaultTarget } from '../support/vault-target';
import { leaksIn, planted, provisionPlantedAppRole, renderThrown } from './planted';

const roleId = planted('roleid');
const secretId = planted('secretid');
const base = { url: 'https://vault.example.com:8200', roleId, secretId };

/** Every way a config object might end up printed. */
function renderings(value: unknown): string[] {
  return [
    JSON.stringify(value),
    inspect(value, { depth: null, showHidden: true }),
    String(value),
    `${JSON.stringify({ wrapped: value })}`,
    inspect({ nested: [value] }, { depth: null }),
  ];
}

describe('parsed config', () => {
  it('never shows the Role ID or Secret ID', () => {
    const settings = parseVaultConfig({ ...base, namespace: 'team', appRoleMount: 'apps' });
    for (const text of [...renderings(settings), ...renderings(settings.credentials)]) {
      expect(leaksIn(text, [roleId, secretId])).toEqual([]);
    }
    // ... and still holds them, for the login alone.
    expect(settings.credentials.loginBody()).toEqual({ role_id: roleId, secret_id: secretId });
  });

  it.each<[string, Partial<HashicorpVaultConfig> | Record<string, unknown>]>([
    ['a bad URL', { url: `not a url ${secretId}` }],
    ['a URL with a user name', { url: `https://${roleId}:${secretId}@vault:8200` }],
    ['a URL with a query', { url: `https://vault:8200/?token=${secretId}` }],
    ['a Role ID of the wrong type', { roleId: 12345, secretId }],
    ['a Secret ID of the wrong type', { secretId: { value: secretId } }],
    ['an empty Secret ID', { secretId: '' }],
    ['a bad namespace', { namespace: 'a/../b' }],
    ['a timeout out of range', { requestTimeoutSeconds: -1 }],
    ['a CA that is not PEM', { caCertificate: 'nope' }],
  ])('an error for %s names the field without quoting the credentials', (_why, patch) => {
    let thrown: unknown;
    try {
      parseVaultConfig({ ...base, ...patch });
    } catch (err) {
      thrown = err;
    }
    expect(isActivepiecesError(thrown)).toBe(true);
    expect((thrown as { error: { code: string } }).error.code).toBe(ErrorCode.VALIDATION);
    expect(leaksIn(renderThrown(thrown), [roleId, secretId])).toEqual([]);
  });
});

describe('the provider after use', () => {
  let target: VaultTarget & { double: VaultDouble };
  afterAll(async () => target?.stop());

  it('shows no credential, token or value through inspect or JSON, nor in the validation summary', async () => {
    target = await startDouble();
    const setup = await provisionPlantedAppRole(target.admin);
    const value = planted('value');
    await target.admin.putKv2(setup.kvMount, 'app', { key: value });
    const config = { url: target.url, appRoleMount: setup.approleMount, ...setup.credentials };
    const provider = createHashicorpVaultProvider();
    try {
      await expect(provider.resolve({ connectionId: 'c1', config, path: `${setup.kvMount}/data/app/key` })).resolves.toBe(value);
      const summary = await provider.validate({ config });
      const tokens = target.double.issuedTokens();
      expect(tokens.length).toBeGreaterThanOrEqual(2);
      const secrets = [setup.credentials.roleId, setup.credentials.secretId, value, ...tokens];
      for (const text of [...renderings(provider), ...renderings(summary)]) expect(leaksIn(text, secrets)).toEqual([]);
    } finally {
      await provider.close();
    }
  });
});

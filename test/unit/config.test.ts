import { inspect } from 'node:util';
import { ErrorCode } from '../support/activepieces';
import { parseVaultConfig } from '../../src/config/settings';

const base = { url: 'https://vault.example.com:8200/', roleId: 'role-id-PLANTED-1', secretId: 'secret-id-PLANTED-2' };

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    const e = err as { error: { code: string; params: { message: string } } };
    return { code: e.error.code, message: e.error.params.message };
  }
  throw new Error('expected an error');
}

describe('connection config', () => {
  it('normalises the URL and applies defaults', () => {
    const s = parseVaultConfig(base);
    expect(s).toMatchObject({
      url: 'https://vault.example.com:8200',
      namespace: '',
      authNamespace: '',
      appRoleMount: 'approle',
      tlsSkipVerify: false,
      requestTimeoutSeconds: 10,
      cacheTtlSeconds: 3600,
    });
  });

  it('reads the advanced options, accepting form strings', () => {
    const s = parseVaultConfig({
      ...base,
      namespace: '/admin/team-a/',
      authNamespace: 'admin',
      appRoleMount: 'auth/apps/approle',
      tlsSkipVerify: 'true',
      requestTimeoutSeconds: '5',
      cacheTtlSeconds: 0,
    });
    expect(s).toMatchObject({ namespace: 'admin/team-a', authNamespace: 'admin', appRoleMount: 'apps/approle', tlsSkipVerify: true, requestTimeoutSeconds: 5, cacheTtlSeconds: 0 });
  });

  it('treats empty advanced options as their defaults, and authNamespace "root" as the root namespace', () => {
    const s = parseVaultConfig({ ...base, namespace: 'team', appRoleMount: '', cacheTtlSeconds: '', authNamespace: 'root' });
    expect(s).toMatchObject({ appRoleMount: 'approle', cacheTtlSeconds: 3600, namespace: 'team', authNamespace: '' });
    expect(parseVaultConfig({ ...base, namespace: 'team' }).authNamespace).toBe('team');
  });

  it.each([
    ['ftp scheme', { url: 'ftp://vault:8200' }, /http:\/\/ or https:\/\//],
    ['file scheme', { url: 'file:///etc/passwd' }, /http:\/\/ or https:\/\//],
    ['not a URL', { url: 'vault example' }, /not a valid URL/],
    ['credentials in URL', { url: 'https://user:pw@vault:8200' }, /user name or password/],
    ['bad mount', { appRoleMount: 'app role' }, /appRoleMount/],
    ['bad namespace', { namespace: 'a/../b' }, /namespace/],
    ['timeout out of range', { requestTimeoutSeconds: 0 }, /requestTimeoutSeconds/],
    ['not a PEM', { caCertificate: 'hello' }, /PEM/],
    ['missing roleId', { roleId: '' }, /roleId/],
  ])('rejects %s with VALIDATION', (_why, patch, message) => {
    const { code, message: text } = codeOf(() => parseVaultConfig({ ...base, ...patch }));
    expect(code).toBe(ErrorCode.VALIDATION);
    expect(text).toMatch(message);
  });

  it('changes the fingerprint with the credentials, and only then for the same URL', () => {
    const a = parseVaultConfig(base).fingerprint;
    expect(parseVaultConfig({ ...base }).fingerprint).toBe(a);
    expect(parseVaultConfig({ ...base, secretId: 'other' }).fingerprint).not.toBe(a);
    expect(parseVaultConfig({ ...base, roleId: 'other' }).fingerprint).not.toBe(a);
    expect(parseVaultConfig({ ...base, namespace: 'x' }).fingerprint).not.toBe(a);
  });

  it('never shows the Role ID or Secret ID through JSON or inspect', () => {
    const s = parseVaultConfig(base);
    for (const text of [JSON.stringify(s), inspect(s, { depth: 10, showHidden: true }), String(s.credentials)]) {
      expect(text).not.toContain('PLANTED');
    }
    expect(s.credentials.loginBody()).toEqual({ role_id: 'role-id-PLANTED-1', secret_id: 'secret-id-PLANTED-2' });
  });

  it('never quotes the credentials in a validation error', () => {
    const err = codeOf(() => parseVaultConfig({ ...base, url: 42 as unknown as string }));
    expect(JSON.stringify(err)).not.toContain('PLANTED');
  });
});

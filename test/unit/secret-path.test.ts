import { ErrorCode } from '../support/activepieces';
import {
  canonicalPathOf, locateByConvention, locateInMounts, MountInfo, parseSecretPath, readRequestPath,
} from '../../src/vault/kv-path';

const mounts = new Map<string, MountInfo>([
  ['secret', { type: 'kv', kvVersion: 2 }],
  ['legacy', { type: 'kv', kvVersion: 1 }],
  ['teams/payments/kv', { type: 'kv', kvVersion: 2 }],
  ['teams', { type: 'kv', kvVersion: 1 }],
  ['transit', { type: 'transit' }],
]);

function validationMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    const e = err as { error: { code: string; params: { message: string } } };
    expect(e.error.code).toBe(ErrorCode.VALIDATION);
    return e.error.params.message;
  }
  throw new Error('expected a VALIDATION error');
}

describe('secret path grammar', () => {
  it('reads a canonical KV v2 path without knowing the mounts', () => {
    const loc = locateByConvention(parseSecretPath('secret/data/mysec/api_key'))!;
    expect(loc).toMatchObject({ mount: 'secret', kvVersion: 2, secretPath: 'mysec', key: 'api_key', canonical: true });
    expect(readRequestPath(loc)).toBe('secret/data/mysec');
  });

  it('finds a multi-segment mount by convention', () => {
    const loc = locateByConvention(parseSecretPath('teams/payments/kv/data/stripe/prod/secret_key'))!;
    expect(loc).toMatchObject({ mount: 'teams/payments/kv', secretPath: 'stripe/prod', key: 'secret_key' });
  });

  it('needs discovery for a path without data/', () => {
    expect(locateByConvention(parseSecretPath('secret/mysec/api_key'))).toBeNull();
  });

  it('pins a version with ?version=N', () => {
    const loc = locateByConvention(parseSecretPath('secret/data/mysec/api_key?version=3'))!;
    expect(loc.version).toBe(3);
    expect(readRequestPath(loc)).toBe('secret/data/mysec?version=3');
  });

  it('picks the longest mount prefix', () => {
    const loc = locateInMounts(parseSecretPath('teams/payments/kv/data/stripe/key'), mounts)!;
    expect(loc).toMatchObject({ mount: 'teams/payments/kv', kvVersion: 2, secretPath: 'stripe' });
    const v1 = locateInMounts(parseSecretPath('teams/other/thing/key'), mounts)!;
    expect(v1).toMatchObject({ mount: 'teams', kvVersion: 1, secretPath: 'other/thing', key: 'key' });
    expect(readRequestPath(v1)).toBe('teams/other/thing');
  });

  it('reads mount/path/key on a KV v2 mount as mount/data/path/key', () => {
    const loc = locateInMounts(parseSecretPath('secret/mysec/api_key'), mounts)!;
    expect(loc).toMatchObject({ kvVersion: 2, secretPath: 'mysec', key: 'api_key', canonical: false });
    expect(readRequestPath(loc)).toBe('secret/data/mysec');
    expect(canonicalPathOf(loc)).toBe('secret/data/mysec/api_key');
  });

  it('reads KV v1 paths directly, and refuses a version pin on them', () => {
    expect(readRequestPath(locateInMounts(parseSecretPath('legacy/app/token'), mounts)!)).toBe('legacy/app');
    expect(validationMessage(() => locateInMounts(parseSecretPath('legacy/app/token?version=2'), mounts))).toMatch(/version 1 mount/);
  });

  it('refuses a mount that is not KV', () => {
    expect(validationMessage(() => locateInMounts(parseSecretPath('transit/keys/k/x'), mounts))).toMatch(/transit mount, not a KV/);
  });

  it('encodes every segment', () => {
    const loc = locateByConvention(parseSecretPath('secret/data/a:b/c&d=e/key'))!;
    expect(readRequestPath(loc)).toBe('secret/data/a%3Ab/c%26d%3De');
  });

  it.each([
    ['empty', ''],
    ['leading slash', '/secret/data/a/b'],
    ['trailing slash', 'secret/data/a/b/'],
    ['empty segment', 'secret/data//b'],
    ['dot segment', 'secret/data/./b/k'],
    ['dot-dot segment', 'secret/data/../../sys/k'],
    ['percent (pre-encoded input)', 'secret/data/%2e%2e/k'],
    ['hash', 'secret/data/a#b/k'],
    ['space', 'secret/data/a b/k'],
    ['tab', 'secret/data/a\tb/k'],
    ['newline', 'secret/data/a\nb/k'],
    ['NUL', 'secret/data/a\u0000b/k'],
    ['backslash', 'secret/data/a\\b/k'],
    ['another query', 'secret/data/a/k?list=true'],
    ['two queries', 'secret/data/a/k?version=1?version=2'],
    ['version zero', 'secret/data/a/k?version=0'],
    ['version not a number', 'secret/data/a/k?version=latest'],
    ['too short', 'secret/key'],
    ['sys mount', 'sys/data/policy/k'],
    ['auth mount', 'auth/data/token/k'],
    ['cubbyhole', 'cubbyhole/data/x/k'],
    ['absurd length', `secret/data/${'a'.repeat(2000)}/k`],
    ['absurd segment', `secret/data/${'a'.repeat(300)}/k`],
  ])('rejects %s before any request', (_why, path) => {
    expect(validationMessage(() => parseSecretPath(path))).toMatch(/^Invalid secret path/);
  });

  it('never echoes control characters in a message', () => {
    expect(validationMessage(() => parseSecretPath('secret/data/a\u0007b/k'))).not.toContain('\u0007');
  });
});

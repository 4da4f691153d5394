import { formatSecretReference, isSecretReference, parseSecretReference } from '../../src';
import { ErrorCode } from '../support/activepieces';

describe('secret reference grammar {{id|ap_sep_v1|path}}', () => {
  it('splits a reference into connection id and path', () => {
    expect(parseSecretReference('{{ooq9ZFAGdw0IUyW2PS443|ap_sep_v1|secret/data/mysec/api_key}}')).toEqual({
      connectionId: 'ooq9ZFAGdw0IUyW2PS443',
      path: 'secret/data/mysec/api_key',
    });
  });

  it('allows whitespace around the whole reference', () => {
    expect(parseSecretReference('  {{c1|ap_sep_v1|kv/data/a/b}}\n')).toEqual({ connectionId: 'c1', path: 'kv/data/a/b' });
  });

  it('splits at the first separator only', () => {
    expect(parseSecretReference('{{c1|ap_sep_v1|a|ap_sep_v1|b}}')?.path).toBe('a|ap_sep_v1|b');
  });

  it.each([
    ['plain text', 'hello'],
    ['text around a reference', 'Bearer {{c1|ap_sep_v1|kv/data/a/b}}'],
    ['no separator', '{{c1/kv/data/a/b}}'],
    ['empty connection id', '{{|ap_sep_v1|kv/data/a/b}}'],
    ['empty path', '{{c1|ap_sep_v1|}}'],
    ['unclosed', '{{c1|ap_sep_v1|kv/data/a/b'],
    ['a connection id with a space', '{{c 1|ap_sep_v1|kv/data/a/b}}'],
  ])('is not a reference: %s', (_why, text) => {
    expect(parseSecretReference(text)).toBeNull();
    expect(isSecretReference(text)).toBe(false);
  });

  it.each([42, null, undefined, { a: 1 }, ['{{c1|ap_sep_v1|kv/data/a/b}}']])('non-strings are not references (%p)', (value) => {
    expect(isSecretReference(value)).toBe(false);
  });

  it('formats what it parses back to the same parts', () => {
    const text = formatSecretReference({ connectionId: 'conn_1', path: 'kv/data/app/db/password' });
    expect(text).toBe('{{conn_1|ap_sep_v1|kv/data/app/db/password}}');
    expect(parseSecretReference(text)).toEqual({ connectionId: 'conn_1', path: 'kv/data/app/db/password' });
  });

  it('refuses to format a reference that would not parse back', () => {
    expect(() => formatSecretReference({ connectionId: 'a b', path: 'kv/data/x/y' })).toThrow(
      expect.objectContaining({ error: expect.objectContaining({ code: ErrorCode.VALIDATION }) }),
    );
    expect(() => formatSecretReference({ connectionId: 'c1', path: '' })).toThrow();
  });
});

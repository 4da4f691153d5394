/**
 * Text from outside (Vault, or whatever answers at its URL) before it reaches an error message:
 * only Vault's documented `errors` shape is read; control characters and terminal escapes are
 * gone; every credential the request carried is scrubbed in every spelling it may come back in,
 * before the text is cut to length.
 */
import fc from 'fast-check';
import { cleanText, REDACTED, vaultErrorsOf } from '../../src/vault/outside-text';

const RUNS = 3_000;
/** C0, DEL and C1: what a terminal or log viewer may act on. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
/** Surrogate halves without their partner (a cut through an emoji). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const ROLE_ID = '6d5f8d43-81a2-4b59-9f2e-5cf2d0f7a8b1';
const SECRET_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const TOKEN = 'hvs.CAESIJmY0w9bQ2i3QkqvLzNw1c7gkS5X4s2Dq8fP0kTzHj1eGh4KHGh2cy5hQnZhWkp0c2ZQb0dOZ3JUbW5qUHhlZ0w';
const CREDENTIALS = [ROLE_ID, SECRET_ID, TOKEN];

describe('vaultErrorsOf', () => {
  it("reads Vault's errors array", () => {
    expect(vaultErrorsOf({ errors: ['permission denied'] })).toEqual(['permission denied']);
    expect(vaultErrorsOf({ errors: [] })).toEqual([]);
  });

  it('keeps only the string elements', () => {
    expect(vaultErrorsOf({ errors: [1, 'a', { message: 'x' }, null, ['b'], 'c'] })).toEqual(['a', 'c']);
  });

  it.each([[undefined], [null], ['permission denied'], [42], [['permission denied']], [{ errors: 'permission denied' }], [{ errors: { 0: 'x' } }], [{ error: ['x'] }]])(
    'reads nothing from %p',
    (body) => {
      expect(vaultErrorsOf(body)).toEqual([]);
    },
  );

  it('reads at most five entries', () => {
    expect(vaultErrorsOf({ errors: Array.from({ length: 50 }, (_, i) => `e${i}`) })).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  });
});

describe('cleanText: concrete cases', () => {
  it("scrubs the Secret ID Vault echoes when a login loses the race for the Secret ID's last use", () => {
    const body = { errors: [`invalid secret_id "${SECRET_ID}"`] };
    expect(vaultErrorsOf(body).map((e) => cleanText(e, CREDENTIALS))).toEqual([`invalid secret_id "${REDACTED}"`]);
  });

  it('scrubs every credential, each time it appears', () => {
    const text = `role ${ROLE_ID} secret ${SECRET_ID} token ${TOKEN} again ${SECRET_ID}${SECRET_ID}`;
    expect(cleanText(text, CREDENTIALS, 1000)).toBe(`role ${REDACTED} secret ${REDACTED} token ${REDACTED} again ${REDACTED}`);
  });

  it('scrubs the whole of a credential that holds another one', () => {
    expect(cleanText('k abcd1234wxyz k 1234', ['abcd1234wxyz', '1234'])).toBe(`k ${REDACTED} k ${REDACTED}`);
    expect(cleanText('k abcd1234wxyz k', ['1234', 'abcd1234wxyz', 'wxyz k'])).toBe(`k ${REDACTED}`);
  });

  it('scrubs a credential JSON-escaped (also in Go\'s \\u003c style) and URL-encoded (either hex case, + for space)', () => {
    const secret = 'p<a"s\\s w/o&rd';
    const json = JSON.stringify({ secret_id: secret });
    const goJson = json.replace('<', '\\u003c').replace('&', '\\u0026');
    const url = `/v1/auth/approle/login?secret_id=${encodeURIComponent(secret)}`;
    for (const text of [json, goJson, url, url.toLowerCase(), url.replace('%20', '+')]) {
      const out = cleanText(text, [secret], 1000);
      expect(out).toContain(REDACTED);
      for (const piece of ['p<a', 'p\\u003ca', 'p%3Ca', 'p%3ca', 'w/o', 'w%2Fo']) expect(out).not.toContain(piece);
    }
  });

  it('scrubs a credential an escape sequence or a control character split in two', () => {
    expect(cleanText(`x ${SECRET_ID.slice(0, 9)}\x1b[0m${SECRET_ID.slice(9)} y`, [SECRET_ID])).toBe(`x ${REDACTED} y`);
    expect(cleanText(`x ${SECRET_ID.slice(0, 9)}\x00\x7f\x9b${SECRET_ID.slice(9)} y`, [SECRET_ID])).toBe(`x ${REDACTED} y`);
  });

  it('scrubs a credential before stripping, so text around it cannot eat a piece and show the rest', () => {
    // The ESC before it and its own "[1m" make a CSI sequence: stripped first, the UUID would be left.
    const secret = `[1m${SECRET_ID}`;
    expect(cleanText(`x\x1b${secret} y`, [secret])).toBe(`x${REDACTED} y`);
  });

  it('scrubs a credential with white space or control characters in it, as the line shows it', () => {
    expect(cleanText('echo: line one\nline\ttwo', ['line one\r\nline\t\ttwo'])).toBe(`echo: ${REDACTED}`);
  });

  it('strips CSI and OSC sequences, other escapes, C0, DEL and C1', () => {
    expect(cleanText('a\x1b[2Jb\x1b[1;31mc\x1b[0m', [])).toBe('abc');
    expect(cleanText('x\x1b]0;pwned title\x07y\x1b]8;;http://evil\x1b\\z', [])).toBe('xyz');
    expect(cleanText('a\x1bcb\x1b(Bc\x1b7d', [])).toBe('abcd');
    expect(cleanText('a\x00b\x08c\x7fd\x85e\x9bf\x9fg', [])).toBe('abcdefg');
    expect(cleanText('a\u202eb\u2066c', [])).toBe('abc');
  });

  it('turns CR, LF and tabs into spaces and collapses runs of white space', () => {
    expect(cleanText('  2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n', [])).toBe(
      '2 errors occurred: * permission denied * invalid token',
    );
    expect(cleanText('forged\r\n[INFO] log line\u2028next', [])).toBe('forged [INFO] log line next');
  });

  it('caps to max characters with an ellipsis, and leaves short text alone', () => {
    const out = cleanText('a'.repeat(1000), []);
    expect(out).toHaveLength(300);
    expect(out.endsWith('…')).toBe(true);
    expect(cleanText('b'.repeat(50), [], 20)).toBe(`${'b'.repeat(19)}…`);
    expect(cleanText('exactly twenty chars', [], 20)).toBe('exactly twenty chars');
    expect(cleanText('anything', [], 0)).toBe('');
  });

  it('never shows the prefix of a credential the cap cuts through', () => {
    for (let before = 250; before < 300; before++) {
      const out = cleanText(`${'x'.repeat(before)} ${SECRET_ID}`, CREDENTIALS);
      expect(out.length).toBeLessThanOrEqual(300);
      expect(out).not.toContain(SECRET_ID.slice(0, 4));
    }
  });

  it('never cuts a surrogate pair in half', () => {
    for (const max of [10, 11, 12, 13]) expect(cleanText('😀'.repeat(100), [], max)).not.toMatch(LONE_SURROGATE);
  });

  it('ignores empty credentials', () => {
    expect(cleanText('permission denied', ['', SECRET_ID])).toBe('permission denied');
  });

  it('never prints a credential made of the marker itself', () => {
    expect(cleanText(`a ${REDACTED} b`, ['redacted'])).toBe('');
    expect(cleanText('x[redactedd', ['[red', 'dd'])).not.toMatch(/\[red|dd/);
  });
});

describe('cleanText: properties', () => {
  /** Any UTF-16 text, control characters and lone surrogates included. */
  const anyText = fc.string({ unit: 'binary', maxLength: 400 });
  const anySecret = fc.string({ unit: 'binary', minLength: 4, maxLength: 40 });
  /** How a server may send a credential back. */
  const spelling = fc.constantFrom<(s: string) => string>(
    (s) => s,
    (s) => JSON.stringify(s).slice(1, -1),
    (s) => encodeURIComponent(s),
    (s) => encodeURIComponent(s).toLowerCase(),
    (s) => `${s.slice(0, 2)}\x1b[31m${s.slice(2)}`,
    (s) => `${s.slice(0, 1)}\r\n${s.slice(1)}`,
  );
  const embedded = fc.tuple(anyText, fc.array(fc.tuple(anySecret, spelling, anyText), { minLength: 1, maxLength: 3 }));
  const anyMax = fc.integer({ min: 0, max: 400 });

  function build([start, pieces]: [string, Array<[string, (s: string) => string, string]>]): { text: string; secrets: string[] } {
    return {
      text: start + pieces.map(([secret, spell, after]) => spell(secret) + after).join(''),
      secrets: pieces.map(([secret]) => secret),
    };
  }

  /** What the secret looks like once white space is collapsed (the output never has runs of it). */
  function visible(secret: string): string {
    return secret.replace(/\s+/g, ' ');
  }

  it('never contains an embedded secret, in any spelling', () => {
    fc.assert(
      fc.property(embedded, anyMax, (parts, max) => {
        const { text, secrets } = build(parts);
        const out = cleanText(text, secrets, max);
        for (const secret of secrets) {
          expect(out).not.toContain(secret);
          expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
          expect(out).not.toContain(encodeURIComponent(secret));
          if (visible(secret).trim().length >= 4) expect(out).not.toContain(visible(secret));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('never contains a control character or a lone surrogate half from a cut, and is never longer than max', () => {
    fc.assert(
      fc.property(embedded, anyMax, (parts, max) => {
        const { text, secrets } = build(parts);
        const out = cleanText(text, secrets, max);
        expect(out).not.toMatch(CONTROL);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(/\s{2}|^\s|\s$/);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 1, max: 100 }), (text, max) => {
        expect(cleanText(text, [], max)).not.toMatch(LONE_SURROGATE);
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves printable text with no credential as it was, but for white space', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abc XYZ-_:"/{}[]().,0129'), maxLength: 300 }), (text) => {
        expect(cleanText(text, [SECRET_ID], 300)).toBe(text.replace(/\s+/g, ' ').trim());
      }),
      { numRuns: RUNS },
    );
  });
});

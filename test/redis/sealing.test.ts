import fc from 'fast-check';
import { Sealer } from '../../src/redis/sealing';

const KEY = 'an-encryption-key-of-32-chars-ok';
const OTHER_KEY = 'another-encryption-key-32-chars!';

describe('Sealer', () => {
  const sealer = new Sealer(KEY);

  it('opens what it sealed, strings and bytes alike', () => {
    expect(sealer.open(sealer.seal('VAL-xyz-secret'))?.toString('utf8')).toBe('VAL-xyz-secret');
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), fc.string(), (bytes, context) => {
      expect(sealer.open(sealer.seal(Buffer.from(bytes), context), context)).toEqual(Buffer.from(bytes));
    }));
  });

  it('uses a fresh IV every time and a compact versioned form, without the plaintext', () => {
    const a = sealer.seal('VAL-xyz-secret');
    const b = sealer.seal('VAL-xyz-secret');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('VAL-xyz');
    expect(Buffer.from(a.slice(3), 'base64url').toString('latin1')).not.toContain('VAL-xyz');
  });

  it('gives undefined, never an exception, for any tampering', () => {
    const sealed = sealer.seal('VAL-xyz-secret');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const flipped = Buffer.from(raw);
      flipped[i] ^= 0x01;
      expect(sealer.open(`v1.${flipped.toString('base64url')}`)).toBeUndefined();
    }
    expect(sealer.open(`v1.${raw.subarray(0, raw.length - 1).toString('base64url')}`)).toBeUndefined();
    expect(sealer.open(`v2.${raw.toString('base64url')}`)).toBeUndefined();
  });

  it('gives undefined for garbage of any kind', () => {
    for (const garbage of ['', 'v1.', 'v1', 'v1.!!!!', 'v1.AAAA', 'VAL-xyz', `v1.${'A'.repeat(40)}`, null, 42, {}]) {
      expect(sealer.open(garbage)).toBeUndefined();
    }
    fc.assert(fc.property(fc.string(), (s) => {
      expect(sealer.open(s)).toBeUndefined();
      expect(sealer.open(`v1.${s}`)).toBeUndefined();
    }));
  });

  it('does not open under another key or another context', () => {
    const sealed = sealer.seal('VAL-xyz-secret', 'key-a');
    expect(new Sealer(OTHER_KEY).open(sealed, 'key-a')).toBeUndefined();
    expect(sealer.open(sealed, 'key-b')).toBeUndefined();
    expect(sealer.open(sealed)).toBeUndefined();
    expect(sealer.open(sealed, 'key-a')?.toString('utf8')).toBe('VAL-xyz-secret');
  });

  it('names keys by a keyed hash: deterministic, key-dependent, unambiguous, never containing the inputs', () => {
    const parts = ['https://vault.example:8200', 'ROLE-ID-abc123', 'secret/data/app/db'];
    const key = sealer.keyFor(...parts);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(sealer.keyFor(...parts)).toBe(key);
    expect(new Sealer(KEY).keyFor(...parts)).toBe(key);
    expect(new Sealer(OTHER_KEY).keyFor(...parts)).not.toBe(key);
    for (const part of parts) expect(key).not.toContain(part);
    expect(sealer.keyFor('a:b', 'c')).not.toBe(sealer.keyFor('a', 'b:c'));
    expect(sealer.keyFor('ab', 'c')).not.toBe(sealer.keyFor('a', 'bc'));
    expect(sealer.keyFor('a', '')).not.toBe(sealer.keyFor('a'));
    expect(sealer.keyFor('1:a')).not.toBe(sealer.keyFor('a'));
  });
});

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
// Fixed salt: the input is already a high-entropy secret; the info labels separate the two keys.
const HKDF_SALT = 'ap-vault/redis';
const SEAL_INFO = 'ap-vault/redis/v1/aes-256-gcm';
const KEYED_HASH_INFO = 'ap-vault/redis/v1/hmac-sha256';

/**
 * Everything this package puts in Redis goes through here: values are sealed (AES-256-GCM,
 * authenticated) and key names are keyed hashes, so Redis never holds a path, a config, a Role ID,
 * a Secret ID or a value in clear, and a value written without the key cannot be opened.
 */
export class Sealer {
  readonly #sealKey: Buffer;
  readonly #hashKey: Buffer;

  constructor(encryptionKey: string) {
    this.#sealKey = derive(encryptionKey, SEAL_INFO);
    this.#hashKey = derive(encryptionKey, KEYED_HASH_INFO);
  }

  /**
   * `v1.<base64url(iv | tag | ciphertext)>`. `context` (e.g. the Redis key the value is stored
   * under) is authenticated, not stored: a sealed value copied to another key does not open there.
   */
  seal(plaintext: Buffer | string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#sealKey, iv);
    cipher.setAAD(additionalData(context));
    const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** The plaintext, or undefined for anything that is not a value this key sealed with this context. Never throws. */
  open(sealed: unknown, context = ''): Buffer | undefined {
    if (typeof sealed !== 'string' || !sealed.startsWith(`${VERSION}.`)) return undefined;
    const encoded = sealed.slice(VERSION.length + 1);
    if (!/^[A-Za-z0-9_-]*$/.test(encoded)) return undefined;
    const raw = Buffer.from(encoded, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#sealKey, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(context));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      return undefined;
    }
  }

  /** HMAC-SHA256 (hex) of the parts, each length-prefixed so ('a:b','c') and ('a','b:c') differ. */
  keyFor(...parts: string[]): string {
    const hmac = createHmac('sha256', this.#hashKey);
    for (const part of parts) hmac.update(`${Buffer.byteLength(part, 'utf8')}:`).update(part, 'utf8');
    return hmac.digest('hex');
  }
}

function derive(encryptionKey: string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(encryptionKey, 'utf8'), HKDF_SALT, info, KEY_BYTES));
}

function additionalData(context: string): Buffer {
  return Buffer.from(`${VERSION}\0${context}`, 'utf8');
}

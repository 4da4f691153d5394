import { getSecretFailed } from '../activepieces/errors';
import type { SecretData } from '../vault/kv';
import type { SecretLocation } from '../vault/kv-path';
import { secretName } from '../vault/messages';
import { cleanText } from '../vault/outside-text';
import { MAX_VALUE_DEPTH, nestsAtMost } from '../vault/value-shape';

/** A value as a connection field holds it: text. */
export function valueAsText(data: SecretData, loc: SecretLocation, rawPath: string): string {
  if (!Object.prototype.hasOwnProperty.call(data, loc.key)) {
    // Key names come from the server: one line each, capped, no terminal control.
    const keys = Object.keys(data).slice(0, 21).map((k) => cleanText(k, [], 80));
    const listed = keys.length > 20 ? `${keys.slice(0, 20).join(', ')}, …` : keys.join(', ');
    throw getSecretFailed(`Secret "${secretName(loc)}" has no key "${loc.key}". Keys in it: ${listed || '(none)'}.`, { path: rawPath });
  }
  const value = data[loc.key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) {
    throw getSecretFailed(`Key "${loc.key}" of secret "${secretName(loc)}" is null; store a value in it.`, { path: rawPath });
  }
  return jsonText(value, loc, rawPath);
}

/** An object or array as JSON text; one too deep to write (kv.ts refuses those on read) is a clear error, not a RangeError. */
function jsonText(value: unknown, loc: SecretLocation, rawPath: string): string {
  if (nestsAtMost(value)) {
    try {
      return JSON.stringify(value);
    } catch {
      // fall through: a value JSON cannot write
    }
  }
  throw getSecretFailed(`Key "${loc.key}" of secret "${secretName(loc)}" holds a value that cannot be written as JSON text (nested deeper than ${MAX_VALUE_DEPTH} levels). Store a flatter value.`, { path: rawPath });
}

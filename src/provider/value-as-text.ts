import { getSecretFailed } from '../activepieces/errors';
import type { SecretData } from '../vault/kv';
import type { SecretLocation } from '../vault/kv-path';
import { secretName } from '../vault/messages';

/** A value as a connection field holds it: text. */
export function valueAsText(data: SecretData, loc: SecretLocation, rawPath: string): string {
  if (!Object.prototype.hasOwnProperty.call(data, loc.key)) {
    const keys = Object.keys(data);
    const listed = keys.length > 20 ? `${keys.slice(0, 20).join(', ')}, …` : keys.join(', ');
    throw getSecretFailed(`Secret "${secretName(loc)}" has no key "${loc.key}". Keys in it: ${listed || '(none)'}.`, { path: rawPath });
  }
  const value = data[loc.key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) {
    throw getSecretFailed(`Key "${loc.key}" of secret "${secretName(loc)}" is null; store a value in it.`, { path: rawPath });
  }
  return JSON.stringify(value);
}

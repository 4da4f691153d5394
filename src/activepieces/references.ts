import { REFERENCE_SEPARATOR } from './shared';
import { validationFailed } from './errors';

/** A whole field value `{{<connectionId>|ap_sep_v1|<path>}}`, split. */
export interface SecretReference {
  connectionId: string;
  path: string;
}

const OPEN = '{{';
const CLOSE = '}}';

/**
 * Parses a field value that is exactly one reference (surrounding whitespace allowed).
 * Returns null for anything else, which callers pass through unchanged. The split is at the
 * first separator, as Activepieces does, so a path may itself contain the separator text
 * (the path grammar then rejects it).
 */
export function parseSecretReference(value: unknown): SecretReference | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!text.startsWith(OPEN) || !text.endsWith(CLOSE)) return null;
  const inner = text.slice(OPEN.length, text.length - CLOSE.length);
  const at = inner.indexOf(REFERENCE_SEPARATOR);
  if (at <= 0) return null;
  const connectionId = inner.slice(0, at).trim();
  const path = inner.slice(at + REFERENCE_SEPARATOR.length).trim();
  if (connectionId === '' || path === '' || /[\s{}|]/.test(connectionId)) return null;
  return { connectionId, path };
}

export function isSecretReference(value: unknown): value is string {
  return parseSecretReference(value) !== null;
}

export function formatSecretReference(reference: SecretReference): string {
  const formatted = `${OPEN}${reference.connectionId}${REFERENCE_SEPARATOR}${reference.path}${CLOSE}`;
  const back = parseSecretReference(formatted);
  if (back?.connectionId !== reference.connectionId || back.path !== reference.path) {
    throw validationFailed('A secret reference needs a connection id without spaces, braces or "|", and a non-empty path.');
  }
  return formatted;
}


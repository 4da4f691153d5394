import { validationFailed } from '../activepieces/errors';

/**
 * How each config value is checked and normalised. Every failure is a VALIDATION error that
 * names the field and never quotes a credential.
 */

/** `https://…` or `http://…` at the start; anything else has no scheme we can use. */
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/**
 * Path segments that mean the URL was copied from the wrong place: `/v1` is the API prefix every
 * request adds itself, `/ui` is Vault's web UI. A request under either goes to the wrong place, and
 * Save then blames AppRole. Any other path is kept: a reverse proxy may serve Vault under a prefix
 * (https://gateway.example/vault → https://gateway.example/vault/v1/…).
 */
const NOT_A_BASE_SEGMENT = /^(v1|ui)$/i;

/**
 * Vault's address as requests need it: scheme, host, port and an optional proxy prefix, no
 * trailing slash. A mistake gets a VALIDATION error with the corrected URL, before any request.
 * The corrected URL never carries the query, fragment or user info of the input (they may hold a token).
 */
export function normaliseUrl(input: string): string {
  const text = input.trim();
  if (!HAS_SCHEME.test(text)) throw missingScheme(text);
  const url = parseUrl(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw validationFailed(`The Vault URL must start with http:// or https://, not ${url.protocol}//.`);
  }
  if (url.username || url.password) {
    throw validationFailed('The Vault URL must not contain a user name or password.');
  }
  const path = url.pathname.replace(/\/+$/, '');
  const base = basePath(path);
  const corrected = `${url.origin}${base}`;
  if (base !== path) {
    const cut = path.slice(base.length).split('/')[1];
    throw validationFailed(
      cut.toLowerCase() === 'ui'
        ? `The Vault URL points at Vault's web UI (/${cut}); use Vault's address without it: ${corrected}`
        : `The Vault URL must not include the API prefix /${cut} (each request adds it); use ${corrected}`,
    );
  }
  if (url.search || url.hash || /[?#]/.test(text)) {
    throw validationFailed(`The Vault URL must not contain a query (?) or fragment (#); use ${corrected}`);
  }
  return corrected;
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw validationFailed('The Vault URL is not a valid URL. Use the form https://vault.example.com:8200.');
  }
}

/** `/vault/v1/secret` → `/vault`: the path up to the first `/v1` or `/ui` segment. */
function basePath(path: string): string {
  const segments = path.split('/');
  const at = segments.findIndex((s) => NOT_A_BASE_SEGMENT.test(s));
  return at < 0 ? path : segments.slice(0, at).join('/');
}

/** `vault.example:8200` (what many docs show) is parsed by WHATWG URL as scheme "vault.example:". */
function missingScheme(text: string): Error {
  const corrected = /^https?:/i.test(text) ? undefined : cleanUrlOf(`https://${text.replace(/^\/+/, '')}`);
  if (corrected === undefined) {
    return validationFailed('The Vault URL is not a valid URL. Use the form https://vault.example.com:8200.');
  }
  return validationFailed(`The Vault URL has no scheme: add https:// (or http:// if Vault listens without TLS), e.g. ${corrected}`);
}

/** The URL as normaliseUrl would accept it, or undefined when even that is not a URL without user info. */
function cleanUrlOf(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  return `${url.origin}${basePath(url.pathname.replace(/\/+$/, ''))}`;
}

const SAFE_SEGMENT = /^[A-Za-z0-9_.@-]+$/;

/** `''` is the root namespace; `root` and `/` name it explicitly (for `authNamespace`). */
export function normaliseNamespace(input: string | undefined, field: string): string {
  const trimmed = (input ?? '').trim().replace(/^\/+|\/+$/g, '');
  if (trimmed === '' || trimmed === 'root') return '';
  assertSafeSegments(trimmed, field);
  return trimmed;
}

export function normaliseMount(input: string | undefined, fallback: string): string {
  const trimmed = (input ?? fallback).trim().replace(/^\/+|\/+$/g, '').replace(/^auth\//, '');
  assertSafeSegments(trimmed, 'appRoleMount');
  return trimmed;
}

function assertSafeSegments(value: string, field: string): void {
  const ok = value.split('/').every((s) => SAFE_SEGMENT.test(s) && s !== '.' && s !== '..');
  if (!ok) {
    throw validationFailed(`${field} "${value}" is not a valid Vault path: use letters, digits, "-", "_", "." and "/" between segments.`);
  }
}

export function normaliseCa(input: string | undefined): string | undefined {
  if (input === undefined) return undefined;
  const pem = input.trim();
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw validationFailed('caCertificate must be a PEM certificate (-----BEGIN CERTIFICATE----- ...).');
  }
  return pem;
}

/** Vault trims both before use (docs/vault-behaviour.md §2.1): blank ones would only fail at login, less clearly. */
export function nonBlank(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw validationFailed(`Invalid HashiCorp Vault connection config: ${field} is blank.`);
  return trimmed;
}

export function bounded(value: number | undefined, fallback: number, min: number, max: number, field: string): number {
  if (value === undefined) return fallback;
  if (value < min || value > max) throw validationFailed(`${field} must be between ${min} and ${max}.`);
  return value;
}

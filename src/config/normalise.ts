import { validationFailed } from '../activepieces/errors';

/**
 * How each config value is checked and normalised. Every failure is a VALIDATION error that
 * names the field and never quotes a credential.
 */

export function normaliseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw validationFailed('The Vault URL is not a valid URL. Use the form https://vault.example.com:8200.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw validationFailed(`The Vault URL must start with http:// or https://, not ${url.protocol}//.`);
  }
  if (url.username || url.password) {
    throw validationFailed('The Vault URL must not contain a user name or password.');
  }
  if (url.search || url.hash) {
    throw validationFailed('The Vault URL must not contain a query (?) or fragment (#).');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
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

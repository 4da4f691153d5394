/**
 * The one list of what this package reports: instrument names, units, attribute keys and the
 * values each attribute may take. docs/telemetry.md shows the same table (a test compares them).
 * Names follow the OpenTelemetry naming guidelines (dotted, lower case, unit not in the name);
 * durations are seconds (`s`), as the semantic conventions for HTTP client durations use.
 */
export const RESOLVE_OUTCOMES = ['warm-hit', 'hit', 'miss', 'stale', 'error'] as const;
export const VAULT_REQUEST_KINDS = ['login', 'renew', 'revoke', 'read', 'mounts', 'health', 'lookup', 'other'] as const;
export const LOGIN_OUTCOMES = ['success', 'rejected', 'unavailable'] as const;
export const RENEWAL_OUTCOMES = ['success', 'refused', 'capped', 'unavailable'] as const;
export const INVALIDATION_SOURCES = ['local', 'remote'] as const;

export type ResolveOutcome = (typeof RESOLVE_OUTCOMES)[number];
export type VaultRequestKind = (typeof VAULT_REQUEST_KINDS)[number];
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];
export type RenewalOutcome = (typeof RENEWAL_OUTCOMES)[number];
export type InvalidationSource = (typeof INVALIDATION_SOURCES)[number];

export const ATTR = {
  resolveOutcome: 'vault.resolve.outcome',
  errorType: 'error.type',
  endpoint: 'vault.endpoint',
  statusClass: 'vault.status_class',
  statusCode: 'http.response.status_code',
  loginOutcome: 'vault.login.outcome',
  renewalOutcome: 'vault.renewal.outcome',
  invalidationSource: 'vault.invalidation.source',
} as const;

export const SPAN_NAME = 'vault.request';

export type InstrumentKind = 'counter' | 'observable counter' | 'histogram' | 'observable gauge';

export interface InstrumentSpec {
  readonly name: string;
  readonly kind: InstrumentKind;
  readonly unit: string;
  readonly attributes: readonly string[];
  readonly description: string;
}

function spec(name: string, kind: InstrumentKind, unit: string, attributes: readonly string[], description: string): InstrumentSpec {
  return { name, kind, unit, attributes, description };
}

export const INSTRUMENTS = {
  resolves: spec('activepieces.vault.resolves', 'observable counter', '{resolve}', [ATTR.resolveOutcome, ATTR.errorType], 'Secret references resolved, by outcome (error.type: the error code, on errors only).'),
  requests: spec('activepieces.vault.requests', 'counter', '{request}', [ATTR.endpoint, ATTR.statusClass, ATTR.statusCode], 'HTTP requests sent to Vault, by endpoint kind and answer (each retry counts).'),
  requestDuration: spec('activepieces.vault.request.duration', 'histogram', 's', [ATTR.endpoint, ATTR.statusClass, ATTR.statusCode], 'Time from sending a Vault request to its whole answer (or to the network failure).'),
  logins: spec('activepieces.vault.logins', 'counter', '{login}', [ATTR.loginOutcome], 'AppRole logins, by outcome.'),
  renewals: spec('activepieces.vault.renewals', 'counter', '{renewal}', [ATTR.renewalOutcome], 'Token renewals (renew-self), by outcome.'),
  lockoutBackoffs: spec('activepieces.vault.lockout_backoffs', 'counter', '{backoff}', [], 'Logins held back to avoid locking the AppRole role out.'),
  invalidations: spec('activepieces.vault.invalidations', 'counter', '{invalidation}', [ATTR.invalidationSource], 'Cache invalidations, asked in this process (local) or by another one (remote).'),
  cacheEntries: spec('activepieces.vault.cache.entries', 'observable gauge', '{entry}', [], 'Secrets held in the cache now.'),
  cacheSize: spec('activepieces.vault.cache.size', 'observable gauge', 'By', [], 'Approximate memory the cached secrets take now.'),
} as const satisfies Record<string, InstrumentSpec>;

/** Histogram buckets in seconds: the HTTP semantic conventions' defaults, fit for Vault (ms to seconds). */
export const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

// Durations and timestamps in the formats Vault uses.

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };

export class DurationError extends Error {}

/**
 * Vault's parseutil.ParseDurationSecond: integer seconds (number or numeric string) or a Go
 * duration string ("1h", "30m", "45s", "1h30m"); `d` is accepted too. Notes §2.5/§3.2.
 */
export function parseDurationSeconds(value: unknown): number {
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value !== 'string') throw new DurationError(`time: invalid duration "${String(value)}"`);
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return parseInt(text, 10);
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    part.lastIndex = pos;
    const m = part.exec(text);
    if (!m) throw new DurationError(`time: invalid duration "${text}"`);
    total += parseFloat(m[1]) * UNIT_SECONDS[m[2]];
    pos = part.lastIndex;
  }
  if (text.length === 0) throw new DurationError(`time: invalid duration "${text}"`);
  return Math.floor(total);
}

/** Go's time.Duration.String() for whole seconds: "0s", "45s", "2m0s", "768h0m0s". */
export function goDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s === 0) return '0s';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}

/** RFC3339 in UTC with the fraction's trailing zeros trimmed (Go RFC3339Nano; docs/vault-behaviour.md §5.1). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_all, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

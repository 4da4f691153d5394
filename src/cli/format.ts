/** How secret values and durations are shown on the terminal. */

/** Never any character of the value: only how long it is. */
export function masked(value: string): string {
  return `******** (${value.length} character${value.length === 1 ? '' : 's'})`;
}

/** 3725 → "1h 2m 5s"; 0 → "0s" (Vault's "no expiry" is described by the caller). */
export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const parts: string[] = [];
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (rest || parts.length === 0) parts.push(`${rest}s`);
  return parts.join(' ');
}

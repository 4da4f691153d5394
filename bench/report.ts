import type { Row } from './scenarios';

/** baseline ÷ ours: how many times fewer requests, less time or less memory ours needs. */
export function ratio(row: Row): number {
  return row.ours === 0 ? Infinity : row.baseline / row.ours;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return 'inf';
  return `${r >= 10 ? Math.round(r).toLocaleString('en-US') : r.toFixed(2)}x`;
}

/** The human table: one row per figure, ratio = baseline / ours. */
export function table(rows: readonly Row[]): string {
  const header = ['#', 'scenario', 'unit', 'ours', 'baseline', 'ratio (baseline/ours)', 'target (ours)', 'met?'];
  const body = rows.map((r) => [r.id, r.scenario, r.unit, formatNumber(r.ours), formatNumber(r.baseline), formatRatio(ratio(r)), r.target, r.met ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** One line of JSON with the same figures, for scripts. */
export function jsonLine(rows: readonly Row[], meta: Record<string, unknown>): string {
  return JSON.stringify({
    ...meta,
    scenarios: rows.map((r) => ({ ...r, ratio: Number.isFinite(ratio(r)) ? Math.round(ratio(r) * 100) / 100 : null })),
    allMet: rows.every((r) => r.met),
  });
}

/**
 * Start-up cost of the built package, as a host pays it: the median wall time of N fresh
 * processes of each command, against bare `node -e 0`. Targets: `require()` of the main entry
 * ≤ +150 ms, `ap-vault --help` ≤ +100 ms. `/props` (which loads pieces-framework) is reported,
 * not targeted. Needs `npm run build`. Prints a table and one JSON line; exits 1 on a missed target.
 *
 *   node -r ts-node/register/transpile-only bench/startup.ts [runs]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from './scenarios';

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist', 'src');
const RUNS = require.main === module ? Number(process.argv[2] ?? 11) : 11;

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** Allowed milliseconds over bare node; undefined: reported only. */
  readonly targetMs: number | undefined;
}

const CASES: readonly Case[] = [
  { name: 'require() main entry', args: ['-e', `require(${JSON.stringify(join(DIST, 'index.js'))})`], targetMs: 150 },
  { name: 'ap-vault --help', args: [join(DIST, 'cli.js'), '--help'], targetMs: 100 },
  { name: 'require() /testing', args: ['-e', `require(${JSON.stringify(join(DIST, 'testing', 'index.js'))})`], targetMs: undefined },
  { name: 'require() /props + form', args: ['-e', `require(${JSON.stringify(join(DIST, 'props.js'))}).hashicorpVaultPieceProps()`], targetMs: undefined },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Wall time of one fresh process, in ms; a failing command is a broken build, not a slow one. */
function timeOnce(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const res = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 0) throw new Error(`node ${args.join(' ')} exited ${res.status}: ${res.stderr.trim().split('\n')[0]}`);
  return ms;
}

/** Interleaved runs, so a burst of load on a shared machine hits every case alike. */
function measure(cases: readonly Case[]): { bare: number; medians: number[] } {
  const bare: number[] = [];
  const samples = cases.map((): number[] => []);
  for (let run = 0; run < RUNS; run++) {
    bare.push(timeOnce(['-e', '0']));
    cases.forEach((c, i) => samples[i].push(timeOnce(c.args)));
  }
  return { bare: median(bare), medians: samples.map(median) };
}

/** The start-up rows for `npm run bench` (ours = ms over bare node; baseline column = bare node's ms). */
export function startupRows(): Row[] {
  if (!existsSync(join(DIST, 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first.');
  const { bare, medians } = measure(CASES);
  return CASES.map((c, i) => {
    const overMs = Math.round(medians[i] - bare);
    return {
      id: `9${'abcd'[i]}`, scenario: `start-up: ${c.name}`, unit: 'ms over bare node (baseline: bare node)',
      ours: overMs, baseline: Math.round(bare), target: c.targetMs === undefined ? 'reported' : `<= +${c.targetMs}`,
      met: c.targetMs === undefined || overMs <= c.targetMs, detail: { medianMs: Math.round(medians[i]), runs: RUNS },
    };
  });
}

function main(): void {
  if (!existsSync(join(DIST, 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first.');
  const { bare, medians } = measure(CASES);
  const rows = CASES.map((c, i) => {
    const overMs = medians[i] - bare;
    return { case: c.name, medianMs: Math.round(medians[i]), overBareMs: Math.round(overMs), targetMs: c.targetMs, met: c.targetMs === undefined || overMs <= c.targetMs };
  });
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  console.log(line(['start-up', 'median ms', 'over bare node', 'target', '']));
  console.log(line(['---', '---:', '---:', '---:', '---']));
  console.log(line(['node -e 0', String(Math.round(bare)), '', '', '']));
  for (const r of rows) {
    console.log(line([r.case, String(r.medianMs), `+${r.overBareMs}`, r.targetMs === undefined ? '—' : `≤ +${r.targetMs}`, r.targetMs === undefined ? '' : r.met ? 'met' : 'MISSED']));
  }
  console.log(JSON.stringify({ bench: 'startup', node: process.version, runs: RUNS, bareMs: Math.round(bare), rows }));
  if (!rows.every((r) => r.met)) process.exitCode = 1;
}

if (require.main === module) main();

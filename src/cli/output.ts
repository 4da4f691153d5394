import type { CheckReport, CheckStep } from './check';
import type { CliIo } from './io';

/** How results, secret values and durations are shown on the terminal. */

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


const MARK: Record<CheckStep['status'], string> = { ok: '✓', fail: '✗', skip: '-' };

/** The check as a person reads it, printed as it goes: one line per step, the fix indented under each ✗. */
export function printCheckHeader(settings: { url: string; namespace: string; appRoleMount: string }, io: CliIo): void {
  io.stdout(`Checking Vault at ${settings.url} (namespace: ${settings.namespace || 'root'}, AppRole mount: ${settings.appRoleMount})`);
}

export function printCheckStep(step: CheckStep, io: CliIo): void {
  if (step.status === 'fail') {
    io.stdout(`${MARK.fail} ${step.title}`);
    io.stdout(`    ${step.detail}`);
  } else {
    io.stdout(`${MARK[step.status]} ${step.title}: ${step.detail}`);
  }
}

export function printCheckSummary(report: CheckReport, io: CliIo): void {
  const failed = report.steps.filter((s) => s.status === 'fail').length;
  io.stdout(
    failed === 0
      ? `\nAll ${report.steps.length} checks passed.`
      : `\n${failed} of ${report.steps.length} checks failed (exit code ${report.exitCode}).`,
  );
}

export function printJson(io: CliIo, document: unknown): void {
  io.stdout(JSON.stringify(document, null, 2));
}

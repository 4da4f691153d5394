import type { CheckReport, CheckStep } from './check';
import type { CliIo } from './io';

const MARK: Record<CheckStep['status'], string> = { ok: '✓', fail: '✗', skip: '-' };

/** The check as a person reads it: one line per step, the fix indented under each ✗. */
export function printCheck(report: CheckReport, io: CliIo): void {
  const namespace = report.namespace || 'root';
  io.stdout(`Checking Vault at ${report.url} (namespace: ${namespace}, AppRole mount: ${report.appRoleMount})`);
  for (const step of report.steps) {
    if (step.status === 'fail') {
      io.stdout(`${MARK.fail} ${step.title}`);
      io.stdout(`    ${step.detail}`);
    } else {
      io.stdout(`${MARK[step.status]} ${step.title}: ${step.detail}`);
    }
  }
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

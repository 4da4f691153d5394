import type { CliIo } from '../../src/cli';

/**
 * The CLI reads AP_SSRF_ALLOW_LIST from `io.env`, not from process.env (where the jest setup puts
 * it): an io allows loopback the same way, explicitly, unless the test's env names the variable
 * itself (`{ AP_SSRF_ALLOW_LIST: undefined }` for no allow list at all).
 */
export const LOOPBACK_ALLOWED = { AP_SSRF_ALLOW_LIST: '127.0.0.1/32,::1/128' } as const;

/** An io for `main` that keeps what was written, with the environment given (nothing else of the real one). */
export interface CapturedIo extends CliIo {
  readonly out: string[];
  readonly err: string[];
  stdoutText(): string;
  stderrText(): string;
}

export function captureIo(env: Record<string, string | undefined> = {}, files: Record<string, string> = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    env: { ...LOOPBACK_ALLOWED, ...env },
    stdout: (text) => out.push(...text.split('\n')),
    stderr: (text) => err.push(...text.split('\n')),
    readFile: (path) => {
      if (!(path in files)) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return files[path];
    },
    stdoutText: () => out.join('\n'),
    stderrText: () => err.join('\n'),
  };
}

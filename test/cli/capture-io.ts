import type { CliIo } from '../../src/cli';

/** An io for `main` that keeps what was written, with the environment given (nothing of the real one). */
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
    env,
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

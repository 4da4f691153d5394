import { readFileSync } from 'node:fs';

/** What the command line touches of the outside world; tests pass their own. */
export interface CliIo {
  /** Writes to standard output (a trailing newline is added). */
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): string;
}

/**
 * What became of the process's output: `reader-left` when the other end of a pipe closed
 * (`ap-vault check | head -1`, EPIPE), `failed` when a write failed otherwise.
 */
export type OutputState = 'ok' | 'reader-left' | 'failed';

export interface ProcessIo extends CliIo {
  outputState(): OutputState;
}

export function processIo(): ProcessIo {
  const out = guarded(process.stdout);
  const err = guarded(process.stderr);
  return {
    stdout: out.writeLine,
    stderr: err.writeLine,
    env: process.env,
    readFile: (path) => readFileSync(path, 'utf8'),
    outputState: () => (out.state() === 'failed' || err.state() === 'failed' ? 'failed' : out.state() === 'ok' ? err.state() : 'reader-left'),
  };
}

/**
 * A stream whose write errors are taken, not thrown: Node emits EPIPE as an 'error' event, and
 * with no listener it becomes an uncaught exception (a stack trace and exit 1 for a reader that
 * merely stopped reading). After the first error nothing more is written to that stream; the
 * command still finishes, so its token is revoked.
 */
function guarded(stream: NodeJS.WriteStream): { writeLine(text: string): void; state(): OutputState } {
  let state: OutputState = 'ok';
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (state === 'ok') state = error.code === 'EPIPE' ? 'reader-left' : 'failed';
  });
  return {
    writeLine: (text) => {
      if (state === 'ok') stream.write(`${text}\n`);
    },
    state: () => state,
  };
}

import { readFileSync } from 'node:fs';

/** What the command line touches of the outside world; tests pass their own. */
export interface CliIo {
  /** Writes to standard output (a trailing newline is added). */
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): string;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    readFile: (path) => readFileSync(path, 'utf8'),
  };
}

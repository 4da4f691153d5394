#!/usr/bin/env node
/**
 * `ap-vault`: the admin command line (check, resolve, demo). See `ap-vault --help`.
 * Kept to a few modules so it starts fast: the pieces framework is never loaded.
 */
import { main } from './cli/main';
import { ExitCode, type ExitCodeValue } from './cli/exit-codes';
import { processIo, type OutputState } from './cli/io';

export { main };
export type { CliIo } from './cli/io';
export { ExitCode } from './cli/exit-codes';

/** A reader that left (EPIPE) is not a failure of ours: it had what it wanted. A write that failed otherwise is. */
export function processExitCode(code: ExitCodeValue, output: OutputState): ExitCodeValue {
  if (output === 'reader-left') return ExitCode.OK;
  if (output === 'failed' && code === ExitCode.OK) return ExitCode.INTERNAL;
  return code;
}

if (require.main === module) {
  // The provider's retry waits use unref'd timers (a server must be able to exit while one runs);
  // a command line has nothing else keeping it alive, so it holds the event loop until main ends.
  const keepAlive = setInterval(() => undefined, 60_000);
  const io = processIo();
  void main(process.argv.slice(2), io)
    .then((code) => {
      process.exitCode = processExitCode(code, io.outputState());
    })
    .finally(() => clearInterval(keepAlive));
}

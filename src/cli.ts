#!/usr/bin/env node
/**
 * `ap-vault`: the admin command line (check, resolve, demo). See `ap-vault --help`.
 * Kept to a few modules so it starts fast: the pieces framework is never loaded.
 */
import { main } from './cli/main';
import { processIo } from './cli/io';

export { main };
export type { CliIo } from './cli/io';
export { ExitCode } from './cli/exit-codes';

if (require.main === module) {
  // The provider's retry waits use unref'd timers (a server must be able to exit while one runs);
  // a command line has nothing else keeping it alive, so it holds the event loop until main ends.
  const keepAlive = setInterval(() => undefined, 60_000);
  void main(process.argv.slice(2), processIo())
    .then((code) => {
      process.exitCode = code;
    })
    .finally(() => clearInterval(keepAlive));
}

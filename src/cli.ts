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
  void main(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}

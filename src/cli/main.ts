import { humanMessage } from '../errors';
import { checkConnection } from './check';
import { connectionConfig, parseCommandLine, USAGE, UsageError, type CommandLine } from './args';
import { runDemo } from './demo';
import { ExitCode, exitCodeForError, ExitCodeValue } from './exit-codes';
import { masked } from './format';
import type { CliIo } from './io';
import { printCheck, printJson } from './report';
import { resolveOne } from './resolve';

/** `ap-vault` without the process: arguments in, exit code out; every output goes through `io`. */
export async function main(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  try {
    const line = parseCommandLine(argv);
    if (line.flags.help || line.command === 'help') {
      io.stdout(USAGE);
      return ExitCode.OK;
    }
    switch (line.command) {
      case 'check':
        return await check(line, io);
      case 'resolve':
        return await resolve(line, io);
      case 'demo':
        return await runDemo(line, io);
      default:
        io.stderr(USAGE);
        return ExitCode.USAGE;
    }
  } catch (err) {
    return reportError(err, argv, io);
  }
}

async function check(line: CommandLine, io: CliIo): Promise<ExitCodeValue> {
  if (line.positionals.length > 0) throw new UsageError(`check takes no arguments (got "${line.positionals[0]}"); to read a value, add --path <path>.`);
  if (line.flags.paths.length > 1) throw new UsageError('check reads at most one --path.');
  const report = await checkConnection(connectionConfig(line, io), { path: line.flags.paths[0] });
  if (line.flags.json) printJson(io, { ok: report.exitCode === ExitCode.OK, ...report });
  else printCheck(report, io);
  return report.exitCode;
}

async function resolve(line: CommandLine, io: CliIo): Promise<ExitCodeValue> {
  const [path, extra] = line.positionals;
  if (path === undefined) throw new UsageError('resolve needs a path, e.g. ap-vault resolve secret/data/app/db/password');
  if (extra !== undefined) throw new UsageError('resolve reads one path at a time.');
  const value = await resolveOne(connectionConfig(line, io), path);
  const shown = line.flags.reveal ? value : masked(value);
  if (line.flags.json) printJson(io, { ok: true, path, length: value.length, ...(line.flags.reveal ? { value } : { masked: true }) });
  else io.stdout(`${path} = ${shown}`);
  return ExitCode.OK;
}

function reportError(err: unknown, argv: string[], io: CliIo): ExitCodeValue {
  const code = err instanceof UsageError ? ExitCode.USAGE : exitCodeForError(err);
  const message = humanMessage(err);
  if (argv.includes('--json')) {
    printJson(io, { ok: false, exitCode: code, error: message });
  } else {
    io.stderr(`ap-vault: ${message}`);
    if (err instanceof UsageError) io.stderr('Run ap-vault --help for usage.');
  }
  return code;
}

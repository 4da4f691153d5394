import { connectionConfig, parseCommandLine, USAGE, UsageError, type CommandLine } from './args';
import { ExitCode, ExitCodeValue } from './exit-codes';
import { masked } from './output';
import type { CliIo } from './io';
import { printCheckHeader, printCheckStep, printCheckSummary, printJson } from './output';
import { progressLogger } from './progress';
import { cliWording } from './wording';
import type { Logger } from '../logger';

/*
 * The commands' modules (provider, Vault client, Activepieces types) are required when a command
 * runs, so `--help` and usage errors answer at once.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const commands = {
  check: () => require('./check') as typeof import('./check'),
  resolve: () => require('./resolve') as typeof import('./resolve'),
  demo: () => require('./demo') as typeof import('./demo'),
  version: () => require('./version') as typeof import('./version'),
  errors: () => require('./exit-codes') as typeof import('./exit-codes'),
  messages: () => require('../activepieces/errors') as typeof import('../activepieces/errors'),
  settings: () => require('../config/settings') as typeof import('../config/settings'),
  retry: () => require('../vault/retry') as typeof import('../vault/retry'),
  networks: () => require('./networks') as typeof import('./networks'),
  checkMessages: () => require('./check-messages') as typeof import('./check-messages'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** `ap-vault` without the process: arguments in, exit code out; every output goes through `io`. */
export async function main(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  try {
    const line = parseCommandLine(argv);
    if (line.flags.version) {
      const version = commands.version().packageVersion();
      if (line.flags.json) printJson(io, { ok: true, version });
      else io.stdout(version);
      return ExitCode.OK;
    }
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
        return await commands.demo().runDemo(line, io);
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
  const config = connectionConfig(line, io);
  const networks = commands.networks().networksFor(line, io);
  const settings = commands.settings().parseVaultConfig(config);
  const json = line.flags.json;
  if (!json) printCheckHeader(settings, io);
  const report = await commands.check().checkConnection(config, {
    path: line.flags.paths[0],
    logger: progressFor(settings, io),
    onStep: json ? undefined : (step) => printCheckStep(step, io),
    networks,
  });
  if (json) printJson(io, { ok: report.exitCode === ExitCode.OK, ...report });
  else printCheckSummary(report, io);
  return report.exitCode;
}

async function resolve(line: CommandLine, io: CliIo): Promise<ExitCodeValue> {
  const [path, extra] = line.positionals;
  if (path === undefined) throw new UsageError('resolve needs a path, e.g. ap-vault resolve secret/data/app/db/password');
  if (extra !== undefined) throw new UsageError('resolve reads one path at a time.');
  const config = connectionConfig(line, io);
  const networks = commands.networks().networksFor(line, io);
  const logger = progressFor(commands.settings().parseVaultConfig(config), io);
  const value = await commands.resolve().resolveOne(config, path, { logger, ...networks });
  if (line.flags.json) printJson(io, { ok: true, path, length: value.length, ...(line.flags.reveal ? { value } : { masked: true }) });
  else io.stdout(`${path} = ${line.flags.reveal ? value : masked(value)}`);
  return ExitCode.OK;
}

/** Retries reported on stderr as they happen, with the policy the commands use. */
function progressFor(settings: { requestTimeoutSeconds: number }, io: CliIo): Logger {
  const maxAttempts = commands.retry().DEFAULT_RETRY_POLICY.maxAttempts;
  return progressLogger(io, { timeoutSeconds: settings.requestTimeoutSeconds, maxAttempts });
}

/** The provider's sentence in the CLI's words; a refusal of the network guard also says how to test anyway. */
function errorMessage(err: unknown): string {
  const message = cliWording(commands.messages().humanMessage(err));
  return commands.errors().isAddressRefusal(err) ? commands.checkMessages().addressRefusedMessage(message) : message;
}

function reportError(err: unknown, argv: string[], io: CliIo): ExitCodeValue {
  const usage = err instanceof UsageError;
  const code = usage ? ExitCode.USAGE : commands.errors().exitCodeForError(err);
  const message = usage ? err.message : errorMessage(err);
  if (argv.includes('--json')) {
    printJson(io, { ok: false, exitCode: code, error: message });
  } else {
    io.stderr(`ap-vault: ${message}`);
    if (usage) io.stderr('Run ap-vault --help for usage.');
  }
  return code;
}

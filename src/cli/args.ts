import { parseArgs } from 'node:util';
import type { HashicorpVaultConfig } from '../config/fields';
import type { CliIo } from './io';

export const COMMANDS = ['check', 'resolve', 'demo', 'help'] as const;
export type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  url: { type: 'string' },
  'role-id': { type: 'string' },
  'secret-id': { type: 'string' },
  namespace: { type: 'string' },
  'auth-namespace': { type: 'string' },
  'approle-mount': { type: 'string' },
  'ca-cert': { type: 'string' },
  timeout: { type: 'string' },
  'allow-network': { type: 'string', multiple: true },
  path: { type: 'string', multiple: true },
  reveal: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export interface CommandLine {
  command: Command | undefined;
  positionals: string[];
  flags: {
    url?: string;
    roleId?: string;
    secretId?: string;
    namespace?: string;
    authNamespace?: string;
    appRoleMount?: string;
    caCertFile?: string;
    timeoutSeconds?: string;
    /** `--allow-network` as written, one entry per flag (each may hold several, comma-separated). */
    allowNetworks: string[];
    paths: string[];
    reveal: boolean;
    json: boolean;
    help: boolean;
    version: boolean;
  };
}

/** A mistake in how the tool was called; nothing has been sent to Vault. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: ap-vault <command> [options]

Commands:
  check [--path <p>]       Walk the connection step by step (reachable, unsealed, AppRole login,
                           token TTL and policies, sys/mounts, KV mounts, optionally read <p>);
                           print ✓ or ✗ per step, with the fix for each ✗.
  resolve <path> [--reveal]
                           Read one value, e.g. secret/data/app/db/password; masked unless --reveal.
  demo [--path <p> --path <q>]
                           Run the provider end to end against an in-process Vault double (repository
                           checkout only), or against your Vault when VAULT_ADDR, VAULT_ROLE_ID and
                           VAULT_SECRET_ID are set (then name two secrets with --path).
  help                     Show this text (also -h, --help).
  --version                Print the version of ap-vault (also -v).

Connection (flags win over environment variables):
  --url <url>              Vault address                          env VAULT_ADDR
  --role-id <id>           AppRole Role ID                        env VAULT_ROLE_ID
  --secret-id <id>         AppRole Secret ID                      env VAULT_SECRET_ID
  --namespace <ns>         Enterprise/HCP namespace of the secrets env VAULT_NAMESPACE
  --auth-namespace <ns>    Namespace of the AppRole, if a parent of --namespace ("root" for the root)
  --approle-mount <path>   Where AppRole is enabled (default approle)
  --ca-cert <file>         PEM file of the CA that signed Vault's certificate   env VAULT_CACERT
  --timeout <seconds>      Per-request timeout (default 10)

Network guard (as the Activepieces server's): a Vault whose address is not public (private, loopback,
link-local, CGNAT, …) is refused, nothing is sent to it, and check says how to allow it.
  --allow-network <ip|cidr> Allow this address or network anyway; repeatable, or comma-separated.
                           AP_SSRF_ALLOW_LIST is read from the environment too, as the server reads it.

Output:
  --json                   One JSON document on stdout, for scripts
  --reveal                 resolve: print the value itself

Exit codes:
  0  all checks passed / value read
  1  Vault answered and something is wrong (login refused, permission denied, not found)
  2  usage or configuration error (nothing was sent to Vault), including a Vault address the
     network guard refuses
  3  Vault unreachable or unavailable (network, TLS, sealed, 5xx, rate limited): retry later
  70 internal error of ap-vault

Prefer the environment variables for the Role ID and Secret ID: flags are visible to other users in the process list.`;

export function parseCommandLine(argv: string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(parseErrorMessage(err as NodeJS.ErrnoException));
  }
  const [first, ...positionals] = parsed.positionals;
  if (first !== undefined && !(COMMANDS as readonly string[]).includes(first)) {
    throw new UsageError(`Unknown command "${first}". Commands: ${COMMANDS.join(', ')}.`);
  }
  const v = parsed.values;
  return {
    command: first as Command | undefined,
    positionals,
    flags: {
      url: v.url,
      roleId: v['role-id'],
      secretId: v['secret-id'],
      namespace: v.namespace,
      authNamespace: v['auth-namespace'],
      appRoleMount: v['approle-mount'],
      caCertFile: v['ca-cert'],
      timeoutSeconds: v.timeout,
      allowNetworks: v['allow-network'] ?? [],
      paths: v.path ?? [],
      reveal: v.reveal ?? false,
      json: v.json ?? false,
      help: v.help ?? false,
      version: v.version ?? false,
    },
  };
}

/**
 * node:util's texts, reworded: its unknown-option text ends in a quote it never closes
 * (`as in '-- "--colour"`), and its missing-value text names a `<value>` placeholder.
 */
function parseErrorMessage(err: NodeJS.ErrnoException): string {
  const option = /'(-[^' ]*)/.exec(err.message)?.[1];
  if (option === undefined) return err.message;
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Unknown option "${option}".`;
  if (/does not take an argument/.test(err.message)) return `Option "${option}" takes no value.`;
  if (/argument missing|ambiguous/.test(err.message)) return `Option "${option}" needs a value (one that starts with "-" is written ${option}=-…).`;
  return err.message;
}

/** True when flags or environment name a whole connection (URL, Role ID and Secret ID). */
export function hasConnection(line: CommandLine, env: CliIo['env']): boolean {
  const f = line.flags;
  return Boolean((f.url ?? env.VAULT_ADDR) && (f.roleId ?? env.VAULT_ROLE_ID) && (f.secretId ?? env.VAULT_SECRET_ID));
}

/** The connection config from flags, then `VAULT_*` variables. Throws UsageError naming what is missing. */
export function connectionConfig(line: CommandLine, io: Pick<CliIo, 'env' | 'readFile'>): HashicorpVaultConfig {
  const f = line.flags;
  const env = io.env;
  const url = f.url ?? env.VAULT_ADDR;
  const roleId = f.roleId ?? env.VAULT_ROLE_ID;
  const secretId = f.secretId ?? env.VAULT_SECRET_ID;
  const missing = [
    url ? undefined : '--url (or VAULT_ADDR)',
    roleId ? undefined : '--role-id (or VAULT_ROLE_ID)',
    secretId ? undefined : '--secret-id (or VAULT_SECRET_ID)',
  ].filter((m): m is string => m !== undefined);
  if (missing.length > 0) throw new UsageError(`Missing ${missing.join(', ')}.`);
  const config: HashicorpVaultConfig = { url: url!, roleId: roleId!, secretId: secretId! };
  const namespace = f.namespace ?? env.VAULT_NAMESPACE;
  if (namespace) config.namespace = namespace;
  if (f.authNamespace) config.authNamespace = f.authNamespace;
  if (f.appRoleMount) config.appRoleMount = f.appRoleMount;
  if (f.timeoutSeconds) config.requestTimeoutSeconds = f.timeoutSeconds;
  const caFile = f.caCertFile ?? env.VAULT_CACERT;
  if (caFile) config.caCertificate = readCaFile(caFile, io);
  return config;
}

function readCaFile(file: string, io: Pick<CliIo, 'readFile'>): string {
  try {
    return io.readFile(file);
  } catch (err) {
    throw new UsageError(`Cannot read the CA certificate file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
}

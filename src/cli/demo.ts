import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { nanoid } from 'nanoid';
import type { CustomAuthConnectionValue } from '@activepieces/shared/src/lib/automation/app-connection/app-connection';
import { HASHICORP_PROVIDER_ID, SCOPE } from '../activepieces/shared';
import type { HashicorpVaultConfig } from '../config/fields';
import { resolveConnectionValue } from '../activepieces/connection-value';
import { humanMessage, isActivepiecesError } from '../activepieces/errors';
import { createHashicorpVaultProvider, HashicorpVaultProvider } from '../provider/provider';
import { formatSecretReference } from '../activepieces/references';
import type { ResolveContext } from '../activepieces/resolve-references';
import { parseVaultConfig } from '../config/settings';
import { DEFAULT_RETRY_POLICY } from '../vault/retry';
import { connectionConfig, hasConnection, UsageError, type CommandLine } from './args';
import { DemoReport, type DemoRequestCount } from './demo-report';
import { progressLogger } from './progress';
import { cliWording } from './wording';
import { exitCodeForError, isAddressRefusal } from './exit-codes';
import { addressRefusedMessage } from './check-messages';
import { networksFor, type CliNetworks } from './networks';
import { ExitCode, ExitCodeValue } from './exit-codes';
import { masked } from './output';
import type { CliIo } from './io';

/** The secret-manager connection id the sample piece connection refers to: a fresh id per run, as Activepieces makes them (21-character nanoid). */
const DEMO_CONNECTION_ID = nanoid();
/** Where the in-process double listens (the network guard refuses loopback unless allowed). */
const LOOPBACK = '127.0.0.1/32';
/** Resolves after the first one, to show they are served from the cache. */
const WARM_RESOLVES = 5;

interface Sample {
  /** prop name → Vault path */
  paths: Record<string, string>;
  /** prop name → the value stored (known only when the demo stored it) */
  stored?: Record<string, string>;
}

interface RequestCount {
  method: string;
  path: string;
}

/** `ap-vault demo`: the provider end to end, on the in-process double or on the Vault in VAULT_*. */
export async function runDemo(line: CommandLine, io: CliIo): Promise<ExitCodeValue> {
  const report = new DemoReport(io, line.flags.json);
  const code = hasConnection(line, io.env) ? await demoOnYourVault(line, io, report) : await demoOnDouble(io, report);
  return report.finish(code);
}

async function demoOnDouble(io: CliIo, report: DemoReport): Promise<ExitCodeValue> {
  // The double ships as `<package>/testing`; required here so no other command loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { VaultDouble, VaultAdmin, provisionAppRole } = require('../testing') as typeof import('../testing');
  const double = await VaultDouble.start();
  try {
    report.on('double', double.url);
    if (io.env.VAULT_ADDR) report.say('VAULT_ADDR is set, but VAULT_ROLE_ID and VAULT_SECRET_ID are not: using the in-process Vault double.');
    report.say(`1. Started the Vault double in this process at ${double.url}`);
    const admin = new VaultAdmin(double.url, double.rootToken, { ca: double.caCertificatePem });
    const setup = await provisionAppRole(admin, { approleMount: 'approle', kvMount: 'secret' });
    const stored = { api_key: `sk_demo_${randomBytes(16).toString('hex')}`, subdomain: `acme-${randomBytes(2).toString('hex')}` };
    await admin.putKv2(setup.kvMount, 'demo/acme-crm', stored);
    report.say(
      `2. Provisioned it with the root token: AppRole at auth/${setup.approleMount}, KV v2 at ${setup.kvMount}/, ` +
        `policy ${setup.policyName} (read ${setup.kvMount}/data/*, read sys/mounts), role ${setup.roleName}; ` +
        `stored ${setup.kvMount}/data/demo/acme-crm with keys ${Object.keys(stored).join(', ')}`,
    );
    const config = { url: double.url, roleId: setup.credentials.roleId, secretId: setup.credentials.secretId };
    const from = double.requests.length;
    const paths = { api_key: `${setup.kvMount}/data/demo/acme-crm/api_key`, subdomain: `${setup.kvMount}/data/demo/acme-crm/subdomain` };
    // The double listens on loopback, which the network guard refuses unless allowed: allowed here, for it alone.
    const code = await scenario(config, { paths, stored }, io, report, 3, { allowedNetworks: [LOOPBACK], environment: io.env });
    // Server-side log: what really reached Vault, the provisioning (root token) left out.
    reportRequests(report, double.requests.slice(from).filter((r) => !r.admin), 'reached the double');
    return code;
  } finally {
    await double.stop();
    report.say('Stopped the double.');
  }
}

async function demoOnYourVault(line: CommandLine, io: CliIo, report: DemoReport): Promise<ExitCodeValue> {
  const config = connectionConfig(line, io);
  const networks = networksFor(line, io);
  if (line.flags.paths.length !== 2) {
    throw new UsageError('with VAULT_ADDR, VAULT_ROLE_ID and VAULT_SECRET_ID set, the demo reads your Vault and writes nothing: name two secrets, e.g. ap-vault demo --path secret/data/app/api_key --path secret/data/app/user');
  }
  report.on('yours', parseVaultConfig(config).url);
  report.say(`1. Using your Vault at ${config.url} (from flags / VAULT_*); the demo writes nothing to it.`);
  const [first, second] = line.flags.paths;
  const sent: RequestCount[] = [];
  // Client side: every HTTP request this process starts is one to Vault.
  const onRequest = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    sent.push({ method: request.method, path: request.path.split('?')[0] });
  };
  subscribe('http.client.request.start', onRequest);
  try {
    const code = await scenario(config, { paths: { first, second } }, io, report, 2, networks);
    reportRequests(report, sent, 'were sent to Vault');
    return code;
  } finally {
    unsubscribe('http.client.request.start', onRequest);
  }
}

/** Validate the connection, resolve a piece connection value holding two references, then again from the cache. */
async function scenario(config: HashicorpVaultConfig, sample: Sample, io: CliIo, report: DemoReport, step: number, networks: CliNetworks): Promise<ExitCodeValue> {
  const logger = progressLogger(io, { timeoutSeconds: parseVaultConfig(config).requestTimeoutSeconds, maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts });
  const provider = createHashicorpVaultProvider({ logger, ...networks });
  try {
    const summary = await provider.validate({ config });
    report.say(
      `${step}. Validated the connection (what Save does in Platform Admin → Security → Secret Managers): ✓ ${summary.token.type} token, ` +
        `policies ${summary.token.policies.join(', ')}; KV mounts ${summary.kvMounts.map((m) => `${m.path} (v${m.version})`).join(', ') || '(none)'}`,
    );
    const value: CustomAuthConnectionValue = {
      // The enum's value, without loading its module at start-up (a type-only import).
      type: 'CUSTOM_AUTH' as CustomAuthConnectionValue['type'],
      props: { ...referencesTo(sample.paths), region: 'eu-west-1' },
    };
    const resolved = await resolveConnectionValue(value, demoContext(config, provider));
    report.say(`${step + 1}. Resolved a CUSTOM_AUTH piece connection value holding two references:`);
    let mismatches = 0;
    for (const [prop, text] of Object.entries(value.props)) {
      const out = String(resolved.props[prop]);
      if (!(prop in sample.paths)) {
        report.prop({ prop, text: String(text) });
        report.detail(`     props.${prop}: ${text} (plain text, unchanged)`);
        continue;
      }
      const expected = sample.stored?.[prop];
      const verdict = expected === undefined ? '' : expected === out ? ' ✓ the value stored' : ' ✗ NOT the value stored';
      if (expected !== undefined && expected !== out) mismatches++;
      report.prop({ prop, text: String(text), length: out.length, ...(expected === undefined ? {} : { matchesStored: expected === out }) });
      report.detail(`     props.${prop}: ${text} → ${masked(out)}${verdict}`);
    }
    for (let i = 0; i < WARM_RESOLVES; i++) await resolveConnectionValue(value, demoContext(config, provider));
    report.say(`${step + 2}. Resolved it ${WARM_RESOLVES} more times: served from the cache, with the token kept.`);
    return mismatches === 0 ? ExitCode.OK : ExitCode.FAILED;
  } catch (err) {
    if (!isActivepiecesError(err)) throw err;
    const message = cliWording(humanMessage(err));
    report.fail(isAddressRefusal(err) ? addressRefusedMessage(message) : message);
    return exitCodeForError(err);
  } finally {
    await provider.close();
  }
}

function referencesTo(paths: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(paths).map(([prop, path]) => [prop, formatSecretReference({ connectionId: DEMO_CONNECTION_ID, path })]));
}

/** What the engine knows at run time: the platform, the project, and the secret-manager connection by id. */
function demoContext(config: HashicorpVaultConfig, provider: HashicorpVaultProvider): ResolveContext {
  return {
    platformId: 'demo-platform',
    projectId: 'demo-project',
    providers: [provider],
    getConnection: (id) =>
      id === DEMO_CONNECTION_ID
        ? { id, platformId: 'demo-platform', providerId: HASHICORP_PROVIDER_ID, scope: SCOPE.PLATFORM, config }
        : null,
  };
}

function reportRequests(report: DemoReport, requests: ReadonlyArray<RequestCount>, verb: string): void {
  const counts = new Map<string, DemoRequestCount>();
  for (const r of requests) {
    const key = `${r.method} ${r.path}`;
    const entry = counts.get(key) ?? { method: r.method, path: r.path, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  report.requests([...counts.values()]);
  report.detail(`Requests that ${verb}: ${requests.length}`);
  for (const r of counts.values()) report.detail(`     ${String(r.count).padStart(2)} × ${r.method.padEnd(4)} ${r.path}`);
  report.detail('     (validate: its own login, sys/mounts, revoke; resolving: one login and one read for both keys of the secret, then the cache; closing: revoke)');
}

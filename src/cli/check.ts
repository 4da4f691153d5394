import type { HashicorpVaultConfig } from '../config/fields';
import type { VaultSettings } from '../config/settings';
import { parseVaultConfig } from '../config/settings';
import { humanMessage, isActivepiecesError } from '../activepieces/errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { createHashicorpVaultProvider } from '../provider/provider';
import { VaultClient, VaultResponse } from '../vault/client';
import {
  lookupSelfFailureMessage, mountsFailureMessage, networkFailureMessage, noKvMountMessage, notInitialisedMessage, notVaultMessage,
  onlyDefaultPolicyMessage, sealedMessage,
} from '../vault/messages';
import { VaultNetworkError } from '../vault/http';
import { createNetworkGuard, isNetworkRefusedError, type NetworkRefusedError } from '../vault/network-guard';
import { mountTableOf } from '../vault/mounts';
import { DEFAULT_RETRY_POLICY, isTransientStatus, realRetryClock } from '../vault/retry';
import { VaultSession } from '../vault/session';
import { exitCodeForError, isAddressRefusal } from './exit-codes';
import { ExitCode, ExitCodeValue } from './exit-codes';
import { addressRefusedMessage, namespaceIgnoredMessage, nodeNotServingMessage, servingNodeDetail } from './check-messages';
import type { CliNetworks } from './networks';
import { editionOf } from '../vault/edition';
import { HEALTH_PATH, HealthBody, NodeState, nodeStateOf } from '../vault/health';
import { duration, masked } from './output';
import { cliWording } from './wording';

export type StepId = 'reachable' | 'unsealed' | 'node' | 'namespace' | 'login' | 'token' | 'sys-mounts' | 'kv-mounts' | 'read';
export type StepStatus = 'ok' | 'fail' | 'skip';

export interface CheckStep {
  id: StepId;
  title: string;
  status: StepStatus;
  /** What was found (ok), why it was skipped (skip), or what is wrong and how to fix it (fail). */
  detail: string;
}

export interface CheckReport {
  url: string;
  namespace: string;
  appRoleMount: string;
  steps: CheckStep[];
  exitCode: ExitCodeValue;
}

export interface CheckOptions {
  /** A secret to read through the provider at the end. */
  path?: string;
  /** Where the client's retries are reported (the CLI's progress lines). Default: silent. */
  logger?: Logger;
  /** Called with each step as soon as it is known, before the walk ends. */
  onStep?: (step: CheckStep) => void;
  /**
   * The network guard's rule, as the Activepieces server applies it: AP_SSRF_ALLOW_LIST read from
   * `environment`, plus `allowedNetworks`. Default: `process.env` and nothing more.
   */
  networks?: Partial<CliNetworks>;
}

/**
 * The admin's check, one Vault request per step, in the order a connection needs them. A step
 * that makes the rest meaningless (unreachable, sealed, a node that serves nothing, login refused)
 * ends the walk; the others do not, so one run shows every problem. The optional read goes
 * through the provider itself, exactly as the engine would (so it logs in once more).
 */
export async function checkConnection(config: HashicorpVaultConfig, options: CheckOptions = {}): Promise<CheckReport> {
  const settings = parseVaultConfig(config);
  const logger = options.logger ?? silentLogger;
  const walk = new Walk(settings, options.onStep);
  const networks = options.networks ?? {};
  const guard = createNetworkGuard({ allowedNetworks: networks.allowedNetworks, env: networks.environment });
  const client = new VaultClient(settings, { retry: DEFAULT_RETRY_POLICY, clock: realRetryClock, logger, guard });
  const session = new VaultSession(client, settings, Date.now, logger);
  try {
    const health = await healthOf(client, settings, walk);
    if (!health || !nodeServes(health, settings, walk)) return walk.report();
    namespaceHonoured(health, settings, walk);
    if (!(await login(session, settings, walk))) return walk.report();
    await tokenLookup(session, settings, walk);
    await mounts(session, settings, walk);
    if (options.path !== undefined) await readOne(config, options.path, { logger, ...networks }, walk);
    return walk.report();
  } finally {
    await session.revoke();
    client.close();
  }
}

class Walk {
  private readonly steps: CheckStep[] = [];
  private exitCode: ExitCodeValue = ExitCode.OK;

  constructor(
    private readonly settings: VaultSettings,
    private readonly onStep: ((step: CheckStep) => void) | undefined,
  ) {}

  ok(id: StepId, title: string, detail: string): void {
    this.add({ id, title, status: 'ok', detail });
  }

  fail(id: StepId, title: string, message: string, exitCode: ExitCodeValue): void {
    this.add({ id, title, status: 'fail', detail: cliWording(message) });
    // Unavailable (3) outranks failed (1): the fix is to wait or reach Vault, not to change config.
    if (this.exitCode !== ExitCode.UNAVAILABLE) this.exitCode = exitCode;
  }

  skip(id: StepId, title: string, why: string): void {
    this.add({ id, title, status: 'skip', detail: why });
  }

  report(): CheckReport {
    return {
      url: this.settings.url,
      namespace: this.settings.namespace,
      appRoleMount: this.settings.appRoleMount,
      steps: this.steps,
      exitCode: this.exitCode,
    };
  }

  private add(step: CheckStep): void {
    this.steps.push(step);
    this.onStep?.(step);
  }
}

/** `GET sys/health` (unauthenticated): reachable, and is it Vault? Its body is returned for the next steps. */
async function healthOf(client: VaultClient, settings: VaultSettings, walk: Walk): Promise<{ state: NodeState; body: HealthBody } | undefined> {
  const title = 'Vault reachable';
  let res: VaultResponse;
  try {
    res = await client.send({ method: 'GET', path: HEALTH_PATH, namespace: '' });
  } catch (err) {
    if (isNetworkRefusedError(err)) {
      refused(err, 'reachable', title, walk);
      return undefined;
    }
    if (!(err instanceof VaultNetworkError)) throw err;
    walk.fail('reachable', title, networkFailureMessage(err, settings), ExitCode.UNAVAILABLE);
    return undefined;
  }
  const body = (res.body ?? {}) as HealthBody;
  const state = typeof body.sealed === 'boolean' ? nodeStateOf(res.status, body) : undefined;
  if (state === undefined) {
    walk.fail('reachable', title, notVaultMessage(res.status, settings), isTransientStatus(res.status) ? ExitCode.UNAVAILABLE : ExitCode.FAILED);
    return undefined;
  }
  walk.ok('reachable', title, `Vault ${body.version ?? '(version not given)'} at ${settings.url}`);
  return { state, body };
}

/** Unsealed, then a node that serves requests: each state named, with its fix when it serves none. */
function nodeServes({ state }: { state: NodeState }, settings: VaultSettings, walk: Walk): boolean {
  if (state === 'uninitialised' || state === 'sealed') {
    walk.fail('unsealed', 'Vault unsealed', state === 'sealed' ? sealedMessage(settings) : notInitialisedMessage(settings), ExitCode.UNAVAILABLE);
    return false;
  }
  walk.ok('unsealed', 'Vault unsealed', 'unsealed');
  const title = 'Vault node serves requests';
  const serving = servingNodeDetail(state);
  if (serving !== undefined) {
    walk.ok('node', title, serving);
    return true;
  }
  const notServing = state as 'dr-secondary' | 'ha-unhealthy' | 'removed';
  walk.fail('node', title, nodeNotServingMessage(notServing, settings), notServing === 'dr-secondary' ? ExitCode.FAILED : ExitCode.UNAVAILABLE);
  return false;
}

/** Only when a namespace is set: Community Edition would ignore it without a word (docs/vault-behaviour.md §14.9). */
function namespaceHonoured({ body }: { body: HealthBody }, settings: VaultSettings, walk: Walk): void {
  if (!settings.namespace && !settings.authNamespace) return;
  const title = 'Namespace honoured';
  const version = body.version ?? '(version not given)';
  switch (editionOf(body)) {
    case 'enterprise':
      walk.ok('namespace', title, `Vault Enterprise ${version}: namespaces apply`);
      return;
    case 'community':
      walk.fail('namespace', title, namespaceIgnoredMessage(version, settings), ExitCode.FAILED);
      return;
    default:
      walk.skip('namespace', title, `cannot tell from version ${version} whether this server honours namespaces (Vault Enterprise and OpenBao ≥ 2.3 do, Vault Community Edition ignores them)`);
  }
}

async function login(session: VaultSession, settings: VaultSettings, walk: Walk): Promise<boolean> {
  const title = `AppRole login at auth/${settings.appRoleMount}`;
  try {
    const auth = await session.loginNow();
    const lease = auth.leaseSeconds > 0 ? `lease ${duration(auth.leaseSeconds)}` : 'no expiry';
    walk.ok('login', title, `${auth.tokenType} token, ${lease}`);
    return true;
  } catch (err) {
    if (!isActivepiecesError(err)) throw err;
    failWith(err, 'login', title, walk);
    return false;
  }
}

interface LookupSelfData {
  ttl?: number;
  renewable?: boolean;
  type?: string;
  num_uses?: number;
  policies?: string[];
  identity_policies?: string[];
}

async function tokenLookup(session: VaultSession, settings: VaultSettings, walk: Walk): Promise<void> {
  const title = 'Token TTL and policies (lookup-self)';
  // docs/vault-behaviour.md §3.3: the -self paths run in the token's own namespace, where the login happened.
  const res = await sendOrFail(session, { method: 'GET', path: 'auth/token/lookup-self', namespace: settings.authNamespace }, settings, walk, 'token', title);
  if (!res) return;
  if (res.status !== 200) {
    walk.fail('token', title, lookupSelfFailureMessage(res, settings), exitCodeForStatus(res.status));
    return;
  }
  const data = (res.body?.data ?? {}) as LookupSelfData;
  const policies = [...new Set([...(data.policies ?? []), ...(data.identity_policies ?? [])])];
  const ttl = data.ttl && data.ttl > 0 ? `TTL ${duration(data.ttl)}` : 'no expiry';
  const uses = data.num_uses ? `, ${data.num_uses} uses left` : '';
  const detail = `${data.type ?? 'service'} token, ${ttl}${data.renewable ? ', renewable' : ''}${uses}; policies: ${policies.join(', ') || '(none)'}`;
  if (policies.every((p) => p === 'default')) {
    walk.fail('token', title, `${detail}. ${onlyDefaultPolicyMessage(settings)}`, ExitCode.FAILED);
    return;
  }
  walk.ok('token', title, detail);
}

async function mounts(session: VaultSession, settings: VaultSettings, walk: Walk): Promise<void> {
  const title = 'sys/mounts readable';
  const res = await sendOrFail(session, { method: 'GET', path: 'sys/mounts', namespace: settings.namespace }, settings, walk, 'sys-mounts', title);
  if (!res || res.status !== 200) {
    if (res) walk.fail('sys-mounts', title, mountsFailureMessage(res, settings), exitCodeForStatus(res.status));
    walk.skip('kv-mounts', 'KV mounts found', 'needs sys/mounts');
    return;
  }
  const table = mountTableOf(res);
  walk.ok('sys-mounts', title, `${table.size} mount${table.size === 1 ? '' : 's'} listed`);
  const kv = [...table].filter(([, m]) => m.kvVersion !== undefined).sort(([a], [b]) => a.localeCompare(b));
  if (kv.length === 0) walk.fail('kv-mounts', 'KV mounts found', noKvMountMessage(settings), ExitCode.FAILED);
  else walk.ok('kv-mounts', 'KV mounts found', kv.map(([path, m]) => `${path}/ (v${m.kvVersion})`).join(', '));
}

/**
 * No socket was opened: the address (of the URL, or of a standby's redirect) is one the server
 * would refuse. Exit 2, a configuration error, not 3: waiting will not change it.
 */
function refused(err: NetworkRefusedError, id: StepId, title: string, walk: Walk): void {
  walk.fail(id, title, addressRefusedMessage(err.message, err.address), ExitCode.USAGE);
}

/** A provider error as a ✗: its message (a refusal of the guard gets the way to test anyway) and its exit code. */
function failWith(err: unknown, id: StepId, title: string, walk: Walk): void {
  const message = humanMessage(err);
  walk.fail(id, title, isAddressRefusal(err) ? addressRefusedMessage(message) : message, exitCodeForError(err));
}

async function readOne(config: HashicorpVaultConfig, path: string, options: { logger: Logger } & Partial<CliNetworks>, walk: Walk): Promise<void> {
  const title = `Read ${path}`;
  const provider = createHashicorpVaultProvider(options);
  try {
    const value = await provider.resolve({ connectionId: 'ap-vault-check', config, path });
    walk.ok('read', title, masked(value));
  } catch (err) {
    if (!isActivepiecesError(err)) throw err;
    failWith(err, 'read', title, walk);
  } finally {
    await provider.close();
  }
}

async function sendOrFail(
  session: VaultSession,
  request: Parameters<VaultSession['send']>[0],
  settings: VaultSettings,
  walk: Walk,
  id: StepId,
  title: string,
): Promise<VaultResponse | undefined> {
  try {
    return await session.send(request);
  } catch (err) {
    if (isNetworkRefusedError(err)) {
      refused(err, id, title, walk);
      return undefined;
    }
    if (err instanceof VaultNetworkError) {
      walk.fail(id, title, networkFailureMessage(err, settings), ExitCode.UNAVAILABLE);
      return undefined;
    }
    if (!isActivepiecesError(err)) throw err;
    failWith(err, id, title, walk);
    return undefined;
  }
}

function exitCodeForStatus(status: number): ExitCodeValue {
  return isTransientStatus(status) ? ExitCode.UNAVAILABLE : ExitCode.FAILED;
}

import type { HashicorpVaultConfig } from '../config/fields';
import type { VaultSettings } from '../config/settings';
import { parseVaultConfig } from '../config/settings';
import { humanMessage, isActivepiecesError } from '../activepieces/errors';
import { silentLogger } from '../logger';
import { createHashicorpVaultProvider } from '../provider/provider';
import { VaultClient, VaultResponse } from '../vault/client';
import {
  lookupSelfFailureMessage, mountsFailureMessage, networkFailureMessage, noKvMountMessage, notInitialisedMessage, notVaultMessage,
  onlyDefaultPolicyMessage, sealedMessage,
} from '../vault/messages';
import { VaultNetworkError } from '../vault/http';
import { mountTableOf } from '../vault/mounts';
import { DEFAULT_RETRY_POLICY, isTransientStatus, realRetryClock } from '../vault/retry';
import { VaultSession } from '../vault/session';
import { exitCodeForError } from './exit-codes';
import { ExitCode, ExitCodeValue } from './exit-codes';
import { duration, masked } from './output';

export type StepId = 'reachable' | 'unsealed' | 'login' | 'token' | 'sys-mounts' | 'kv-mounts' | 'read';
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

/**
 * The admin's check, one Vault request per step, in the order a connection needs them. A step
 * that makes the rest meaningless (unreachable, sealed, login refused) ends the walk; the others
 * do not, so one run shows every problem. The optional read goes through the provider itself,
 * exactly as the engine would (so it logs in once more).
 */
export async function checkConnection(config: HashicorpVaultConfig, options: { path?: string } = {}): Promise<CheckReport> {
  const settings = parseVaultConfig(config);
  const walk = new Walk(settings);
  const client = new VaultClient(settings, { retry: DEFAULT_RETRY_POLICY, clock: realRetryClock });
  const session = new VaultSession(client, settings, Date.now, silentLogger);
  try {
    if (!(await reachableAndUnsealed(client, settings, walk))) return walk.report();
    if (!(await login(session, settings, walk))) return walk.report();
    await tokenLookup(session, settings, walk);
    await mounts(session, settings, walk);
    if (options.path !== undefined) await readOne(config, options.path, walk);
    return walk.report();
  } finally {
    await session.revoke();
    client.close();
  }
}

class Walk {
  private readonly steps: CheckStep[] = [];
  private exitCode: ExitCodeValue = ExitCode.OK;

  constructor(private readonly settings: VaultSettings) {}

  ok(id: StepId, title: string, detail: string): void {
    this.steps.push({ id, title, status: 'ok', detail });
  }

  fail(id: StepId, title: string, message: string, exitCode: ExitCodeValue): void {
    this.steps.push({ id, title, status: 'fail', detail: message });
    // Unavailable (3) outranks failed (1): the fix is to wait or reach Vault, not to change config.
    if (this.exitCode !== ExitCode.UNAVAILABLE) this.exitCode = exitCode;
  }

  skip(id: StepId, title: string, why: string): void {
    this.steps.push({ id, title, status: 'skip', detail: why });
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
}

/**
 * `GET sys/health` (unauthenticated, docs/vault-behaviour.md §9) with every state mapped to 200, so a sealed or
 * standby Vault answers at once instead of being retried as a 503/429; the body says which.
 */
const HEALTH_PATH = 'sys/health?standbycode=200&sealedcode=200&uninitcode=200&perfstandbyok=true&drsecondarycode=200';

interface HealthBody {
  initialized?: boolean;
  sealed?: boolean;
  standby?: boolean;
  version?: string;
}

async function reachableAndUnsealed(client: VaultClient, settings: VaultSettings, walk: Walk): Promise<boolean> {
  let res: VaultResponse;
  try {
    res = await client.send({ method: 'GET', path: HEALTH_PATH, namespace: '' });
  } catch (err) {
    if (!(err instanceof VaultNetworkError)) throw err;
    walk.fail('reachable', 'Vault reachable', networkFailureMessage(err, settings), ExitCode.UNAVAILABLE);
    return false;
  }
  const health = (res.body ?? {}) as HealthBody;
  if (typeof health.sealed !== 'boolean') {
    walk.fail('reachable', 'Vault reachable', notVaultMessage(res.status, settings), ExitCode.FAILED);
    return false;
  }
  walk.ok('reachable', 'Vault reachable', `Vault ${health.version ?? '(version not given)'} at ${settings.url}, ${health.standby ? 'standby node' : 'active node'}`);
  if (health.initialized === false) {
    walk.fail('unsealed', 'Vault unsealed', notInitialisedMessage(settings), ExitCode.UNAVAILABLE);
    return false;
  }
  if (health.sealed) {
    walk.fail('unsealed', 'Vault unsealed', sealedMessage(settings), ExitCode.UNAVAILABLE);
    return false;
  }
  walk.ok('unsealed', 'Vault unsealed', 'unsealed');
  return true;
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
    walk.fail('login', title, humanMessage(err), exitCodeForError(err));
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

async function readOne(config: HashicorpVaultConfig, path: string, walk: Walk): Promise<void> {
  const title = `Read ${path}`;
  const provider = createHashicorpVaultProvider();
  try {
    const value = await provider.resolve({ connectionId: 'ap-vault-check', config, path });
    walk.ok('read', title, masked(value));
  } catch (err) {
    if (!isActivepiecesError(err)) throw err;
    walk.fail('read', title, humanMessage(err), exitCodeForError(err));
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
    if (err instanceof VaultNetworkError) {
      walk.fail(id, title, networkFailureMessage(err, settings), ExitCode.UNAVAILABLE);
      return undefined;
    }
    if (!isActivepiecesError(err)) throw err;
    walk.fail(id, title, humanMessage(err), exitCodeForError(err));
    return undefined;
  }
}

function exitCodeForStatus(status: number): ExitCodeValue {
  return isTransientStatus(status) ? ExitCode.UNAVAILABLE : ExitCode.FAILED;
}

// GET/HEAD /v1/sys/health and GET /v1/sys/seal-status: raw JSON bodies (no envelope), status by
// node state (docs/vault-behaviour.md §9, §14.7; OB internal/http/sys_health.go getSysHealth;
// HV website/content/api-docs/system/health.mdx).
import { randomUUID } from 'node:crypto';
import type { FlavourTraits } from './flavours';
import type { NodeStatus } from './node-status';
import { Reply, errorReply, goJson } from './responses';
import type { Clock } from './types';

const CLUSTER_ID = randomUUID();
const CLUSTER_NAME = 'vault-cluster-double';

/** The status-code query parameters and their defaults (§14.7). */
const CODE_DEFAULTS = {
  activecode: 200,
  standbycode: 429,
  drsecondarycode: 472,
  performancestandbycode: 473,
  haunhealthycode: 474,
  uninitcode: 501,
  sealedcode: 503,
  removedcode: 530,
} as const;
type CodeName = keyof typeof CODE_DEFAULTS;

export interface HealthInput {
  node: NodeStatus;
  flavour: FlavourTraits;
  clock: Clock;
}

/** OB fetchStatusCode: strconv.Atoi; a bad value ⇒ 400 with an empty error list. */
function codes(query: URLSearchParams): Record<CodeName, number> | undefined {
  const out = { ...CODE_DEFAULTS } as Record<CodeName, number>;
  for (const name of Object.keys(CODE_DEFAULTS) as CodeName[]) {
    const raw = query.get(name);
    if (raw === null) continue;
    if (!/^[+-]?\d+$/.test(raw)) return undefined;
    out[name] = Number(raw);
  }
  return out;
}

/** Go's strconv.ParseBool (parseutil.ParseBool); absent ⇒ false. */
function flag(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return false;
  if (/^(1|t|T|TRUE|true|True)$/.test(raw)) return true;
  if (/^(0|f|F|FALSE|false|False)$/.test(raw)) return false;
  return undefined;
}

/** docs/vault-behaviour.md §14.7 order: uninitialised, sealed, removed, DR secondary, perf standby, HA-unhealthy, standby. */
function statusFor(node: NodeStatus, c: Record<CodeName, number>, standbyOk: boolean, perfStandbyOk: boolean): number {
  if (!node.initialized) return c.uninitcode;
  if (node.sealed) return c.sealedcode;
  switch (node.role) {
    case 'removed':
      return c.removedcode;
    case 'dr-secondary':
      return c.drsecondarycode;
    case 'perf-standby':
      return perfStandbyOk ? c.activecode : c.performancestandbycode;
    case 'ha-unhealthy':
      return c.haunhealthycode; // choice: standbyok does not hide an unhealthy HA connection
    case 'standby':
      return standbyOk ? c.activecode : c.standbycode;
    default:
      return c.activecode;
  }
}

function healthBody(input: HealthInput): Record<string, unknown> {
  const { node, flavour } = input;
  const body: Record<string, unknown> = {
    initialized: node.initialized,
    sealed: node.sealed,
    standby: node.isStandby,
    performance_standby: node.role === 'perf-standby',
    replication_performance_mode: 'disabled',
    replication_dr_mode: node.role === 'dr-secondary' ? 'secondary' : 'disabled',
    server_time_utc: Math.floor(input.clock() / 1000),
    version: flavour.version,
  };
  // OB sys_health.go: cluster_name / cluster_id are omitempty and only filled when unsealed
  if (!node.sealed) [body.cluster_name, body.cluster_id] = [CLUSTER_NAME, CLUSTER_ID];
  Object.assign(body, { enterprise: flavour.enterprise, echo_duration_ms: 0, clock_skew_ms: 0 });
  if (node.isStandby) body.ha_connection_healthy = node.role !== 'ha-unhealthy';
  if (node.role === 'removed') body.removed_from_cluster = true;
  return body;
}

export function healthReply(input: HealthInput, query: URLSearchParams, head: boolean): Reply {
  const c = codes(query);
  const standbyOk = flag(query, 'standbyok');
  const perfStandbyOk = flag(query, 'perfstandbyok');
  // docs/vault-behaviour.md §14.7: a non-integer code (or a non-boolean *ok flag) ⇒ 400 `{"errors":[]}` (OB respondError(…, nil))
  if (!c || standbyOk === undefined || perfStandbyOk === undefined) return head ? { status: 400, body: '' } : errorReply(400, []);
  const status = statusFor(input.node, c, standbyOk, perfStandbyOk);
  return { status, body: head ? '' : `${goJson(healthBody(input))}\n` };
}

/** GET sys/seal-status (HV api-docs/system/seal-status): answered sealed or not; `version` per flavour. */
export function sealStatusReply(input: HealthInput): Reply {
  const { node, flavour } = input;
  const body: Record<string, unknown> = {
    type: 'shamir',
    initialized: node.initialized,
    sealed: node.sealed,
    t: node.initialized ? 1 : 0,
    n: node.initialized ? 1 : 0,
    progress: 0,
    nonce: '',
    version: flavour.version,
    build_date: '2025-10-01T00:00:00Z',
    migration: false,
    recovery_seal: false,
    storage_type: 'raft',
  };
  if (!node.sealed) [body.cluster_name, body.cluster_id] = [CLUSTER_NAME, CLUSTER_ID];
  if (node.role === 'removed') body.removed_from_cluster = true;
  return { status: 200, body: `${goJson(body)}\n` };
}

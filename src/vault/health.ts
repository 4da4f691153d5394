/**
 * What `GET sys/health` says about the node the URL reaches. sys/health always sends its JSON
 * body, with a status chosen by the query for each state (docs/vault-behaviour.md §14.7; Vault
 * docs api-docs/system/health; OpenBao http/sys_health.go). Its defaults (429 standby, 503 sealed,
 * 530 removed, 5xx…) would be retried as transient; so each state gets its own 2xx code here,
 * which names the state at the first answer and is never retried.
 */
export type NodeState =
  | 'active'
  | 'standby'
  | 'performance-standby'
  | 'dr-secondary'
  | 'ha-unhealthy'
  | 'removed'
  | 'sealed'
  | 'uninitialised';

const CODE_OF: Record<NodeState, number> = {
  active: 200,
  standby: 220,
  'performance-standby': 221,
  'dr-secondary': 222,
  'ha-unhealthy': 223,
  removed: 224,
  sealed: 225,
  uninitialised: 226,
};

const QUERY_PARAMETER: Record<NodeState, string> = {
  active: 'activecode',
  standby: 'standbycode',
  'performance-standby': 'performancestandbycode',
  'dr-secondary': 'drsecondarycode',
  'ha-unhealthy': 'haunhealthycode',
  removed: 'removedcode',
  sealed: 'sealedcode',
  uninitialised: 'uninitcode',
};

/**
 * `standbyok` / `perfstandbyok` are left out on purpose: they would answer a standby with the
 * active code. Servers older than a parameter ignore it (and do not have that state).
 */
export const HEALTH_PATH = `sys/health?${(Object.keys(CODE_OF) as NodeState[]).map((s) => `${QUERY_PARAMETER[s]}=${CODE_OF[s]}`).join('&')}`;

const STATE_OF = new Map<number, NodeState>((Object.entries(CODE_OF) as [NodeState, number][]).map(([state, code]) => [code, state]));

export interface HealthBody {
  initialized?: boolean;
  sealed?: boolean;
  standby?: boolean;
  version?: string;
  enterprise?: boolean;
}

/** The state the answer's status names; for a status we did not ask for (a proxy in front), what the body says. */
export function nodeStateOf(status: number, body: HealthBody): NodeState | undefined {
  const named = STATE_OF.get(status);
  if (named) return named;
  if (body.initialized === false) return 'uninitialised';
  if (body.sealed === true) return 'sealed';
  if (typeof body.standby === 'boolean') return body.standby ? 'standby' : 'active';
  return undefined;
}

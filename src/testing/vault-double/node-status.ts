// One server's own condition in a cluster: seal, initialisation, HA role, leader election
// (docs/vault-behaviour.md §9, §14.4, §14.7). Data (mounts, tokens…) lives in DoubleState and may be shared.

/** What `setNodeState` accepts (§14.7). */
export type NodeState =
  | 'active'
  | 'standby'
  | 'perf-standby'
  | 'dr-secondary'
  | 'removed'
  | 'ha-unhealthy'
  | 'sealed'
  | 'uninitialised';

/** The HA role part of a node's state (seal and initialisation are separate flags). */
export type NodeRole = Exclude<NodeState, 'sealed' | 'uninitialised'>;

/**
 * docs/vault-behaviour.md §14.4: a standby with no leader. 'no-active' ⇒ 503 `no active Vault instance found`;
 * 'leader-not-found' ⇒ 500 `local node not active but active cluster node not found`.
 */
export type ElectionState = 'no-active' | 'leader-not-found';

export class NodeStatus {
  sealed = false;
  initialized = true;
  role: NodeRole;
  election: ElectionState | null = null;

  constructor(role: NodeRole) {
    this.role = role;
  }

  /** `sealed` and `uninitialised` keep the role; any role unseals and initialises. */
  set(state: NodeState): void {
    if (state === 'sealed') this.sealed = true;
    else if (state === 'uninitialised') [this.initialized, this.sealed] = [false, true];
    else [this.role, this.sealed, this.initialized] = [state, false, true];
  }

  /** A node that forwards to (or redirects to) the active node (§14.4). */
  get isStandby(): boolean {
    return this.role === 'standby' || this.role === 'perf-standby' || this.role === 'ha-unhealthy';
  }
}

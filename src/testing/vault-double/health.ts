// GET/HEAD /v1/sys/health (notes §9): raw JSON body (no envelope), status by state.
import { randomUUID } from 'node:crypto';
import { Reply, goJson } from './responses';
import type { DoubleState } from './state';

const CLUSTER_ID = randomUUID();

function codeParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  const n = raw === null ? NaN : parseInt(raw, 10);
  return Number.isInteger(n) ? n : fallback;
}

export function healthReply(state: DoubleState, query: URLSearchParams, head: boolean): Reply {
  // notes §9: 200 active+unsealed, 503 sealed; overridable with activecode / sealedcode
  const status = state.sealed ? codeParam(query, 'sealedcode', 503) : codeParam(query, 'activecode', 200);
  const body = {
    initialized: true,
    sealed: state.sealed,
    standby: false,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(state.clock() / 1000),
    version: state.enterprise ? '1.21.0+ent' : '1.21.0',
    cluster_name: 'vault-cluster-double',
    cluster_id: CLUSTER_ID,
    enterprise: state.enterprise,
    echo_duration_ms: 0,
    clock_skew_ms: 0,
  };
  return { status, body: head ? '' : `${goJson(body)}\n` };
}

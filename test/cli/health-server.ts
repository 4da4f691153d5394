import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '../support/loopback-listener';

/**
 * A stand-in for one Vault node's `GET /v1/sys/health`, as docs/vault-behaviour.md §14.7 says:
 * the JSON body always, the status chosen by the query (each state's parameter, else its default).
 * For node states the Vault double does not have. Listens on 127.0.0.1 only.
 */
export type HealthState = 'active' | 'standby' | 'performance-standby' | 'dr-secondary' | 'ha-unhealthy' | 'removed' | 'sealed' | 'uninitialised';

const DEFAULTS: Record<HealthState, [parameter: string, status: number]> = {
  active: ['activecode', 200],
  standby: ['standbycode', 429],
  'dr-secondary': ['drsecondarycode', 472],
  'performance-standby': ['performancestandbycode', 473],
  'ha-unhealthy': ['haunhealthycode', 474],
  uninitialised: ['uninitcode', 501],
  sealed: ['sealedcode', 503],
  removed: ['removedcode', 530],
};

export interface HealthServer {
  readonly url: string;
  /** Paths with query of every request received. */
  readonly requests: string[];
  state: HealthState;
  version: string;
  stop(): Promise<void>;
}

export async function startHealthServer(state: HealthState, version = '1.21.0'): Promise<HealthServer> {
  const requests: string[] = [];
  const handle: { state: HealthState; version: string } = { state, version };
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/v1/sys/health') {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"errors":["this stand-in answers sys/health only"]}');
      return;
    }
    const [parameter, fallback] = DEFAULTS[handle.state];
    const asked = url.searchParams.get(parameter);
    const status = asked === null ? fallback : Number.parseInt(asked, 10);
    const s = handle.state;
    const body = {
      initialized: s !== 'uninitialised',
      sealed: s === 'sealed' || s === 'uninitialised',
      standby: ['standby', 'performance-standby', 'ha-unhealthy'].includes(s),
      performance_standby: s === 'performance-standby',
      replication_dr_mode: s === 'dr-secondary' ? 'secondary' : 'disabled',
      removed_from_cluster: s === 'removed',
      ha_connection_healthy: s !== 'ha-unhealthy',
      version: handle.version,
    };
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  const listener = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${listener.port}`,
    requests,
    get state() {
      return handle.state;
    },
    set state(next: HealthState) {
      handle.state = next;
    },
    get version() {
      return handle.version;
    },
    set version(next: string) {
      handle.version = next;
    },
    stop: listener.stop,
  };
}

/** A server that accepts connections and never answers (a hanging Vault). */
export async function startSilentServer(): Promise<{ url: string; connections(): number; stop(): Promise<void> }> {
  const listener = await listenOnLoopback(createServer(() => undefined));
  return { url: `http://127.0.0.1:${listener.port}`, connections: listener.connections, stop: listener.stop };
}

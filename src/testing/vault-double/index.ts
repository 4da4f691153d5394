// Public surface of the local Vault HTTP API double. See README.md.
import * as net from 'node:net';
import { FaultInjector, Faults } from './faults';
import { VaultFlavour, resolveFlavour } from './flavours';
import { KvV2Backend } from './kv-v2';
import { matchMount } from './mounts';
import { NodeHandler, NodeName } from './node-handler';
import { ElectionState, NodeState, NodeStatus } from './node-status';
import { Router } from './router';
import { DoubleServer } from './server';
import { DoubleState } from './state';
import { TlsMaterial, generateTlsMaterial } from './tls';

export type { FaultInjector, FaultRule } from './faults';
export { mulberry32 } from './faults';
export type { VaultFlavour } from './flavours';
export type { NodeName } from './node-handler';
export type { ElectionState, NodeState } from './node-status';

export interface VaultDoubleOptions {
  /** serve HTTPS with a self-signed CA generated at start-up */
  tls?: boolean | undefined;
  /** clock in ms, default Date.now; token TTL/expiry, created_time, lockout windows */
  now?: (() => number) | undefined;
  /** added delay before answering every request (default 0) */
  latencyMs?: number | undefined;
  /** at most N requests served at a time, others queue (default unlimited) */
  maxConcurrent?: number | undefined;
  /** honour X-Vault-Namespace + namespace URL prefixes (default true); false = CE (docs/vault-behaviour.md §8) */
  enterprise?: boolean | undefined;
  /**
   * which deployment to imitate (docs/vault-behaviour.md §14.1, §14.9), default 'vault' (≥ 1.17).
   * 'vault' / 'vault-1.16' / 'openbao' take `enterprise` for namespaces (default on);
   * 'enterprise' and 'community' fix it. See README "Flavours".
   */
  flavour?: VaultFlavour | undefined;
  /** act as a Vault Agent / Proxy listener with require_request_header = true (§14.5) */
  requireRequestHeader?: boolean | undefined;
  /** emulate the limited-use Secret ID race between a login's arrival and its handling (§14.2) */
  secretIdRace?: boolean | undefined;
}

export interface StandbyOptions {
  /** true (default): serve requests as the active node does; false: 307 to the active node (§14.4) */
  forwarding?: boolean | undefined;
  /** the standby's role, default 'standby' (also 'perf-standby' or 'ha-unhealthy') */
  state?: 'standby' | 'perf-standby' | 'ha-unhealthy' | undefined;
  latencyMs?: number | undefined;
}

/** docs/vault-behaviour.md §14.7/§14.10 targets inside a namespace ("" = root). */
export interface NamespaceOption {
  namespace?: string | undefined;
}

export interface LoggedRequest {
  method: string;
  /** URL path without query, e.g. "/v1/secret/data/app" */
  path: string;
  query: string;
  /** resolved namespace without trailing slash, e.g. "ns1/ns2"; "" for root */
  namespace: string;
  /** 0 while pending, and for requests that were refused or hung by a fault */
  status: number;
  hadToken: boolean;
  /** true when made with the root token */
  admin: boolean;
  /** the server the request reached: 'active' for a lone double, or which node of an HA pair */
  node: NodeName;
  /** true when a standby relayed it to the active node, which then served it (§14.4) */
  forwarded: boolean;
}

export interface RequestFilter {
  method?: string | undefined;
  path?: string | RegExp | undefined;
  admin?: boolean | undefined;
}

export class VaultDouble {
  readonly requests: LoggedRequest[] = [];
  readonly faults: FaultInjector;

  private constructor(
    readonly url: string,
    readonly rootToken: string,
    readonly caCertificatePem: string | undefined,
    private readonly state: DoubleState,
    private readonly server: DoubleServer,
    private readonly handler: NodeHandler,
    faults: Faults,
    log: LoggedRequest[],
  ) {
    this.faults = faults;
    this.requests = log;
  }

  static async start(opts: VaultDoubleOptions = {}): Promise<VaultDouble> {
    const tls = opts.tls ? await generateTlsMaterial() : undefined;
    const state = new DoubleState(opts.now ?? Date.now, resolveFlavour(opts.flavour, opts.enterprise));
    state.secretIdRace = opts.secretIdRace ?? false;
    const handler = new NodeHandler('active', new NodeStatus('active'), new Router(state), state.flavour, state.clock);
    handler.requireRequestHeader = opts.requireRequestHeader ?? false;
    return VaultDouble.listen(state, handler, [], tls, opts.latencyMs ?? 0, opts.maxConcurrent);
  }

  /**
   * A second node of an HA pair (§14.4): it shares `active`'s data and request log, answers its own
   * sys/health (429 standby) and sys/seal-status, and forwards or redirects everything else.
   * It has its own faults, latency, node state and TLS setting (the active's).
   */
  static async startStandby(active: VaultDouble, opts: StandbyOptions = {}): Promise<VaultDouble> {
    const status = new NodeStatus(opts.state ?? 'standby');
    const handler = new NodeHandler('standby', status, new Router(active.state), active.state.flavour, active.state.clock);
    handler.standbyOf = { active: active.handler, activeUrl: active.url, forwarding: opts.forwarding ?? true };
    return VaultDouble.listen(active.state, handler, active.requests, active.server.tls, opts.latencyMs ?? 0, undefined);
  }

  private static async listen(
    state: DoubleState,
    handler: NodeHandler,
    log: LoggedRequest[],
    tls: TlsMaterial | undefined,
    latencyMs: number,
    maxConcurrent: number | undefined,
  ): Promise<VaultDouble> {
    const faults = new Faults();
    const server = new DoubleServer({ tls, handler, faults, log, latencyMs, maxConcurrent, enterprise: state.enterprise });
    const port = await server.listen();
    const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return new VaultDouble(url, state.rootToken.id, tls?.caCertPem, state, server, handler, faults, log);
  }

  /** The flavour this double imitates (§14.1, §14.9). */
  get flavour(): VaultFlavour {
    return this.state.flavour.name;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  count(filter: RequestFilter = {}): number {
    return this.requests.filter((r) => {
      if (filter.method !== undefined && r.method.toUpperCase() !== filter.method.toUpperCase()) return false;
      if (filter.admin !== undefined && r.admin !== filter.admin) return false;
      if (filter.path === undefined) return true;
      if (typeof filter.path === 'string') return r.path === filter.path;
      filter.path.lastIndex = 0;
      return filter.path.test(r.path);
    }).length;
  }

  /** Closes the listener and all sockets; afterwards the URL refuses connections. */
  stop(): Promise<void> {
    return this.server.close();
  }

  /** docs/vault-behaviour.md §9: sealed ⇒ 503 {"errors":["Vault is sealed"]} on everything */
  seal(): void {
    this.handler.node.sealed = true;
  }

  unseal(): void {
    this.handler.node.sealed = false;
  }

  /**
   * docs/vault-behaviour.md §14.7: this node's state. 'sealed' and 'uninitialised' answer 503 `Vault is sealed` on every
   * logical path; the others change sys/health only (and, on a standby of startStandby, whether it forwards).
   */
  setNodeState(state: NodeState): void {
    this.handler.node.set(state);
  }

  /** docs/vault-behaviour.md §14.4: on a standby, no leader (503 / 500 instead of forwarding or 307); null ends the election. */
  setElection(election: ElectionState | null): void {
    this.handler.node.election = election;
  }

  /** docs/vault-behaviour.md §14.5: on/off at run time (see VaultDoubleOptions.requireRequestHeader). */
  setRequireRequestHeader(required: boolean): void {
    this.handler.requireRequestHeader = required;
  }

  /** docs/vault-behaviour.md §14.1: tokens of this identity entity (auth.entity_id of a login) get a plain 403 `permission denied`. */
  setEntityDisabled(entityId: string, disabled: boolean): void {
    if (disabled) this.state.disabledEntities.add(entityId);
    else this.state.disabledEntities.delete(entityId);
  }

  /** docs/vault-behaviour.md §14.6: login MFA enforced on auth mount `mount` (e.g. "approle"): logins answer an MFA challenge. */
  setLoginMfa(mount: string, enforced: boolean, opts: NamespaceOption = {}): void {
    const key = `${namespacePrefix(opts.namespace)}auth/${mount.replace(/^\/+|\/+$/g, '')}/`;
    if (enforced) this.state.loginMfaMounts.add(key);
    else this.state.loginMfaMounts.delete(key);
  }

  /**
   * docs/vault-behaviour.md §14.6: control groups / forced wrapping — a successful read of a path matching `rule.path`
   * (relative to /v1/ and the namespace, e.g. "secret/data/app") answers 200 with only `wrap_info`.
   * null switches it off.
   */
  setForcedWrapping(rule: { path: string | RegExp; ttl?: number | undefined } | null): void {
    this.state.forcedWrapping = rule ? { path: rule.path, ttl: rule.ttl ?? 300 } : null;
  }

  /** docs/vault-behaviour.md §14.2: on/off at run time (see VaultDoubleOptions.secretIdRace). */
  setSecretIdRace(on: boolean): void {
    this.state.secretIdRace = on;
  }

  /**
   * docs/vault-behaviour.md §14.10: the KV v2 mount `mount` answers 400 `Upgrading from non-versioned…` on every path,
   * for `forMs` of the double's clock (default: until called again with `false`).
   */
  setKvUpgrading(mount: string, upgrading: boolean | { forMs: number }, opts: NamespaceOption = {}): void {
    const ns = this.state.namespaceByPath(namespacePrefix(opts.namespace));
    const entry = ns ? matchMount(ns.mounts, `${mount.replace(/^\/+|\/+$/g, '')}/`) : undefined;
    if (!(entry?.backend instanceof KvV2Backend)) throw new Error(`VaultDouble.setKvUpgrading: "${mount}" is not a KV v2 mount`);
    const until = upgrading === false ? null : upgrading === true ? Infinity : this.state.clock() + upgrading.forMs;
    entry.backend.setUpgrading(until);
  }

  /** every non-root token becomes invalid (⇒ 403 invalid-token body, docs/vault-behaviour.md §3.4) */
  revokeAllTokens(): void {
    this.state.revokeAllTokens();
  }

  /**
   * Every client token and accessor the double has issued (logins, renewals, token creates),
   * alive or not, the root token excepted: a test can assert none of them shows up in a log line
   * or an error.
   */
  issuedTokens(): string[] {
    return this.state.tokens
      .all()
      .filter((e) => e.id !== this.rootToken)
      .flatMap((e) => (e.accessor ? [e.id, e.accessor] : [e.id]));
  }

  setLatency(ms: number): void {
    this.server.latencyMs = ms;
  }
}

/** "ns1/ns2/" for "ns1/ns2" (trailing slash optional), "" for the root namespace. */
function namespacePrefix(namespace: string | undefined): string {
  const segments = (namespace ?? '').split('/').filter((x) => x !== '');
  return segments.length ? `${segments.join('/')}/` : '';
}

/** http://127.0.0.1:<port> of a port that was just bound and released (connection refused). */
export function unusedLocalUrl(): Promise<string> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}

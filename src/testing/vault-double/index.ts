// Public surface of the local Vault HTTP API double. See README.md.
import * as net from 'node:net';
import { FaultInjector, Faults } from './faults';
import { Router } from './router';
import { DoubleServer } from './server';
import { DoubleState } from './state';
import { generateTlsMaterial } from './tls';

export type { FaultInjector, FaultRule } from './faults';
export { mulberry32 } from './faults';

export interface VaultDoubleOptions {
  /** serve HTTPS with a self-signed CA generated at start-up */
  tls?: boolean | undefined;
  /** clock in ms, default Date.now; token TTL/expiry, created_time, lockout windows */
  now?: (() => number) | undefined;
  /** added delay before answering every request (default 0) */
  latencyMs?: number | undefined;
  /** at most N requests served at a time, others queue (default unlimited) */
  maxConcurrent?: number | undefined;
  /** honour X-Vault-Namespace + namespace URL prefixes (default true); false = CE (notes §8) */
  enterprise?: boolean | undefined;
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
    faults: Faults,
    log: LoggedRequest[],
  ) {
    this.faults = faults;
    this.requests = log;
  }

  static async start(opts: VaultDoubleOptions = {}): Promise<VaultDouble> {
    const tls = opts.tls ? await generateTlsMaterial() : undefined;
    const state = new DoubleState(opts.now ?? Date.now, opts.enterprise ?? true);
    const faults = new Faults();
    const log: LoggedRequest[] = [];
    const server = new DoubleServer({
      tls,
      router: new Router(state),
      faults,
      log,
      latencyMs: opts.latencyMs ?? 0,
      maxConcurrent: opts.maxConcurrent,
      enterprise: state.enterprise,
    });
    const port = await server.listen();
    const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return new VaultDouble(url, state.rootToken.id, tls?.caCertPem, state, server, faults, log);
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

  /** notes §9: sealed ⇒ 503 {"errors":["Vault is sealed"]} on everything */
  seal(): void {
    this.state.sealed = true;
  }

  unseal(): void {
    this.state.sealed = false;
  }

  /** every non-root token becomes invalid (⇒ 403 invalid-token body, notes §3.4) */
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

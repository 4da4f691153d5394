// What one server does with a request before the logical pipeline: the Agent/Proxy header guard,
// node-local endpoints (sys/health, sys/seal-status), seal and initialisation, and a standby's
// forwarding or redirect (docs/vault-behaviour.md §9, §14.4, §14.5, §14.7).
import type { IncomingHttpHeaders } from 'node:http';
import type { FlavourTraits } from './flavours';
import { healthReply, sealStatusReply } from './health';
import type { NodeStatus } from './node-status';
import { Reply, errorReply, sealedReply } from './responses';
import type { RawRequest, RequestMeta, Router } from './router';
import type { Clock } from './types';

/** Which server of an HA pair a request reached (LoggedRequest.node). */
export type NodeName = 'active' | 'standby';

export interface StandbyLink {
  /** the active node's handler, which serves forwarded requests */
  active: NodeHandler;
  /** the active node's api_addr, e.g. "http://127.0.0.1:8200" */
  activeUrl: string;
  /** docs/vault-behaviour.md §14.4: true ⇒ forward to the active node; false ⇒ 307 to it */
  forwarding: boolean;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export class NodeHandler {
  /** docs/vault-behaviour.md §14.5: behave as a Vault Agent / Proxy listener with require_request_header = true */
  requireRequestHeader = false;
  /** set on a standby started by VaultDouble.startStandby */
  standbyOf: StandbyLink | undefined;

  constructor(
    readonly name: NodeName,
    readonly node: NodeStatus,
    private readonly router: Router,
    private readonly flavour: FlavourTraits,
    private readonly clock: Clock,
  ) {}

  describe(raw: RawRequest): RequestMeta {
    return this.router.describe(raw);
  }

  /** Called when the request has fully arrived, before latency and queueing (see router.arrive). */
  arrive(raw: RawRequest): void {
    this.router.arrive(raw);
  }

  handle(raw: RawRequest): Reply {
    // docs/vault-behaviour.md §14.5 (HV command/agent.go verifyRequestHeader): checked before anything else
    if (this.requireRequestHeader && headerValue(raw.headers, 'x-vault-request') !== 'true') {
      return errorReply(412, ['missing "X-Vault-Request" header']);
    }
    const path = raw.url.split('?')[0];
    const input = { node: this.node, flavour: this.flavour, clock: this.clock };
    // docs/vault-behaviour.md §9/§14.7: sys/health (GET/HEAD) and sys/seal-status are answered by every node, sealed or not
    if (path === '/v1/sys/health' && (raw.method === 'GET' || raw.method === 'HEAD')) {
      return healthReply(input, new URL(raw.url, 'http://127.0.0.1').searchParams, raw.method === 'HEAD');
    }
    if (path === '/v1/sys/seal-status' && raw.method === 'GET') return sealStatusReply(input);
    if (this.standbyOf && this.node.isStandby && !this.node.sealed) return this.standbyAnswer(raw, this.standbyOf);
    return this.serve(raw);
  }

  /** The active node's logical answer (also what a forwarding standby relays). */
  serve(raw: RawRequest): Reply {
    // docs/vault-behaviour.md §14.7: sealed and uninitialised (which is also sealed, see NodeStatus.set)
    // both answer 503 `Vault is sealed` on every logical path
    if (this.node.sealed) return sealedReply();
    return this.router.handle(raw);
  }

  /** docs/vault-behaviour.md §14.4 (OB internal/http/handler.go forwardRequest / respondStandby). */
  private standbyAnswer(raw: RawRequest, link: StandbyLink): Reply {
    if (this.node.election === 'no-active') return errorReply(503, ['no active Vault instance found']);
    if (this.node.election === 'leader-not-found') return errorReply(500, ['local node not active but active cluster node not found']);
    const noForwarding = (headerValue(raw.headers, 'x-vault-no-request-forwarding') ?? '') !== '';
    if (!link.forwarding || noForwarding) {
      // respondStandby: Location = active api_addr + same path and query; 307; empty body
      return { status: 307, body: '', headers: { Location: link.activeUrl + raw.url }, omitContentType: true };
    }
    return { ...link.active.serve(raw), forwarded: true };
  }
}

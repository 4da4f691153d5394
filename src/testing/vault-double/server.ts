// HTTP plumbing: real server on 127.0.0.1:0, request log, faults, latency, concurrency limit.
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Faults, FaultRule, faultStatusReply } from './faults';
import type { LoggedRequest } from './index';
import { Reply, errorReply } from './responses';
import type { NodeHandler } from './node-handler';
import type { RawRequest } from './router';
import { LIST_STAND_IN, RewritingSocket } from './socket-shim';
import type { TlsMaterial } from './tls';

const MAX_BODY_BYTES = 32 * 1024 * 1024; // docs/vault-behaviour.md §9: request size limit 32MB

export interface ServerOptions {
  tls?: TlsMaterial;
  handler: NodeHandler;
  faults: Faults;
  log: LoggedRequest[];
  latencyMs: number;
  maxConcurrent?: number;
  enterprise: boolean;
}

/** At most N requests served at a time; the rest wait in FIFO order. */
class Gate {
  private active = 0;
  private waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.active--;
  }

  drop(): void {
    this.waiting = [];
  }
}

export class DoubleServer {
  /** parses HTTP; never listens itself — connections come through `front` (see socket-shim.ts) */
  private readonly http: http.Server;
  private readonly front: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly gate: Gate;
  private closed = false;
  latencyMs: number;

  /** the TLS material this server uses (a standby reuses its active node's) */
  get tls(): TlsMaterial | undefined {
    return this.opts.tls;
  }

  constructor(private readonly opts: ServerOptions) {
    this.latencyMs = opts.latencyMs;
    this.gate = new Gate(opts.maxConcurrent ?? Infinity);
    this.http = http.createServer((req, res) => void this.onRequest(req, res));
    const inject = (socket: net.Socket): void => void this.http.emit('connection', new RewritingSocket(socket));
    this.front = opts.tls ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, inject) : net.createServer(inject);
    this.front.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.front.on('tlsClientError', () => undefined); // e.g. a client that does not trust the CA
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.front.once('error', reject);
      this.front.listen(0, '127.0.0.1', () => resolve((this.front.address() as net.AddressInfo).port));
    });
  }

  /** Close the listener and every socket (hung requests included); clear all timers. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.gate.drop();
    this.http.close(() => undefined); // stops its connection-checking timer (it never listened)
    return new Promise((resolve) => {
      this.front.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  /** A timer that is cleared on close (the awaiting request is then abandoned). */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      t.unref();
      this.timers.add(t);
    });
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method === LIST_STAND_IN ? 'LIST' : req.method ?? 'GET'; // see socket-shim.ts
    const raw: RawRequest = { method, url: req.url ?? '/', headers: req.headers, body: Buffer.alloc(0), remoteIp: req.socket.remoteAddress ?? '' };
    const entry: LoggedRequest = { method, ...this.opts.handler.describe(raw), status: 0, node: this.opts.handler.name, forwarded: false };
    this.opts.log.push(entry); // logged on arrival, so the log is in arrival order
    const body = await readBody(req);
    if (body === 'aborted' || this.closed) return;
    if (body === 'too-large') return this.send(req, res, entry, errorReply(413, ['http: request body too large']));
    raw.body = body;
    this.opts.handler.arrive(raw); // docs/vault-behaviour.md §14.2: what a login saw on arrival, before latency/queueing
    const fault = this.opts.faults.pick(method, entry.path);
    if (fault?.kind === 'refuse') return void (req.socket as unknown as RewritingSocket).reset(); // no response at all
    await this.gate.acquire();
    if (this.closed) return;
    await this.sleep(this.latencyMs);
    if (fault?.kind === 'delay') await this.sleep(fault.delayMs ?? 0);
    if (fault?.kind === 'hang') return; // never answered, keeps its slot; the socket is closed on stop()
    try {
      this.answer(req, res, entry, fault, raw);
    } finally {
      this.gate.release();
    }
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, entry: LoggedRequest, fault: FaultRule | undefined, raw: RawRequest): void {
    let reply: Reply;
    if (fault?.kind === 'status') reply = faultStatusReply(fault, entry.path);
    else {
      try {
        reply = this.opts.handler.handle(raw);
      } catch (err) {
        console.error('vault-double: handler crashed', err);
        reply = errorReply(500, ['internal error']);
      }
    }
    if (fault?.kind === 'reset') this.sendTruncated(req, res, entry, reply);
    else this.send(req, res, entry, reply);
  }

  private headersFor(req: http.IncomingMessage, reply: Reply): Record<string, string> {
    // docs/vault-behaviour.md §1: every response carries Cache-Control: no-store and Content-Type: application/json
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', 'Content-Type': 'application/json', ...reply.headers };
    if (reply.omitContentType) delete headers['Content-Type'];
    const ns = req.headers['x-vault-namespace'];
    if (this.opts.enterprise && typeof ns === 'string') headers['X-Vault-Namespace'] = ns; // docs/vault-behaviour.md §8: echoed
    return headers;
  }

  private send(req: http.IncomingMessage, res: http.ServerResponse, entry: LoggedRequest, reply: Reply): void {
    entry.status = reply.status;
    entry.forwarded = reply.forwarded === true;
    const headers = this.headersFor(req, reply);
    if (reply.body !== '') headers['Content-Length'] = String(Buffer.byteLength(reply.body));
    res.writeHead(reply.status, headers);
    res.end(reply.body === '' || req.method === 'HEAD' ? undefined : reply.body);
  }

  /** 'reset' fault: status line + headers + part of the body, then the socket is destroyed. */
  private sendTruncated(req: http.IncomingMessage, res: http.ServerResponse, entry: LoggedRequest, reply: Reply): void {
    entry.status = reply.status;
    entry.forwarded = reply.forwarded === true;
    const body = Buffer.from(reply.body);
    const headers = this.headersFor(req, reply);
    headers['Content-Length'] = String(Math.max(body.length, 1)); // promise more than will arrive
    res.writeHead(reply.status, headers);
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer | 'aborted' | 'too-large'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', () => resolve('aborted'));
    req.on('aborted', () => resolve('aborted'));
  });
}

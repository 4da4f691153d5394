/**
 * A tiny HTTP server on 127.0.0.1 for answers the Vault double does not give (a hostile server,
 * a redirect chain): each request is recorded (method, path, headers, body) and answered by the
 * test's handler. close() ends every socket.
 */
import http from 'node:http';
import https from 'node:https';
import { listenOnLoopback } from './loopback-listener';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface TinyServer {
  readonly url: string;
  readonly seen: SeenRequest[];
  /** TCP connections accepted (a refused address must open none). */
  connections(): number;
  close(): Promise<void>;
}

export async function startTinyServer(answer: (req: SeenRequest) => Answer | 'hang', options: { tls?: { key: string; cert: string } } = {}): Promise<TinyServer> {
  const seen: SeenRequest[] = [];
  const handle: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(request);
      const a = answer(request);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'Content-Type': 'application/json', ...a.headers });
      res.end(a.body);
    });
  };
  const server = options.tls ? https.createServer(options.tls, handle) : http.createServer(handle);
  const listener = await listenOnLoopback(server);
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${listener.port}`,
    seen,
    connections: listener.connections,
    close: listener.stop,
  };
}

/** A Vault-shaped JSON body. */
export function json(value: unknown): string {
  return JSON.stringify(value);
}

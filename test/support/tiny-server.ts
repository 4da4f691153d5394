/**
 * A tiny HTTP server on 127.0.0.1 for answers the Vault double does not give (a hostile server,
 * a redirect chain): each request is recorded (method, path, headers, body) and answered by the
 * test's handler. close() ends every socket.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

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
  const sockets = new Set<Socket>();
  let connections = 0;
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
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A Vault-shaped JSON body. */
export function json(value: unknown): string {
  return JSON.stringify(value);
}

// Node's HTTP parser (llhttp) only knows a fixed set of methods and answers 400 to Vault's
// `LIST` verb before any JS runs. Connections therefore reach the http.Server through this
// Duplex shim (Node documents that any Duplex may be emitted as a 'connection'), which
// rewrites a request line's `LIST ` into `PROPFIND ` (a method llhttp accepts and Vault
// clients never send); server.ts maps PROPFIND back to LIST.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export const LIST_STAND_IN = 'PROPFIND';
const MAX_HEAD_BYTES = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

type FrameState =
  | { kind: 'head'; pending: Buffer }
  | { kind: 'body'; remaining: number }
  | { kind: 'chunk-size'; line: string }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'trailers'; line: string }
  | { kind: 'passthrough' };

/**
 * Follows HTTP/1.1 request framing (Content-Length or chunked bodies) on the incoming byte
 * stream, so it knows where every request line starts, and turns a leading "LIST " into
 * the stand-in method. All other bytes pass through unchanged.
 */
export class ListMethodRewriter {
  private state: FrameState = { kind: 'head', pending: Buffer.alloc(0) };

  rewrite(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let rest = chunk;
    while (rest.length > 0) rest = this.step(rest, out);
    return Buffer.concat(out);
  }

  /** Consume a prefix of `data`, append what to forward to `out`, return the unconsumed rest. */
  private step(data: Buffer, out: Buffer[]): Buffer {
    const st = this.state;
    switch (st.kind) {
      case 'passthrough':
        out.push(data);
        return Buffer.alloc(0);
      case 'head':
        return this.stepHead(st.pending, data, out);
      case 'body':
      case 'chunk-data': {
        const n = Math.min(st.remaining, data.length);
        out.push(data.subarray(0, n));
        st.remaining -= n;
        if (st.remaining === 0) this.state = st.kind === 'body' ? this.newHead() : { kind: 'chunk-size', line: '' };
        return data.subarray(n);
      }
      case 'chunk-size':
      case 'trailers':
        return this.stepLine(st, data, out);
    }
  }

  private newHead(): FrameState {
    return { kind: 'head', pending: Buffer.alloc(0) };
  }

  private stepHead(pending: Buffer, data: Buffer, out: Buffer[]): Buffer {
    const buf = Buffer.concat([pending, data]);
    if (!startsLikeRequestLine(buf)) {
      // Not HTTP (e.g. a TLS ClientHello sent to this plain listener): hand it to llhttp, which
      // answers 400 at once, as Vault's Go server does, rather than waiting for a "\r\n\r\n".
      this.state = { kind: 'passthrough' };
      out.push(buf);
      return Buffer.alloc(0);
    }
    const end = buf.indexOf(HEAD_END);
    if (end < 0) {
      if (buf.length > MAX_HEAD_BYTES) {
        this.state = { kind: 'passthrough' }; // let llhttp reject it
        out.push(buf);
      } else this.state = { kind: 'head', pending: buf };
      return Buffer.alloc(0);
    }
    const head = buf.subarray(0, end + HEAD_END.length).toString('latin1');
    out.push(Buffer.from(head.replace(/^(\r\n)*LIST /, (_m, crlf: string | undefined) => `${crlf ?? ''}${LIST_STAND_IN} `), 'latin1'));
    this.state = framingOf(head);
    return buf.subarray(end + HEAD_END.length);
  }

  /** chunk-size lines and trailer lines: forward byte by byte up to the end of the line. */
  private stepLine(st: Extract<FrameState, { kind: 'chunk-size' | 'trailers' }>, data: Buffer, out: Buffer[]): Buffer {
    const nl = data.indexOf(0x0a);
    const take = nl < 0 ? data.length : nl + 1;
    out.push(data.subarray(0, take));
    st.line += data.subarray(0, take).toString('latin1');
    if (nl < 0) return Buffer.alloc(0);
    const line = st.line.replace(/\r?\n$/, '');
    st.line = '';
    if (st.kind === 'chunk-size') {
      const size = parseInt(line.split(';')[0].trim(), 16);
      if (Number.isNaN(size)) this.state = { kind: 'passthrough' };
      else if (size === 0) this.state = { kind: 'trailers', line: '' };
      else this.state = { kind: 'chunk-data', remaining: size + 2 }; // data + CRLF
    } else if (line === '') this.state = this.newHead(); // empty line ends the trailers
    return data.subarray(take);
  }
}

/** A request line starts with a method (upper-case letters), possibly after empty lines. */
function startsLikeRequestLine(buf: Buffer): boolean {
  const first = buf[0];
  return first === undefined || first === 0x0d || first === 0x0a || (first >= 0x41 && first <= 0x5a);
}

/** What follows a request head: a Content-Length body, a chunked body, or nothing. */
function framingOf(head: string): FrameState {
  if (/\r\ntransfer-encoding:[^\r\n]*chunked/i.test(head)) return { kind: 'chunk-size', line: '' };
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  const length = m ? parseInt(m[1], 10) : 0;
  return length > 0 ? { kind: 'body', remaining: length } : { kind: 'head', pending: Buffer.alloc(0) };
}

/** A Duplex over a real socket that rewrites incoming bytes; writes pass straight through. */
export class RewritingSocket extends Duplex {
  private readonly rewriter = new ListMethodRewriter();

  constructor(readonly socket: Socket) {
    super();
    socket.on('data', (chunk: Buffer) => {
      const out = this.rewriter.rewrite(chunk);
      if (out.length > 0 && !this.push(out)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('timeout', () => this.emit('timeout'));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.socket.setTimeout(ms, callback);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.socket.setKeepAlive(enable, delay);
    return this;
  }

  /** Abort the connection with a TCP RST (client sees ECONNRESET). */
  reset(): void {
    if (typeof this.socket.resetAndDestroy === 'function' && !this.socket.destroyed) this.socket.resetAndDestroy();
    this.destroy();
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}

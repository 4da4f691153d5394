// A small, tolerant parser for the subset of HCL (and JSON) that Vault policies use:
//   path "secret/*" { capabilities = ["read", "list"] }   # comments: #, //, /* */
// It yields a generic tree; acl.ts interprets it.

export type HclValue = string | number | boolean | HclValue[] | HclObject;
export interface HclEntry {
  key: string;
  labels: string[];
  value: HclValue;
}
export interface HclObject {
  entries: HclEntry[];
}

export class HclError extends Error {}

interface Token {
  kind: 'str' | 'word' | 'punct';
  text: string;
  pos: number;
}

const PUNCT = new Set(['{', '}', '[', ']', '=', ',', ':']);

function skipTrivia(src: string, pos: number): number {
  while (pos < src.length) {
    const c = src[pos];
    if (/\s/.test(c)) pos++;
    else if (c === '#' || src.startsWith('//', pos)) pos = lineEnd(src, pos);
    else if (src.startsWith('/*', pos)) {
      const end = src.indexOf('*/', pos + 2);
      if (end < 0) throw new HclError('unterminated comment');
      pos = end + 2;
    } else break;
  }
  return pos;
}

function lineEnd(src: string, pos: number): number {
  const nl = src.indexOf('\n', pos);
  return nl < 0 ? src.length : nl + 1;
}

function readString(src: string, start: number): [string, number] {
  let pos = start + 1;
  let out = '';
  while (pos < src.length && src[pos] !== '"') {
    if (src[pos] === '\\' && pos + 1 < src.length) {
      const esc = src[pos + 1];
      out += esc === 'n' ? '\n' : esc === 't' ? '\t' : esc;
      pos += 2;
    } else out += src[pos++];
  }
  if (pos >= src.length) throw new HclError(`unterminated string at ${start}`);
  return [out, pos + 1];
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let pos = skipTrivia(src, 0);
  while (pos < src.length) {
    const c = src[pos];
    if (c === '"') {
      const [text, next] = readString(src, pos);
      tokens.push({ kind: 'str', text, pos });
      pos = next;
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c, pos });
      pos++;
    } else {
      const m = /^[A-Za-z0-9_.\-+*/]+/.exec(src.slice(pos));
      if (!m) throw new HclError(`unexpected character '${c}' at ${pos}`);
      tokens.push({ kind: 'word', text: m[0], pos });
      pos += m[0].length;
    }
    pos = skipTrivia(src, pos);
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parseDocument(): HclObject {
    if (this.peek()?.text === '{') {
      // JSON policy: the whole document is one object
      this.i++;
      const obj = this.parseBody('}');
      this.expect('}');
      return obj;
    }
    return this.parseBody(undefined);
  }

  private parseBody(close: string | undefined): HclObject {
    const entries: HclEntry[] = [];
    while (this.peek() && this.peek()!.text !== close) {
      entries.push(this.parseEntry());
      if (this.peek()?.text === ',') this.i++;
    }
    if (close === undefined && this.peek()) throw new HclError(`unexpected '${this.peek()!.text}'`);
    return { entries };
  }

  private parseEntry(): HclEntry {
    const keyTok = this.next();
    if (keyTok.kind === 'punct') throw new HclError(`unexpected '${keyTok.text}' at ${keyTok.pos}`);
    const t = this.peek();
    if (t && (t.text === '=' || t.text === ':')) {
      this.i++;
      return { key: keyTok.text, labels: [], value: this.parseValue() };
    }
    const labels: string[] = [];
    while (this.peek() && this.peek()!.kind !== 'punct') labels.push(this.next().text);
    this.expect('{');
    const value = this.parseBody('}');
    this.expect('}');
    return { key: keyTok.text, labels, value };
  }

  private parseValue(): HclValue {
    const t = this.next();
    if (t.kind === 'str') return t.text;
    if (t.text === '[') return this.parseList();
    if (t.text === '{') {
      const obj = this.parseBody('}');
      this.expect('}');
      return obj;
    }
    if (t.text === 'true' || t.text === 'false') return t.text === 'true';
    if (t.kind === 'word' && /^-?\d+(\.\d+)?$/.test(t.text)) return Number(t.text);
    if (t.kind === 'word') return t.text;
    throw new HclError(`unexpected '${t.text}' at ${t.pos}`);
  }

  private parseList(): HclValue[] {
    const items: HclValue[] = [];
    while (this.peek() && this.peek()!.text !== ']') {
      items.push(this.parseValue());
      if (this.peek()?.text === ',') this.i++;
    }
    this.expect(']');
    return items;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new HclError('unexpected end of input');
    return t;
  }

  private expect(text: string): void {
    const t = this.next();
    if (t.text !== text) throw new HclError(`expected '${text}' at ${t.pos}, got '${t.text}'`);
  }
}

export function parseHcl(src: string): HclObject {
  return new Parser(tokenize(src)).parseDocument();
}

import type { ExitCodeValue } from './exit-codes';
import type { CliIo } from './io';
import { printJson } from './output';

/** One prop of the demo's piece connection value, as resolved (never the value: only its length). */
export interface DemoProp {
  prop: string;
  /** The text in the connection value: a secret reference, or plain text. */
  text: string;
  /** Present for a reference: the length of the value it resolved to. */
  length?: number;
  /** Present when the demo stored the value itself and can compare. */
  matchesStored?: boolean;
}

export interface DemoRequestCount {
  method: string;
  path: string;
  count: number;
}

/** `ap-vault demo --json`: the run as one document. */
export interface DemoDocument {
  ok: boolean;
  exitCode: ExitCodeValue;
  /** Where it ran: the in-process double, or the Vault named by flags / VAULT_*. */
  vault: { kind: 'double' | 'yours'; url: string };
  /** The numbered lines the text output shows, in order. */
  steps: string[];
  props: DemoProp[];
  /** What reached Vault (double: counted by the double; yours: counted in this process). */
  requests: { total: number; byEndpoint: DemoRequestCount[] };
  /** The ✗ message when the run failed. */
  error?: string;
}

/**
 * What the demo tells: printed line by line for a person, or gathered into one JSON document
 * printed at the end (`--json`), so stdout is nothing but that document.
 */
export class DemoReport {
  private readonly doc: DemoDocument = { ok: false, exitCode: 0, vault: { kind: 'double', url: '' }, steps: [], props: [], requests: { total: 0, byEndpoint: [] } };

  constructor(
    private readonly io: CliIo,
    private readonly json: boolean,
  ) {}

  on(kind: DemoDocument['vault']['kind'], url: string): void {
    this.doc.vault = { kind, url };
  }

  /** A line of the story; in JSON one of `steps`. */
  say(text: string): void {
    this.doc.steps.push(text);
    if (!this.json) this.io.stdout(text);
  }

  /** A detail line under a step: shown in text, carried by the structured fields in JSON. */
  detail(text: string): void {
    if (!this.json) this.io.stdout(text);
  }

  prop(prop: DemoProp): void {
    this.doc.props.push(prop);
  }

  requests(byEndpoint: DemoRequestCount[]): void {
    this.doc.requests = { total: byEndpoint.reduce((n, r) => n + r.count, 0), byEndpoint };
  }

  fail(message: string): void {
    this.doc.error = message;
    if (!this.json) this.io.stdout(`✗ ${message}`);
  }

  /** Prints the document (JSON mode) and returns the exit code. */
  finish(exitCode: ExitCodeValue): ExitCodeValue {
    this.doc.exitCode = exitCode;
    this.doc.ok = exitCode === 0;
    if (this.json) printJson(this.io, this.doc);
    return exitCode;
  }
}

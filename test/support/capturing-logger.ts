import { inspect } from 'node:util';
import type { Logger } from '../../src';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  level: LogLevel;
  fields: Record<string, unknown>;
  msg: string;
}

/** A pino-compatible logger that keeps every line, for assertions on what was (not) logged. */
export class CapturingLogger implements Logger {
  readonly lines: LogLine[] = [];

  debug(fields: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'debug', fields, msg });
  }

  info(fields: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'info', fields, msg });
  }

  warn(fields: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'warn', fields, msg });
  }

  error(fields: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'error', fields, msg });
  }

  /** Lines whose message matches. */
  find(msg: RegExp, level?: LogLevel): LogLine[] {
    return this.lines.filter((l) => msg.test(l.msg) && (level === undefined || l.level === level));
  }

  /** Every line rendered the ways a log pipeline might: JSON and util.inspect of fields and message. */
  renderAll(): string {
    return this.lines.map((l) => `${l.level} ${l.msg} ${JSON.stringify(l.fields)} ${inspect(l.fields, { depth: 20, showHidden: true })}`).join('\n');
  }

  clear(): void {
    this.lines.length = 0;
  }
}

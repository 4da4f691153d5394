import { endpointAttributes, OTHER_ERROR_TYPE } from './attributes';
import { ATTR, SPAN_NAME, VaultRequestKind } from './names';
import { SPAN_KIND_CLIENT, SPAN_STATUS_ERROR, SpanLike, TracerLike } from './otel-types';

/** VaultNetworkError's `failure` values (src/vault/http.ts): safe words, reported as `error.type`. */
const NETWORK_FAILURES = new Set(['refused', 'dns', 'timeout', 'tls', 'reset', 'other']);
const ERROR_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/**
 * Runs `fn` in a `vault.request` client span (the active span while it runs, so a host's HTTP
 * instrumentation nests under it). Attributes: the endpoint kind, the answer's status code when the
 * result has one, `error.type` on failure; never the path, a header, a body or an error message.
 * A tracer that throws never costs the request: `fn` runs exactly once either way.
 */
export function runInVaultSpan<T>(tracer: TracerLike, kind: VaultRequestKind, fn: () => Promise<T>): Promise<T> {
  let running: Promise<T> | undefined;
  try {
    return tracer.startActiveSpan(SPAN_NAME, { kind: SPAN_KIND_CLIENT, attributes: endpointAttributes(kind) }, (span: SpanLike) => {
      running = traced(span, fn);
      return running;
    });
  } catch {
    return running ?? fn();
  }
}

async function traced<T>(span: SpanLike, fn: () => Promise<T>): Promise<T> {
  try {
    const result = await fn();
    safely(() => annotateAnswer(span, result));
    return result;
  } catch (err) {
    safely(() => markFailed(span, errorTypeOfThrown(err)));
    throw err;
  } finally {
    safely(() => span.end());
  }
}

/** HTTP client span conventions: the status code always, status Error from 400 on. */
function annotateAnswer(span: SpanLike, result: unknown): void {
  const status = (result as { status?: unknown } | null | undefined)?.status;
  if (typeof status !== 'number' || !Number.isInteger(status)) return;
  span.setAttribute(ATTR.statusCode, status);
  if (status >= 400) markFailed(span, String(status));
}

function markFailed(span: SpanLike, errorType: string): void {
  span.setAttribute(ATTR.errorType, errorType);
  span.setStatus({ code: SPAN_STATUS_ERROR });
}

/** A network failure's kind, else the error's class name; never its message (Vault text may echo a credential). */
function errorTypeOfThrown(err: unknown): string {
  const failure = (err as { failure?: unknown } | null | undefined)?.failure;
  if (typeof failure === 'string' && NETWORK_FAILURES.has(failure)) return failure;
  const name = (err as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' && ERROR_NAME.test(name) ? name : OTHER_ERROR_TYPE;
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // Telemetry never fails a request.
  }
}

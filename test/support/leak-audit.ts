/**
 * The suite-wide leak audit (issue: "run the whole integration suite with planted values").
 * Loaded before every test file (jest `setupFilesAfterEnv`), it records
 *   - what must never be printed: every token the Vault doubles issued, every Role ID and Secret ID
 *     the admin helper provisioned, and every KV value it stored (4 characters or more, so a PIN or
 *     a port is audited too; fixtures store distinctive values, and 1–3 letter words like "svc"
 *     cannot match by chance);
 *   - what the package printed: every log line (through `withFields`, which every connection and
 *     request logger is built with, and the shared silent logger) and every error it constructed;
 * and after the file's tests, fails the file if any recorded secret appears in any of it.
 */
import { inspect } from 'node:util';
import * as errors from '../../src/activepieces/errors';
import * as logging from '../../src/logger';
import type { Logger } from '../../src/logger';
import { VaultDouble } from '../../src/testing/vault-double';
import { VaultAdmin } from '../../src/testing/vault-admin';

const MIN_AUDITED_LENGTH = 4;
let recording = true;

/**
 * For a suite that measures its own heap (the soak): what the audit keeps would be measured too.
 * Secrets are still registered; nothing printed afterwards is recorded.
 */
export function suspendLeakAudit(): void {
  recording = false;
}
const secrets = new Set<string>();
const printed: string[] = [];
const doubles: VaultDouble[] = [];

function remember(value: unknown): void {
  if (typeof value === 'string' && value.length >= MIN_AUDITED_LENGTH) secrets.add(value);
  else if (value && typeof value === 'object') Object.values(value).forEach(remember);
}

function record(fields: unknown, msg: string): void {
  if (recording) printed.push(`${msg} ${inspect(fields, { depth: 20, showHidden: true })} ${safeJson(fields)}`);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

// What must never be printed.
// Plain replacement, not jest.spyOn: a spy keeps every call's arguments and results, which the
// soak's heap bound would measure. The module registry is per test file, so nothing to restore.
const start = VaultDouble.start.bind(VaultDouble);
VaultDouble.start = async (options) => {
  const double = await start(options);
  doubles.push(double);
  return double;
};
const admin = VaultAdmin.prototype;
const createRole = admin.createRole;
admin.createRole = async function (this: VaultAdmin, ...args: Parameters<VaultAdmin['createRole']>) {
  const credentials = await createRole.apply(this, args);
  remember(credentials);
  return credentials;
};
const newSecretId = admin.newSecretId;
admin.newSecretId = async function (this: VaultAdmin, ...args: Parameters<VaultAdmin['newSecretId']>) {
  const secretId = await newSecretId.apply(this, args);
  remember(secretId);
  return secretId;
};
for (const method of ['putKv1', 'putKv2'] as const) {
  const original = admin[method];
  admin[method] = function (this: VaultAdmin, mount: string, path: string, data: Record<string, unknown>, namespace?: string) {
    remember(data);
    return original.call(this, mount, path, data, namespace);
  };
}

// What the package printed.
const withFields = logging.withFields;
Object.assign(logging, { withFields: (base: Logger, fields: Record<string, unknown>): Logger => {
  const inner = withFields(base, fields);
  const tee = (level: keyof Logger) => (obj: Record<string, unknown>, msg: string) => {
    record({ ...fields, ...obj }, msg);
    inner[level](obj, msg);
  };
  return { debug: tee('debug'), info: tee('info'), warn: tee('warn'), error: tee('error') };
} });
for (const level of ['debug', 'info', 'warn', 'error'] as const) {
  (logging.silentLogger as Logger)[level] = (obj, msg) => record(obj, msg);
}
for (const make of ['connectionFailed', 'getSecretFailed', 'validationFailed'] as const) {
  const original = errors[make] as (...args: unknown[]) => Error;
  Object.assign(errors, { [make]: (...args: unknown[]) => {
    const err = original(...args);
    if (recording) printed.push(`${String(err)} ${inspect(err, { depth: 20, showHidden: true })}`);
    return err;
  } });
}

/** The recorded secrets that appear in what was printed so far (for the audit's own test). */
export function leaksSoFar(): string[] {
  for (const double of doubles) remember(double.issuedTokens());
  const text = printed.join('\n');
  return [...secrets].filter((s) => text.includes(s));
}

/** Forgets what was printed so far (the audit's own test leaks on purpose, then cleans up). */
export function forgetPrinted(): void {
  printed.length = 0;
}

afterAll(() => {
  const leaked = leaksSoFar();
  if (leaked.length > 0) {
    // Name where, never what: the report itself must not print the secret.
    const hide = (text: string): string => leaked.reduce((t, s) => t.split(s).join('<LEAKED>'), text);
    const where = leaked.map((s) => hide(printed.find((p) => p.includes(s))!).slice(0, 300));
    throw new Error(`leak audit: ${leaked.length} planted secret(s) or token(s) reached a log line or an error:\n${where.join('\n')}`);
  }
});

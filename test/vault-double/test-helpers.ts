// Helpers for the double's own tests: raw HTTP calls and AppRole provisioning.
import { VaultDouble, VaultDoubleOptions } from '../../src/testing/vault-double/index';

export interface CallResult {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  headers: Headers;
}

export interface CallOptions {
  /** default: the root token; null: send no token */
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function call(v: VaultDouble, method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? v.rootToken : opts.token;
  if (token !== null) headers['X-Vault-Token'] = token;
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const res = await fetch(v.url + path, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** A controllable clock for TTL / lockout tests. */
export function fakeClock(start = Date.parse('2025-01-01T00:00:00Z')): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

export async function startDouble(opts: VaultDoubleOptions = {}): Promise<VaultDouble> {
  return VaultDouble.start(opts);
}

/** The documented error bodies (docs/vault-behaviour.md §3.4, §7), as raw text. */
export const BODY = {
  plainDenied: '{"errors":["permission denied"]}\n',
  policyDenied: '{"errors":["1 error occurred:\\n\\t* permission denied\\n\\n"]}\n',
  invalidToken: '{"errors":["2 errors occurred:\\n\\t* permission denied\\n\\t* invalid token\\n\\n"]}\n',
  emptyErrors: '{"errors":[]}\n',
  invalidCreds: '{"errors":["invalid role or secret ID"]}\n',
  sealed: '{"errors":["Vault is sealed"]}\n',
};

export interface Provisioned {
  roleId: string;
  secretId: string;
}

/** enable AppRole + a policy + a role; returns credentials. Uses only the HTTP API. */
export async function provisionRole(
  v: VaultDouble,
  opts: { mount?: string; role?: string; policy?: string; policyName?: string; roleFields?: Record<string, unknown>; ns?: string; enable?: boolean } = {},
): Promise<Provisioned> {
  const mount = opts.mount ?? 'approle';
  const role = opts.role ?? 'app';
  const headers = opts.ns ? { 'X-Vault-Namespace': opts.ns } : undefined;
  const must = async (method: string, path: string, body?: unknown): Promise<CallResult> => {
    const r = await call(v, method, path, { body, headers });
    if (r.status >= 400) throw new Error(`${method} ${path} → ${r.status} ${r.text}`);
    return r;
  };
  if (opts.enable !== false) await must('POST', `/v1/sys/auth/${mount}`, { type: 'approle' });
  const policyName = opts.policyName ?? 'app';
  if (opts.policy !== undefined) await must('PUT', `/v1/sys/policies/acl/${policyName}`, { policy: opts.policy });
  await must('POST', `/v1/auth/${mount}/role/${role}`, { token_policies: [policyName], ...opts.roleFields });
  const roleId = (await must('GET', `/v1/auth/${mount}/role/${role}/role-id`)).json.data.role_id;
  const secretId = (await must('POST', `/v1/auth/${mount}/role/${role}/secret-id`, {})).json.data.secret_id;
  return { roleId, secretId };
}

export async function login(v: VaultDouble, creds: Provisioned, opts: { mount?: string; ns?: string } = {}): Promise<CallResult> {
  const headers = opts.ns ? { 'X-Vault-Namespace': opts.ns } : undefined;
  return call(v, 'POST', `/v1/auth/${opts.mount ?? 'approle'}/login`, { token: null, body: { role_id: creds.roleId, secret_id: creds.secretId }, headers });
}

export async function loginToken(v: VaultDouble, creds: Provisioned, opts: { mount?: string; ns?: string } = {}): Promise<string> {
  const r = await login(v, creds, opts);
  if (r.status !== 200) throw new Error(`login → ${r.status} ${r.text}`);
  return r.json.auth.client_token;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

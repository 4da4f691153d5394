import { nanoid } from 'nanoid';

/**
 * Provisions Vault over its HTTP API with a root token: AppRole, policies, KV mounts and data.
 * It speaks plain Vault API (no test-double shortcuts), so the same setup runs against the local
 * double and against a real Vault (`VAULT_ADDR` + root `VAULT_TOKEN`).
 */
/** Tries of a KV v2 write while a fresh mount upgrades (250 ms apart). */
const KV_UPGRADE_ATTEMPTS = 20;

export interface AdminResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RoleOptions {
  token_policies?: string[] | undefined;
  token_ttl?: string | number | undefined;
  token_max_ttl?: string | number | undefined;
  token_type?: 'service' | 'batch' | undefined;
  token_num_uses?: number | undefined;
  secret_id_num_uses?: number | undefined;
  secret_id_ttl?: string | number | undefined;
  secret_id_bound_cidrs?: string[] | undefined;
}

export interface AppRoleCredentials {
  roleId: string;
  secretId: string;
}

export class VaultAdmin {
  constructor(
    readonly url: string,
    private readonly rootToken: string,
    private readonly fetchOptions: { ca?: string | undefined } = {},
  ) {}

  async request(method: string, path: string, body?: unknown, namespace = ''): Promise<AdminResponse> {
    const headers: Record<string, string> = { 'X-Vault-Token': this.rootToken };
    if (namespace) headers['X-Vault-Namespace'] = namespace;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await httpRequest(`${this.url}/v1/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), ca: this.fetchOptions.ca });
    return res;
  }

  /** Like request, but a status ≥ 400 is a test-setup bug: throw with Vault's errors. */
  async must(method: string, path: string, body?: unknown, namespace = ''): Promise<AdminResponse> {
    const res = await this.request(method, path, body, namespace);
    if (res.status >= 400) throw new Error(`vault admin ${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  enableAppRole(mount = 'approle', namespace = ''): Promise<AdminResponse> {
    return this.must('POST', `sys/auth/${mount}`, { type: 'approle' }, namespace);
  }

  enableKv(mount: string, version: 1 | 2, namespace = ''): Promise<AdminResponse> {
    return this.must('POST', `sys/mounts/${mount}`, { type: 'kv', options: { version: String(version) } }, namespace);
  }

  writePolicy(name: string, hcl: string, namespace = ''): Promise<AdminResponse> {
    return this.must('PUT', `sys/policies/acl/${name}`, { policy: hcl }, namespace);
  }

  async createRole(mount: string, role: string, options: RoleOptions, namespace = ''): Promise<AppRoleCredentials> {
    await this.must('POST', `auth/${mount}/role/${role}`, options, namespace);
    const roleId = (await this.must('GET', `auth/${mount}/role/${role}/role-id`, undefined, namespace)).body.data.role_id;
    const secretId = await this.newSecretId(mount, role, namespace);
    return { roleId, secretId };
  }

  async newSecretId(mount: string, role: string, namespace = ''): Promise<string> {
    return (await this.must('POST', `auth/${mount}/role/${role}/secret-id`, {}, namespace)).body.data.secret_id;
  }

  /**
   * A KV v2 mount enabled a moment ago may still be upgrading its storage on a real Vault and
   * refuse writes for a short while ("upgrading from non-versioned to versioned data"); the double
   * never does. Wait that out (a few seconds at most) instead of failing the set-up.
   */
  async putKv2(mount: string, path: string, data: Record<string, unknown>, namespace = ''): Promise<AdminResponse> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.request('POST', `${mount}/data/${path}`, { data }, namespace);
      if (res.status < 400) return res;
      const upgrading = /upgrad/i.test(JSON.stringify(res.body ?? ''));
      if (!upgrading || attempt >= KV_UPGRADE_ATTEMPTS) throw new Error(`vault admin POST ${mount}/data/${path} → ${res.status} ${JSON.stringify(res.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  putKv1(mount: string, path: string, data: Record<string, unknown>, namespace = ''): Promise<AdminResponse> {
    return this.must('POST', `${mount}/${path}`, data, namespace);
  }

  createNamespace(path: string, parent = ''): Promise<AdminResponse> {
    return this.must('POST', `sys/namespaces/${path}`, {}, parent);
  }

  revokeToken(token: string): Promise<AdminResponse> {
    return this.must('POST', 'auth/token/revoke', { token });
  }
}

/** A name unique to this run, so tests never collide on a shared real Vault. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${nanoid(8).replace(/[^A-Za-z0-9]/g, 'x').toLowerCase()}`;
}

/**
 * The usual fixture: AppRole at `approleMount`, a KV v2 mount, a policy that may read the mount's
 * data and `sys/mounts`, and a role with that policy. Returns the names and credentials.
 */
export async function provisionAppRole(
  admin: VaultAdmin,
  options: {
    approleMount?: string | undefined;
    kvMount?: string | undefined;
    kvVersion?: 1 | 2 | undefined;
    policy?: string | undefined;
    role?: RoleOptions | undefined;
    namespace?: string | undefined;
  } = {},
): Promise<{ approleMount: string; kvMount: string; policyName: string; roleName: string; credentials: AppRoleCredentials }> {
  const ns = options.namespace ?? '';
  const approleMount = options.approleMount ?? uniqueName('approle');
  const kvMount = options.kvMount ?? uniqueName('kv');
  const kvVersion = options.kvVersion ?? 2;
  const policyName = uniqueName('policy');
  const roleName = uniqueName('role');
  await admin.enableAppRole(approleMount, ns);
  await admin.enableKv(kvMount, kvVersion, ns);
  const dataPath = kvVersion === 2 ? `${kvMount}/data/*` : `${kvMount}/*`;
  const policy = options.policy ?? `path "${dataPath}" { capabilities = ["read"] }\npath "sys/mounts" { capabilities = ["read"] }\n`;
  await admin.writePolicy(policyName, policy, ns);
  const credentials = await admin.createRole(approleMount, roleName, { token_policies: [policyName], token_ttl: '1h', ...definedFields(options.role) }, ns);
  return { approleMount, kvMount, policyName, roleName, credentials };
}

/** The fields that hold a value: an explicit `undefined` means the default, not "none". */
function definedFields<T extends object>(options: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface HttpOptions {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  ca?: string | undefined;
}

/** Node's http(s) directly (fetch cannot take a custom CA without undici). */
async function httpRequest(url: string, options: HttpOptions): Promise<AdminResponse> {
  const { request } = url.startsWith('https:') ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers, ca: options.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = undefined;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

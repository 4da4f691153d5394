import { inspect } from 'node:util';
import { nanoid } from 'nanoid';
import { provisionAppRole, VaultAdmin } from '../../src/testing/vault-admin';

/**
 * Planted values for leak checks: unique, recognisable strings used as secret values, Role IDs and
 * Secret IDs, so that any of them turning up in a log line or an error is certain to be a leak.
 */
export function planted(kind: string): string {
  return `planted-${kind}-${nanoid(10).replace(/[^A-Za-z0-9]/g, 'x')}`;
}

/** An AppRole whose Role ID and Secret ID are planted values (Vault accepts custom ones). */
export async function provisionPlantedAppRole(admin: VaultAdmin, options: Parameters<typeof provisionAppRole>[1] = {}) {
  const setup = await provisionAppRole(admin, options);
  const ns = options.namespace ?? '';
  const roleId = planted('roleid');
  const secretId = planted('secretid');
  await admin.must('POST', `auth/${setup.approleMount}/role/${setup.roleName}/role-id`, { role_id: roleId }, ns);
  await admin.must('POST', `auth/${setup.approleMount}/role/${setup.roleName}/custom-secret-id`, { secret_id: secretId }, ns);
  return { ...setup, credentials: { roleId, secretId } };
}

/** Everything a log pipeline or an error reporter could print of a thrown value. */
export function renderThrown(err: unknown): string {
  const parts = [String(err), inspect(err, { depth: null, showHidden: true })];
  try {
    parts.push(JSON.stringify(err));
  } catch {
    parts.push('(not serialisable)');
  }
  if (err instanceof Error) {
    parts.push(err.message, err.stack ?? '', err.toString());
    const params = (err as { error?: { params?: unknown } }).error?.params;
    if (params !== undefined) parts.push(JSON.stringify(params), inspect(params, { depth: null }));
  }
  return parts.join('\n');
}

/** The planted strings (and tokens) found in `text`. */
export function leaksIn(text: string, secrets: Iterable<string>): string[] {
  return [...secrets].filter((s) => s.length > 0 && text.includes(s));
}

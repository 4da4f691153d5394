/**
 * Shared by the vault-setups suites: how a failure is asserted (code AND message), and what
 * reached the Vault double (the provider's own requests, not the admin's set-up).
 */
import type { LoggedRequest, VaultDouble } from '../../src/testing/vault-double';
import type { AppRoleCredentials } from '../../src/testing/vault-admin';

export interface Failure {
  code: string;
  message: string;
  params: Record<string, unknown>;
}

/**
 * Awaits a promise that must reject with an ActivepiecesError of `code` whose message matches
 * `message`. err.message must carry the same human text the engine shows (params.message).
 */
export async function failureOf(promise: Promise<unknown>, code: string, message: RegExp): Promise<Failure> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) throw new Error(`expected a ${code} failure, but the call succeeded`);
  const error = (caught as { error?: { code?: string; params?: Record<string, unknown> } }).error;
  expect({ code: error?.code, message: error?.params?.message }).toEqual({ code, message: expect.stringMatching(message) });
  expect((caught as Error).message).toBe(`${code}: ${String(error!.params!.message)}`);
  return { code, message: String(error!.params!.message), params: error!.params! };
}

/** The requests the provider made (the root-token set-up excluded), as "METHOD /path[?query] @ns". */
export function providerTraffic(double: VaultDouble): string[] {
  return double.requests.filter((r) => !r.admin).map(describe);
}

function describe(r: LoggedRequest): string {
  const query = r.query ? (r.query.startsWith('?') ? r.query : `?${r.query}`) : '';
  return `${r.method} ${r.path}${query}${r.namespace ? ` @${r.namespace}` : ''}`;
}

export { configOf } from '../support/fixtures';

/** No credential may appear in a message, its params, or a log line (security is correctness). */
export function expectNoCredentials(text: string, credentials: AppRoleCredentials): void {
  expect(text).not.toContain(credentials.roleId);
  expect(text).not.toContain(credentials.secretId);
}

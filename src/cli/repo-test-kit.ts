import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The demo's in-process Vault: the test double and the admin helpers of this repository
 * (`test/vault-double`, `test/support/vault-admin.ts`). They are TypeScript sources that ship with
 * the checkout, not with the npm package, so the demo loads them at run time:
 * - `npm start` (ts-node) and jest load `.ts` already;
 * - `node dist/src/cli.js demo` in a checkout registers ts-node (a devDependency) first;
 * - an installed package has no `test/`, and the demo says so.
 * Only the members the demo uses are typed here, so the build never compiles the test tree.
 */
export interface LocalVaultDouble {
  readonly url: string;
  readonly rootToken: string;
  readonly caCertificatePem?: string;
  readonly requests: ReadonlyArray<{ method: string; path: string; admin: boolean; status: number }>;
  stop(): Promise<void>;
}

export interface VaultAdminLike {
  putKv2(mount: string, path: string, data: Record<string, unknown>): Promise<unknown>;
}

export interface Provisioned {
  approleMount: string;
  kvMount: string;
  policyName: string;
  roleName: string;
  credentials: { roleId: string; secretId: string };
}

export interface RepoTestKit {
  startDouble(): Promise<LocalVaultDouble>;
  admin(double: LocalVaultDouble): VaultAdminLike;
  provisionAppRole(admin: VaultAdminLike, options: { approleMount: string; kvMount: string }): Promise<Provisioned>;
}

interface DoubleModule {
  VaultDouble: { start(): Promise<LocalVaultDouble> };
}

interface AdminModule {
  VaultAdmin: new (url: string, rootToken: string, options?: { ca?: string }) => VaultAdminLike;
  provisionAppRole: RepoTestKit['provisionAppRole'];
}

/** src/cli (ts-node, jest) or dist/src/cli (built) → the repository root, if `test/vault-double` is there. */
export function repositoryRoot(fromDir: string = __dirname): string | undefined {
  return [resolve(fromDir, '..', '..'), resolve(fromDir, '..', '..', '..')].find((dir) =>
    existsSync(join(dir, 'test', 'vault-double', 'index.ts')),
  );
}

export function loadRepoTestKit(root: string): RepoTestKit {
  const double = requireTs<DoubleModule>(root, join(root, 'test', 'vault-double'));
  const admin = requireTs<AdminModule>(root, join(root, 'test', 'support', 'vault-admin'));
  return {
    startDouble: () => double.VaultDouble.start(),
    admin: (d) => new admin.VaultAdmin(d.url, d.rootToken, { ca: d.caCertificatePem }),
    provisionAppRole: (a, options) => admin.provisionAppRole(a, options),
  };
}

/** Requires a TypeScript module; when plain Node cannot, registers ts-node and tries again. */
function requireTs<T>(root: string, modulePath: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(modulePath) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsNode = require('ts-node') as { register(options: object): unknown };
  tsNode.register({ transpileOnly: true, project: join(root, 'tsconfig.json') });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(modulePath) as T;
}

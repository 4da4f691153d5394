/**
 * What every scenario stands on: a Vault double provisioned over its HTTP API (AppRole at
 * `approle`, where the built-in provider always logs in; KV v2 at `secret`), and the two sides
 * wired to one connection of it: ours through the engine hook, the baseline through its service.
 */
import {
  createHashicorpVaultProvider, HashicorpVaultConfig, HashicorpVaultProvider, HashicorpVaultProviderOptions,
  resolveSecretReferences, ResolveContext, SecretManagerConnection,
} from '../src';
import { SecretManagerConnectionScope, SecretManagerProviderId } from '../test/support/activepieces';
import { VaultDouble, VaultDoubleOptions } from '../src/testing/vault-double';
import { provisionAppRole, VaultAdmin } from '../src/testing/vault-admin';

/** The double listens on loopback, which the provider's network guard refuses unless allowed. */
const BENCH_LOOPBACK = '127.0.0.1/32';
import { BaselineSecretManagers } from './baseline-provider';

export const PLATFORM_ID = 'bench-platform';
export const CONNECTION_ID = 'bench-conn';
export const KV_MOUNT = 'secret';

export interface BenchVault {
  readonly double: VaultDouble;
  readonly config: HashicorpVaultConfig;
  /** Requests the two sides made (the setup's root-token requests left out). */
  requests(): number;
  clearRequests(): void;
  stop(): Promise<void>;
}

/** A double with `secrets` written (path under `secret/` → key/value pairs). */
export async function startBenchVault(options: VaultDoubleOptions, secrets: Record<string, Record<string, string>>): Promise<BenchVault> {
  const double = await VaultDouble.start(options);
  const admin = new VaultAdmin(double.url, double.rootToken);
  const { credentials } = await provisionAppRole(admin, { approleMount: 'approle', kvMount: KV_MOUNT });
  for (const [path, data] of Object.entries(secrets)) await admin.putKv2(KV_MOUNT, path, data);
  double.clearRequests();
  return {
    double,
    config: { url: double.url, roleId: credentials.roleId, secretId: credentials.secretId },
    requests: () => double.count({ admin: false }),
    clearRequests: () => double.clearRequests(),
    stop: () => double.stop(),
  };
}

/** `{{bench-conn|ap_sep_v1|secret/data/<secret>/<key>}}` */
export function reference(secret: string, key: string): string {
  return `{{${CONNECTION_ID}|ap_sep_v1|${KV_MOUNT}/data/${secret}/${key}}}`;
}

/** Both sides, cold, on one connection of `vault`. */
export interface Sides {
  ours: { provider: HashicorpVaultProvider; resolve<T extends Record<string, unknown>>(value: T): Promise<T> };
  baseline: { service: BaselineSecretManagers; resolve<T extends Record<string, unknown>>(value: T): Promise<T> };
  close(): Promise<void>;
}

export function coldSides(vault: BenchVault, options: HashicorpVaultProviderOptions = {}): Sides {
  const provider = createHashicorpVaultProvider({ allowedNetworks: [BENCH_LOOPBACK], ...options });
  const connection: SecretManagerConnection = {
    id: CONNECTION_ID, platformId: PLATFORM_ID, providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config: vault.config,
  };
  // The engine looks the connection up (a database or cache hit): asynchronous, as it would be.
  const context: ResolveContext = { platformId: PLATFORM_ID, getConnection: async (id) => (id === CONNECTION_ID ? connection : null), providers: [provider] };
  const service = new BaselineSecretManagers(PLATFORM_ID, new Map([[CONNECTION_ID, { id: CONNECTION_ID, config: vault.config }]]));
  return {
    ours: { provider, resolve: (value) => resolveSecretReferences(value, context) },
    baseline: { service, resolve: (value) => service.resolveObject(value) },
    close: async () => {
      await provider.close();
      service.close();
    },
  };
}

/** Both sides must give the expected values, or their figures mean nothing. */
export function assertResolved(side: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${side}: resolved values differ from those written to Vault; its figures would mean nothing`);
  }
}

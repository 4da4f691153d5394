import type { VaultDouble } from '../../src/testing/vault-double';

/**
 * What the provider asked of Vault, counted at the double. Admin requests (root token, test setup)
 * are left out, so a count is the provider's traffic only.
 */
export interface VaultCounts {
  /** AppRole logins, any mount. */
  logins(): number;
  /** Secret reads under a KV v2 mount: all of them, or those of one secret (`app/db`). */
  reads(secret?: string): number;
  renewals(): number;
  revocations(): number;
  /** `GET sys/mounts`. */
  mountListings(): number;
  /** Every request the provider made. */
  total(): number;
  /** Requests the double answered with this status. */
  answered(status: number): number;
}

export function vaultCounts(double: VaultDouble, kvMount: string): VaultCounts {
  const provider = (filter: Parameters<VaultDouble['count']>[0] = {}): number => double.count({ ...filter, admin: false });
  return {
    logins: () => provider({ method: 'POST', path: /\/login$/ }),
    reads: (secret) => provider({ method: 'GET', path: secret === undefined ? new RegExp(`^/v1/${kvMount}/`) : `/v1/${kvMount}/data/${secret}` }),
    renewals: () => provider({ method: 'POST', path: '/v1/auth/token/renew-self' }),
    revocations: () => provider({ method: 'POST', path: '/v1/auth/token/revoke-self' }),
    mountListings: () => provider({ method: 'GET', path: '/v1/sys/mounts' }),
    total: () => provider(),
    answered: (status) => double.requests.filter((r) => !r.admin && r.status === status).length,
  };
}

/**
 * A clock the test moves by hand, shared by the provider and the double. It starts far from 0:
 * lru-cache reads a start time of 0 as "no TTL".
 */
export interface ManualClock {
  now(): number;
  advance(ms: number): void;
}

export function manualClock(start = 1_700_000_000_000): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

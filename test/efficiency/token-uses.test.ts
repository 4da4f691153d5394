/**
 * Limited-use tokens (docs/vault-behaviour.md §14.12): every attempt of a request spends a use,
 * retries included, so the session's count must include them or it sends a used-up token.
 */
import { createHashicorpVaultProvider } from '../../src';
import { startProvisionedDouble } from '../support/fixtures';
import { vaultCounts } from '../support/vault-counts';

it('a retried read spends two uses: with token_num_uses 3, the third read logs in again instead of sending a dead token', async () => {
  const fixture = await startProvisionedDouble({ provision: { role: { token_num_uses: 3, token_ttl: '1h' } } });
  const provider = createHashicorpVaultProvider({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
  try {
    await fixture.target.admin.putKv2(fixture.kvMount, 'app', { key: 'v' });
    fixture.target.double.clearRequests();
    const counts = vaultCounts(fixture.target.double, fixture.kvMount);
    const config = { ...fixture.config, cacheTtlSeconds: 0 };
    const read = () => provider.resolve({ connectionId: 'c1', config, path: `${fixture.kvMount}/data/app/key` });
    // 'reset': the double serves the read (a use is spent) and cuts the answer, so the client retries.
    fixture.target.double.faults.add({ match: { method: 'GET' }, kind: 'reset', times: 1 });
    await expect(read()).resolves.toBe('v');
    await expect(read()).resolves.toBe('v');
    await expect(read()).resolves.toBe('v');
    expect(counts.answered(403)).toBe(0);
    expect(counts.logins()).toBe(2);
    expect(counts.reads()).toBe(4);
  } finally {
    await provider.close();
    await fixture.target.stop();
  }
});

/** The suite-wide leak audit itself: it sees short planted values and tokens, not only long ones. */
import { withFields } from '../../src/logger';
import { getSecretFailed } from '../../src/activepieces/errors';
import { startProvisionedDouble } from '../support/fixtures';
import { forgetPrinted, leaksSoFar } from '../support/leak-audit';

let fixture: Awaited<ReturnType<typeof startProvisionedDouble>>;
beforeAll(async () => {
  fixture = await startProvisionedDouble();
});
afterAll(() => fixture.target.stop());
afterEach(forgetPrinted);

const sink = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

it('a 4-digit PIN stored in Vault and then logged is caught', async () => {
  await fixture.target.admin.putKv2(fixture.kvMount, 'short', { pin: '7291' });
  expect(leaksSoFar()).toEqual([]);
  withFields(sink, { component: 'x' }).info({ note: 'pin 7291 in a message' }, 'vault: oops');
  expect(leaksSoFar()).toEqual(['7291']);
});

it('a Secret ID quoted in an error this package built is caught', () => {
  getSecretFailed(`bad ${fixture.setup.credentials.secretId}`);
  expect(leaksSoFar()).toContain(fixture.setup.credentials.secretId);
});

it('a value of three characters is not audited (too likely to match by chance)', async () => {
  await fixture.target.admin.putKv2(fixture.kvMount, 'tiny', { x: 'svc' });
  withFields(sink, {}).info({}, 'svc');
  expect(leaksSoFar()).toEqual([]);
});

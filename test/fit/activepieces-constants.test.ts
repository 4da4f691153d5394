/**
 * The package writes three of Activepieces' values itself, so that loading it does not load the
 * secret-managers module (and zod) at start-up: they must stay equal to Activepieces' own.
 */
import { execFileSync } from 'node:child_process';
import { HASHICORP_PROVIDER_ID, REFERENCE_SEPARATOR, SCOPE } from '../../src/activepieces/shared';
import { SecretManagerConnectionScope, SecretManagerFieldsSeparator, SecretManagerProviderId } from '../support/activepieces';

it('the provider id, the reference separator and the scopes are Activepieces\' own', () => {
  expect(HASHICORP_PROVIDER_ID).toBe(SecretManagerProviderId.HASHICORP);
  expect(REFERENCE_SEPARATOR).toBe(SecretManagerFieldsSeparator);
  expect(SCOPE).toEqual({ PLATFORM: SecretManagerConnectionScope.PLATFORM, PROJECT: SecretManagerConnectionScope.PROJECT });
  expect(Object.keys(SecretManagerConnectionScope).sort()).toEqual(Object.keys(SCOPE).sort());
});

it('loading the main entry loads neither the secret-managers module nor zod', () => {
  const script = `require('ts-node').register({ transpileOnly: true });
    require('./src/index.ts');
    const loaded = Object.keys(require.cache);
    console.log(JSON.stringify({ sm: loaded.some((f) => f.includes('ee/secret-managers')), zod: loaded.some((f) => /node_modules\\/zod\\//.test(f)) }));`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: `${__dirname}/../..`, encoding: 'utf8' });
  expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ sm: false, zod: false });
});

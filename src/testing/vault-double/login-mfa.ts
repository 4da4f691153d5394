// Login MFA enforced on an auth mount (docs/vault-behaviour.md §14.6; HV vault/request_handling.go
// handleLoginRequest): the credentials are checked, no token is made, and the answer is 200 with
// `auth` = a zero logical.Auth carrying only MFARequirement, plus a warning.
import { randomUUID } from 'node:crypto';
import { Reply, okReply } from './responses';

/** The warning HV adds to the first phase of a two-phase MFA login. */
export const MFA_WARNING =
  'A login request was issued that is subject to MFA validation. Please make sure to validate the login by sending another request to mfa/validate endpoint.';

/** Name of the login enforcement in the challenge (mfa_constraints is keyed by it). */
const ENFORCEMENT_NAME = 'double-login-mfa';

export function loginMfaChallenge(): Reply {
  return okReply({
    auth: {
      client_token: '',
      accessor: '',
      policies: null,
      token_policies: null,
      metadata: null,
      lease_duration: 0,
      renewable: false,
      entity_id: '',
      token_type: 'default',
      orphan: false,
      mfa_requirement: {
        mfa_request_id: randomUUID(),
        mfa_constraints: { [ENFORCEMENT_NAME]: { any: [{ type: 'totp', id: randomUUID(), uses_passcode: true, name: 'totp' }] } },
      },
      num_uses: 0,
    },
    warnings: [MFA_WARNING],
    mountType: '', // docs/vault-behaviour.md §1/§2.2: login responses have mount_type ""
  });
}

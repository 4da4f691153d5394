import { vaultEndpointKind } from '../../src/telemetry';

it.each([
  ['POST', 'auth/approle/login', 'login'],
  ['POST', 'auth/team/approle/login', 'login'],
  ['POST', 'auth/token/renew-self', 'renew'],
  ['POST', 'auth/token/revoke-self', 'revoke'],
  ['GET', 'auth/token/lookup-self', 'lookup'],
  ['GET', 'sys/mounts', 'mounts'],
  ['GET', 'sys/internal/ui/mounts/secret/crm', 'mounts'],
  ['GET', 'sys/health?standbyok=true', 'health'],
  ['GET', 'sys/seal-status', 'health'],
  ['GET', 'secret/data/crm/api', 'read'],
  ['GET', '/kv/crm?version=3', 'read'],
  ['POST', 'secret/data/crm', 'other'],
  ['GET', 'sys/policies/acl/x', 'other'],
  ['POST', 'auth/approle/role/x/secret-id', 'other'],
])('%s %s is a %s request', (method, path, kind) => {
  expect(vaultEndpointKind(method, path)).toBe(kind);
});

/**
 * `<package>/testing`: test your integration offline. A local Vault HTTP API double (a real HTTP
 * server on 127.0.0.1 that answers as Vault does, with request counting and fault injection) and
 * helpers that provision it, or a real Vault, through Vault's plain HTTP API with a root token.
 *
 * Not loaded by the main entry: start-up of the provider stays light.
 */
export { VaultDouble, unusedLocalUrl, mulberry32 } from './vault-double';
export type {
  VaultDoubleOptions, StandbyOptions, NamespaceOption, LoggedRequest, RequestFilter, FaultInjector, FaultRule, VaultFlavour, NodeName, NodeState, ElectionState,
} from './vault-double';
export { VaultAdmin, provisionAppRole, uniqueName } from './vault-admin';
export type { AdminResponse, RoleOptions, AppRoleCredentials } from './vault-admin';

// Deployment flavours: what differs between Vault releases, editions and OpenBao
// (docs/vault-behaviour.md §14.1, §14.9; HV changelog/25953.txt; HV http/util_stubs_oss.go adjustRequest).
import { Reply, invalidToken, plainPermissionDenied, errorReply } from './responses';

export type VaultFlavour = 'vault' | 'vault-1.16' | 'openbao' | 'enterprise' | 'community';

export interface FlavourTraits {
  readonly name: VaultFlavour;
  /** X-Vault-Namespace and namespace URL prefixes are honoured (§8, §14.9) */
  readonly namespaces: boolean;
  /** `version` of sys/health and sys/seal-status */
  readonly version: string;
  /** sys/health `enterprise` */
  readonly enterprise: boolean;
  /** docs/vault-behaviour.md §14.1: expired, revoked, used-up or unknown token */
  deadToken(): Reply;
  /** docs/vault-behaviour.md §8/§14.9: a header namespace that does not exist */
  unknownNamespace(): Reply;
}

const VAULT_VERSION = '1.21.0';
const VAULT_116_VERSION = '1.16.3';
const OPENBAO_VERSION = '2.3.1';

/** docs/vault-behaviour.md §8: OpenBao answers 404 `namespace not found` (OB namespace_store.go ResolveNamespaceFromRequest). */
const namespaceNotFound = (): Reply => errorReply(404, ['namespace not found']);

function traits(name: VaultFlavour, namespaces: boolean): FlavourTraits {
  const ent = (base: string): string => (namespaces ? `${base}+ent` : base); // docs/vault-behaviour.md §14.9: +ent only on Enterprise
  switch (name) {
    case 'vault':
      // docs/vault-behaviour.md §14.1: Vault ≥ 1.17 answers a dead token with the two-error multierror
      return { name, namespaces, version: ent(VAULT_VERSION), enterprise: namespaces, deadToken: invalidToken, unknownNamespace: namespaceNotFound };
    case 'vault-1.16':
      // docs/vault-behaviour.md §14.1: Vault ≤ 1.16 answers a dead token with plain `permission denied`
      return { name, namespaces, version: ent(VAULT_116_VERSION), enterprise: namespaces, deadToken: plainPermissionDenied, unknownNamespace: namespaceNotFound };
    case 'openbao':
      // docs/vault-behaviour.md §14.1: plain `permission denied` (OB request_handling.go:308-309); §8: `namespace not found`
      return { name, namespaces, version: OPENBAO_VERSION, enterprise: false, deadToken: plainPermissionDenied, unknownNamespace: namespaceNotFound };
    case 'enterprise':
      // docs/vault-behaviour.md §14.9: a mistyped namespace is seen in the wild as 403 plain `permission denied`
      return { name, namespaces: true, version: `${VAULT_VERSION}+ent`, enterprise: true, deadToken: invalidToken, unknownNamespace: plainPermissionDenied };
    case 'community':
      // docs/vault-behaviour.md §14.9: CE ignores X-Vault-Namespace; version without +ent
      return { name, namespaces: false, version: VAULT_VERSION, enterprise: false, deadToken: invalidToken, unknownNamespace: namespaceNotFound };
  }
}

/**
 * The flavour of a double from the start options. `enterprise` (the older switch) turns
 * namespaces on/off for 'vault', 'vault-1.16' and 'openbao'; without a flavour,
 * `enterprise: false` means 'community'. A contradiction ('community' + enterprise:true,
 * 'enterprise' + enterprise:false) is a test bug and throws.
 */
export function resolveFlavour(flavour: VaultFlavour | undefined, enterprise: boolean | undefined): FlavourTraits {
  if (flavour === undefined) return enterprise === false ? traits('community', false) : traits('vault', true);
  if (flavour === 'community' && enterprise === true) throw new Error("VaultDouble: flavour 'community' cannot have enterprise: true");
  if (flavour === 'enterprise' && enterprise === false) throw new Error("VaultDouble: flavour 'enterprise' cannot have enterprise: false");
  if (!FLAVOURS.includes(flavour)) throw new Error(`VaultDouble: unknown flavour "${String(flavour)}"`);
  return traits(flavour, flavour === 'community' ? false : enterprise ?? true);
}

export const FLAVOURS: readonly VaultFlavour[] = ['vault', 'vault-1.16', 'openbao', 'enterprise', 'community'];

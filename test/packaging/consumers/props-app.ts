/**
 * A piece author's consumer of `<package>/props`: the form as pieces-framework properties, used
 * as a custom auth. Compiled and run only where the optional peer is installed.
 */
import { PieceAuth, PropertyType } from '@activepieces/pieces-framework';
import { createHashicorpVaultProvider } from '@activepieces-community/secret-manager-hashicorp-vault';
import { FIELD_NAMES, hashicorpVaultPieceProps } from '@activepieces-community/secret-manager-hashicorp-vault/props';
import type { HashicorpVaultPieceProps } from '@activepieces-community/secret-manager-hashicorp-vault/props';

const props: HashicorpVaultPieceProps = hashicorpVaultPieceProps();
const auth = PieceAuth.CustomAuth({ displayName: 'HashiCorp Vault', required: true, props });

if (props.url.type !== PropertyType.SHORT_TEXT || props.secretId.type !== PropertyType.SECRET_TEXT) throw new Error('consumer (props): widget types');
if (Object.keys(auth.props ?? {}).join() !== FIELD_NAMES.join()) throw new Error('consumer (props): the auth does not carry every field');
if (createHashicorpVaultProvider().props !== props) throw new Error('consumer (props): provider.props is not the same form');
console.log(`consumer ok (props): ${FIELD_NAMES.length} pieces-framework properties`);

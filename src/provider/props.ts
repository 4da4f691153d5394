import type { FieldName } from '../config/fields';

/**
 * One property of the connection form, as the main entry describes it. Structural on purpose:
 * naming pieces-framework's types here would make every consumer's type check load
 * pieces-framework (and `ai`, `@ai-sdk/*`), an optional peer. `<package>/props` gives the same
 * objects with pieces-framework's own types.
 */
export interface ConnectionFormProperty {
  readonly type: string;
  readonly displayName: string;
  readonly description?: string | undefined;
  readonly required: boolean;
}

/** The connection form, one property per field of CONFIG_FIELDS, keyed as Activepieces stores the config. */
export type HashicorpVaultProps = { readonly [N in FieldName]: ConnectionFormProperty };

const PIECES_FRAMEWORK = '@activepieces/pieces-framework';

/**
 * Built on first use: `@activepieces/pieces-framework` takes ~0.6 s to load, is an optional peer
 * dependency, and the engine resolving secrets never needs the form.
 */
export function hashicorpVaultProps(): HashicorpVaultProps {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./piece-props') as typeof import('./piece-props')).hashicorpVaultPieceProps();
  } catch (err) {
    if (isMissing(err, PIECES_FRAMEWORK)) {
      throw new Error(`The connection form (provider.props) needs ${PIECES_FRAMEWORK}, an optional peer dependency: npm install ${PIECES_FRAMEWORK}`);
    }
    throw err;
  }
}

function isMissing(err: unknown, name: string): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${name}'`);
}

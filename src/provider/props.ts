import type {
  CheckboxProperty, LongTextProperty, NumberProperty, SecretTextProperty, ShortTextProperty,
} from '@activepieces/pieces-framework';
import { CONFIG_FIELDS, FieldKind, FieldName, FIELD_NAMES } from '../config/fields';

type Fields = typeof CONFIG_FIELDS;
type PropertyOf<K extends FieldKind, R extends boolean> = K extends 'secretText'
  ? SecretTextProperty<R>
  : K extends 'longText'
    ? LongTextProperty<R>
    : K extends 'checkbox'
      ? CheckboxProperty<R>
      : K extends 'number'
        ? NumberProperty<R>
        : ShortTextProperty<R>;

/** The connection form, one property per field of CONFIG_FIELDS, keyed as Activepieces stores the config. */
export type HashicorpVaultProps = { [N in FieldName]: PropertyOf<Fields[N]['kind'], Fields[N]['required']> };

let built: HashicorpVaultProps | undefined;

/**
 * Built on first use: `@activepieces/pieces-framework` takes ~0.6 s to load, and the engine
 * resolving secrets never needs the form.
 */
export function hashicorpVaultProps(): HashicorpVaultProps {
  built ??= buildProps();
  return built;
}

function buildProps(): HashicorpVaultProps {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Property, PieceAuth } = require('@activepieces/pieces-framework') as typeof import('@activepieces/pieces-framework');
  const widget: Record<FieldKind, (p: { displayName: string; description: string; required: boolean }) => unknown> = {
    text: (p) => Property.ShortText(p),
    longText: (p) => Property.LongText(p),
    secretText: (p) => PieceAuth.SecretText(p),
    checkbox: (p) => Property.Checkbox({ ...p, defaultValue: false }),
    number: (p) => Property.Number(p),
  };
  const entries = FIELD_NAMES.map((name) => {
    const { kind, displayName, description, required } = CONFIG_FIELDS[name];
    return [name, widget[kind]({ displayName, description, required })];
  });
  return Object.fromEntries(entries) as HashicorpVaultProps;
}

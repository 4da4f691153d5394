import { PieceAuth, Property } from '@activepieces/pieces-framework';
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

/** The connection form as pieces-framework properties, one per field of CONFIG_FIELDS, keyed as Activepieces stores the config. */
export type HashicorpVaultPieceProps = { [N in FieldName]: PropertyOf<Fields[N]['kind'], Fields[N]['required']> };

let built: HashicorpVaultPieceProps | undefined;

/** The form, built once (this module is loaded only by `<package>/props` and the first `provider.props`). */
export function hashicorpVaultPieceProps(): HashicorpVaultPieceProps {
  built ??= buildProps();
  return built;
}

function buildProps(): HashicorpVaultPieceProps {
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
  return Object.fromEntries(entries) as HashicorpVaultPieceProps;
}

/**
 * Real pieces as published on npm (pinned devDependencies). Each is one bundled CommonJS file
 * with its own copy of the pieces framework, so they are read structurally, by what the framework
 * puts on an auth property.
 */
import { isSecretReference } from '../../src';

export interface PieceAuthProp {
  displayName: string;
  type: string;
  required: boolean;
}

export interface PieceAuthDefinition {
  /** `SECRET_TEXT`, `BASIC_AUTH`, `CUSTOM_AUTH`, `OAUTH2` … — the connection type it takes. */
  type: string;
  required: boolean;
  displayName: string;
  props?: Record<string, PieceAuthProp>;
  username?: { displayName: string };
  password?: { displayName: string };
  validate?: (input: { auth: unknown }) => Promise<{ valid: boolean; error?: string }>;
}

export interface PublishedPiece {
  displayName: string;
  auth: PieceAuthDefinition;
}

export function loadPublishedPiece(packageName: string, exportName: string): PublishedPiece {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const piece = (require(packageName) as Record<string, PublishedPiece>)[exportName];
  if (!piece?.auth?.type) throw new Error(`${packageName} exports no piece "${exportName}" with an auth definition`);
  return piece;
}

/**
 * What a piece's auth definition asks of a connection value, as a list of problems (empty when
 * it fits): the type, every prop the piece declares and no other, required values present as
 * non-empty text, and no reference text left where a secret belongs.
 */
export function problemsAgainstAuth(auth: PieceAuthDefinition, value: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (value.type !== auth.type) problems.push(`type is ${String(value.type)}, the piece takes ${auth.type}`);
  const required = (field: string, v: unknown) => {
    if (typeof v !== 'string' || v.trim() === '') problems.push(`${field} is required and is not a non-empty text`);
    else if (isSecretReference(v)) problems.push(`${field} still holds a secret reference`);
  };
  if (auth.type === 'SECRET_TEXT' && auth.required) required('secret_text', value.secret_text);
  if (auth.type === 'BASIC_AUTH') {
    required('username', value.username);
    required('password', value.password);
  }
  if (auth.type === 'CUSTOM_AUTH') {
    const props = (value.props ?? {}) as Record<string, unknown>;
    const declared = Object.keys(auth.props ?? {});
    for (const key of Object.keys(props)) if (!declared.includes(key)) problems.push(`props.${key} is not a prop of the piece`);
    for (const [key, prop] of Object.entries(auth.props ?? {})) {
      if (prop.required) required(`props.${key}`, props[key]);
      else if (isSecretReference(props[key])) problems.push(`props.${key} still holds a secret reference`);
    }
  }
  return problems;
}

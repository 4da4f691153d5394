import { getSecretFailed } from './errors';
import type { ResolveContext, SecretManagerConnection } from './resolve-references';
import { SCOPE } from './shared';

/**
 * The security rule of the engine hook: which calls may use a secret-manager connection.
 * PLATFORM connections serve every project of their platform; PROJECT connections only the
 * projects they list. Anything unknown, missing or mismatched fails closed.
 */

/** Fails closed: unknown id, another platform, or a project the connection does not list. */
export function checkScope(id: string, connection: SecretManagerConnection | null | undefined, context: Pick<ResolveContext, 'platformId' | 'projectId'>): SecretManagerConnection {
  if (!connection) throw getSecretFailed(`Secret manager connection "${id}" does not exist.`, { connectionId: id });
  // The provider caches by connection.id: a lookup that answers with another connection must not
  // let this reference read (or be served) that connection's values.
  if (connection.id !== id) throw getSecretFailed(`Secret manager connection "${id}" was not found (the lookup returned another connection).`, { connectionId: id });
  if (!nonEmpty(context.platformId)) {
    throw getSecretFailed(`Secret manager connection "${id}" cannot be used: this call names no platform.`, { connectionId: id });
  }
  if (connection.platformId !== context.platformId) {
    throw getSecretFailed(`Secret manager connection "${id}" belongs to another platform.`, { connectionId: id });
  }
  if (connection.scope === SCOPE.PROJECT) {
    if (!nonEmpty(context.projectId)) {
      throw getSecretFailed(`Secret manager connection "${id}" is limited to some projects, and this call names no project.`, { connectionId: id });
    }
    // An array only: on a string, includes() would match any substring of it.
    if (!Array.isArray(connection.projectIds) || !connection.projectIds.includes(context.projectId)) {
      throw getSecretFailed(`Secret manager connection "${id}" is not available to project "${context.projectId}".`, { connectionId: id });
    }
  } else if (connection.scope !== SCOPE.PLATFORM) {
    throw getSecretFailed(`Secret manager connection "${id}" has an unknown scope.`, { connectionId: id });
  }
  return connection;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

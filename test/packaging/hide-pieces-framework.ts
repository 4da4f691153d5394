/**
 * Preloaded by props-entry.test.ts (after ts-node): resolving @activepieces/pieces-framework
 * fails as it does where the optional peer is not installed.
 */
import Module from 'node:module';

type Resolve = (request: string, ...rest: unknown[]) => string;
const internals = Module as unknown as { _resolveFilename: Resolve };
const resolve = internals._resolveFilename;

internals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  if (request === '@activepieces/pieces-framework' || request.startsWith('@activepieces/pieces-framework/')) {
    throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
  }
  return resolve.call(this, request, ...rest);
};

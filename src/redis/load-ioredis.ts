import type * as IoRedis from 'ioredis';
import { validationFailed } from '../activepieces/errors';

/**
 * ioredis is an optional peer dependency: it is required here, on first use, and only when the
 * host gave Redis options. Every other file of src/redis imports its types only (erased at build).
 */
export function loadIoredis(): typeof IoRedis {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
    return require('ioredis') as typeof IoRedis;
  } catch {
    throw validationFailed('Redis options were given but the optional dependency "ioredis" is not installed (npm install ioredis@5).');
  }
}

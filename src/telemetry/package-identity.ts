import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The instrumentation scope: meter and tracer are named after the package. */
export const INSTRUMENTATION_SCOPE = '@activepieces-community/secret-manager-hashicorp-vault';

/** Levels above this file where package.json may be: src/telemetry (tests) or dist/src/telemetry (build). */
const MAX_LEVELS_UP = 4;

/**
 * This package's version, read from its package.json (walked up to, as the file sits at another
 * depth in the build than in the sources). Undefined when not found, e.g. inside a bundle.
 */
export function packageVersion(start: string = __dirname): string | undefined {
  let dir = start;
  for (let level = 0; level <= MAX_LEVELS_UP; level++, dir = dirname(dir)) {
    const version = versionIn(join(dir, 'package.json'));
    if (version) return version;
  }
  return undefined;
}

function versionIn(file: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === INSTRUMENTATION_SCOPE && typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

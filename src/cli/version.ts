import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The package's version, read from its package.json at run time: the nearest one above this
 * file. That is the package root whether this runs compiled (dist/src/cli/) or through ts-node
 * (src/cli/), installed or in a checkout; requiring package.json by a relative path would tie the build
 * layout to one depth and pull package.json into the compilation.
 */
export function packageVersion(fromDir: string = __dirname): string {
  const file = nearestPackageJson(fromDir);
  if (file === undefined) throw new Error(`no package.json above ${fromDir}`);
  const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`${file} has no version`);
  return version;
}

function nearestPackageJson(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(at) === at) return undefined;
  }
}

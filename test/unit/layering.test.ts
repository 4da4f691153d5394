/**
 * Runtime code never loads test code: an installed package has no `test/` folder and no ts-node.
 * (The Vault double is runtime code now, under src/testing, shipped as `<package>/testing`.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Every module specifier a file imports or requires. */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:from\s+|import\(\s*|require\(\s*)'([^']+)'/g)].map((m) => m[1]);
}

const files = sourceFiles(SRC);

it('finds the source tree', () => {
  expect(files.length).toBeGreaterThan(20);
});

it.each(files.map((f) => [relative(SRC, f), f]))('%s imports nothing from test/ and never ts-node', (_name, file) => {
  const bad = specifiers(readFileSync(file, 'utf8')).filter((spec) => {
    if (spec === 'ts-node' || spec.startsWith('ts-node/')) return true;
    if (!spec.startsWith('.')) return false;
    return !resolve(join(file, '..'), spec).startsWith(SRC);
  });
  expect(bad).toEqual([]);
});

/**
 * The rules of scripts/check-pack.js on hand-made tarball listings (no pack, no build): the
 * real package.json with a complete listing passes, and each way a tarball goes wrong is named.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type PackProblems = (files: string[], pkg: Record<string, unknown>, read: (path: string) => string) => string[];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { packProblems } = require('../../scripts/check-pack.js') as { packProblems: PackProblems };

const ROOT = join(__dirname, '..', '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
const LICENSE = readFileSync(join(ROOT, 'LICENSE'), 'utf8');

const GOOD_MAP = JSON.stringify({ version: 3, sources: ['../../src/index.ts'], sourcesContent: ['export {};'], mappings: '' });
const GOOD = [
  'package.json', 'README.md', 'LICENSE',
  'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/index.js.map',
  'dist/src/testing/index.js', 'dist/src/testing/index.d.ts',
  'dist/src/props.js', 'dist/src/props.d.ts',
  'dist/src/cli.js', 'dist/src/cli.d.ts',
];

function problemsOf(files: string[], contents: Record<string, string> = {}, pkg: Record<string, unknown> = PKG): string[] {
  const defaults: Record<string, string> = { LICENSE, 'dist/src/index.js': '"use strict";\n//# sourceMappingURL=index.js.map', 'dist/src/index.js.map': GOOD_MAP };
  const read = (p: string): string => contents[p] ?? defaults[p] ?? (p.endsWith('.map') ? GOOD_MAP : '');
  return packProblems(files, pkg, read);
}

it('passes the real package.json with a complete listing', () => {
  expect(problemsOf(GOOD)).toEqual([]);
});

it.each([
  ['dist/src/props.js', /missing dist\/src\/props\.js \(exports\["\.\/props"\]\.default\)/],
  ['dist/src/testing/index.d.ts', /missing dist\/src\/testing\/index\.d\.ts/],
  ['dist/src/cli.js', /missing dist\/src\/cli\.js \(bin "ap-vault"\)/],
  ['LICENSE', /missing LICENSE/],
  ['README.md', /missing README\.md/],
])('names a missing %s', (file, problem) => {
  expect(problemsOf(GOOD.filter((f) => f !== file))).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
});

it.each([
  ['test/unit/config.test.ts', /not part of the runtime/],
  ['dist/test/unit/config.test.js', /compiled test/],
  ['src/index.ts', /not part of the runtime/],
  ['dist/src/cli/demo.spec.js', /a test file/],
  ['tsconfig.json', /build configuration/],
])('refuses %s in the tarball', (file, problem) => {
  expect(problemsOf([...GOOD, file])).toEqual([expect.stringMatching(problem)]);
});

it('refuses a source map without its sources, and a map reference to a file not shipped', () => {
  const noSources = JSON.stringify({ version: 3, sources: ['../../src/index.ts'], mappings: '' });
  expect(problemsOf(GOOD, { 'dist/src/index.js.map': noSources })).toEqual([expect.stringMatching(/index\.js\.map has no sourcesContent/)]);
  expect(problemsOf(GOOD.filter((f) => !f.endsWith('.map')))).toEqual([expect.stringMatching(/points at index\.js\.map, which is not shipped/)]);
});

it('refuses a LICENSE that is not the MIT text with our copyright line', () => {
  expect(problemsOf(GOOD, { LICENSE: 'MIT License\nCopyright (c) someone else' })).toEqual([expect.stringMatching(/LICENSE is not the MIT text/)]);
});

it.each([
  ['prepack', { scripts: { build: 'tsc' } }, /no "prepack" script that builds/],
  ['publishConfig', { publishConfig: undefined }, /publishConfig\.access is not "public"/],
  ['repository', { repository: undefined }, /no "repository"/],
  ['an entry', { exports: { '.': (PKG.exports as Record<string, unknown>)['.'] } }, /exports has no "\.\/testing" entry/],
  ['typesVersions', { typesVersions: undefined }, /typesVersions has no "\.\/testing"/],
  ['types of an entry', { exports: { ...(PKG.exports as object), './props': { default: './dist/src/props.js' } } }, /exports\["\.\/props"\] has no "types"/],
])('names a package.json without %s', (_what, change, problem) => {
  expect(problemsOf(GOOD, {}, { ...PKG, ...change })).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
});

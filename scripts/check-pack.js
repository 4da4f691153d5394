#!/usr/bin/env node
/**
 * `npm run check:pack`: packs the package as `npm publish` would (`npm pack --dry-run --json`,
 * which runs `prepack`, i.e. a clean build) and checks what the tarball holds: every entry of
 * `exports` and `bin` with its declarations, LICENSE and README, no tests or sources, and no
 * source map without its sources. Exits 1 listing every problem. Node only, no dependencies.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const LICENSE_LINE = 'Copyright (c) 2026 the secret-manager-hashicorp-vault contributors';

/** Paths that must never ship: tests, sources, build and CI configuration, local state. */
const FORBIDDEN = [
  [/^(src|test|bench|scripts|docs|coverage|node_modules|\.ci)\//, 'not part of the runtime'],
  [/^dist\/(test|bench)\//, 'a compiled test or bench'],
  [/\.test\.|\.spec\./, 'a test file'],
  [/(^|\/)tsconfig[^/]*\.json$|\.tsbuildinfo$|(^|\/)jest\.config|(^|\/)eslint\.config/, 'build configuration'],
  [/(^|\/)\.env|\.tgz$|\.log$/, 'local state'],
  [/(^|\/)[^/]+\.ts$/, 'a TypeScript source'],
];

/**
 * The problems of one pack: `files` are the tarball's paths, `pkg` its package.json,
 * `read(p)` a file's text. Returns sentences; an empty list means the tarball is right.
 */
function packProblems(files, pkg, read) {
  const shipped = new Set(files);
  const problems = [];
  const need = (p, why) => {
    if (!shipped.has(p)) problems.push(`missing ${p} (${why})`);
  };

  need('package.json', 'the manifest');
  need('README.md', 'the front page on npm');
  need('LICENSE', `"license": "${pkg.license}" needs its text`);
  if (shipped.has('LICENSE')) {
    const text = read('LICENSE');
    if (!/MIT License/.test(text) || !text.includes(LICENSE_LINE)) problems.push(`LICENSE is not the MIT text with "${LICENSE_LINE}"`);
  }

  for (const [entry, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target === 'string') {
      need(target.replace(/^\.\//, ''), `exports["${entry}"]`);
      continue;
    }
    if (!target.types) problems.push(`exports["${entry}"] has no "types"`);
    for (const [condition, file] of Object.entries(target)) need(file.replace(/^\.\//, ''), `exports["${entry}"].${condition}`);
  }
  for (const entry of ['.', './testing', './props']) {
    if (!pkg.exports?.[entry]) problems.push(`exports has no "${entry}" entry`);
  }
  // Under `moduleResolution: node` (TypeScript's default for module commonjs) `exports` is
  // ignored: subpath types resolve only through typesVersions.
  for (const entry of Object.keys(pkg.exports ?? {}).filter((e) => e !== '.' && e !== './package.json')) {
    const mapped = pkg.typesVersions?.['*']?.[entry.replace(/^\.\//, '')];
    if (!mapped) problems.push(`typesVersions has no "${entry}" (moduleResolution node would not find its types)`);
    else for (const file of mapped) need(file.replace(/^\.\//, ''), `typesVersions "${entry}"`);
  }
  for (const [name, file] of Object.entries(pkg.bin ?? {})) need(file.replace(/^\.\//, ''), `bin "${name}"`);
  for (const field of ['main', 'types']) if (pkg[field]) need(pkg[field].replace(/^\.\//, ''), `"${field}"`);

  for (const file of files) {
    const rule = FORBIDDEN.find(([pattern]) => pattern.test(file) && !file.endsWith('.d.ts'));
    if (rule) problems.push(`ships ${file} (${rule[1]})`);
    if (file.endsWith('.map')) problems.push(...mapProblems(file, read(file)));
    if (file.endsWith('.js')) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(read(file))?.[1];
      if (url && !url.startsWith('data:') && !shipped.has(path.posix.join(path.posix.dirname(file), url))) {
        problems.push(`${file} points at ${url}, which is not shipped`);
      }
    }
  }

  if (!/\bbuild\b/.test(pkg.scripts?.prepack ?? '')) problems.push('no "prepack" script that builds: a pack from a fresh clone would ship no dist/');
  if (pkg.publishConfig?.access !== 'public') problems.push('publishConfig.access is not "public" (a scoped package publishes as restricted)');
  for (const field of ['repository', 'homepage', 'bugs']) if (!pkg[field]) problems.push(`package.json has no "${field}"`);
  return problems;
}

/** A map is useful only with its sources, since src/ is not shipped. */
function mapProblems(file, text) {
  let map;
  try {
    map = JSON.parse(text);
  } catch {
    return [`${file} is not JSON`];
  }
  const sources = map.sources ?? [];
  const contents = map.sourcesContent ?? [];
  const complete = sources.length > 0 && contents.length === sources.length && contents.every((c) => typeof c === 'string' && c.length > 0);
  return complete ? [] : [`${file} has no sourcesContent for ${sources.join(', ') || 'its sources'} (src/ is not shipped)`];
}

function packFiles() {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [report] = JSON.parse(out.slice(out.indexOf('[')));
  return { files: report.files.map((f) => f.path), size: report.size, unpackedSize: report.unpackedSize };
}

function main() {
  const started = Date.now();
  const { files, size, unpackedSize } = packFiles();
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const problems = packProblems(files, pkg, (p) => fs.readFileSync(path.join(ROOT, p), 'utf8'));
  const summary = `${files.length} files, ${(size / 1024).toFixed(0)} kB packed, ${(unpackedSize / 1024).toFixed(0)} kB unpacked, ${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (problems.length > 0) {
    console.error(`check-pack: ${problems.length} problem(s) in the tarball (${summary}):\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
    return;
  }
  console.log(`check-pack: ok (${summary})`);
}

module.exports = { packProblems };

if (require.main === module) main();

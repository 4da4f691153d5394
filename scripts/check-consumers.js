#!/usr/bin/env node
/**
 * `npm run check:consumers`: packs the package, installs the tarball into fresh folders as a
 * user would (`npm install`, from the npm cache when it can), and compiles the consumers of
 * test/packaging/consumers with `strict`, `skipLibCheck: false` and `exactOptionalPropertyTypes`
 * under module commonjs, nodenext and bundler, plus an ES module with named imports; then runs
 * them against the Vault double. Two installs, one per tested minor of the peer
 * `@activepieces/shared`:
 *
 *   main   the tarball alone: npm picks the peer (the newest in range); no pieces-framework,
 *          so the main entry's types and code must not need it; the production tree is counted
 *   props  the tarball with @activepieces/shared and @activepieces/pieces-framework at the
 *          versions this repository develops with: the main consumers built above run again,
 *          and the `/props` consumer is compiled (with skipLibCheck: pieces-framework's own
 *          dependency `ai` ships declarations that fail a strict check) and run
 *
 * Each install must hold one copy of @activepieces/shared and, without the props peer, no `ai`
 * or `@ai-sdk/*`. Prints one line per step and a JSON line; exits 1 on any problem.
 * Options: --tarball <file> (skip packing), --keep (leave the temp folder). Node only, no dependencies.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const CONSUMERS = path.join(ROOT, 'test', 'packaging', 'consumers');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const TSC = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

const problems = [];
const steps = [];

function run(label, command, args, options = {}) {
  const started = Date.now();
  const res = spawnSync(command, args, { encoding: 'utf8', ...options, env: { ...process.env, ...options.env } });
  const ms = Date.now() - started;
  const ok = res.status === 0;
  steps.push({ step: label, ok, ms });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label} (${(ms / 1000).toFixed(1)} s)`);
  if (!ok) {
    const output = `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? String(res.error) : ''}`.trim();
    problems.push(`${label}:\n${output.split('\n').map((l) => `      ${l}`).join('\n')}`);
  }
  return res;
}

function pack(dir) {
  const res = run('npm pack (prepack: clean build)', 'npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT });
  if (res.status !== 0) return undefined;
  const [report] = JSON.parse(res.stdout.slice(res.stdout.indexOf('[')));
  return path.join(dir, report.filename);
}

/** A folder with a package.json that depends on the tarball (and `extra`), installed by npm. */
function install(dir, tarball, extra) {
  fs.mkdirSync(dir, { recursive: true });
  const manifest = {
    name: `consumer-${path.basename(dir)}`,
    version: '1.0.0',
    private: true,
    type: 'commonjs',
    dependencies: { [PKG.name]: `file:${tarball}`, ...extra },
    devDependencies: { '@types/node': PKG.devDependencies['@types/node'] },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.cpSync(CONSUMERS, path.join(dir, 'consumer'), { recursive: true, filter: (src) => !src.includes(`${path.sep}out`) });
  return run(`${path.basename(dir)}: npm install ${Object.keys(extra).join(' ') || '(tarball only)'}`, 'npm', NPM_INSTALL, { cwd: dir }).status === 0;
}

/** Production packages (the root excluded) and the copies of the named packages. */
function tree(dir) {
  const res = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: dir, encoding: 'utf8' });
  const paths = res.stdout.split('\n').filter((l) => l.trim() !== '').slice(1);
  const names = paths.map((p) => p.slice(p.lastIndexOf('node_modules') + 'node_modules/'.length));
  return { packages: names.length, copiesOf: (name) => names.filter((n) => n === name).length, names };
}

function checkTree(label, dir, { withProps }) {
  const t = tree(dir);
  const shared = t.copiesOf('@activepieces/shared');
  if (shared !== 1) problems.push(`${label}: ${shared} copies of @activepieces/shared (want 1: it is a peer dependency)`);
  const heavy = t.names.filter((n) => n === 'ai' || n.startsWith('@ai-sdk/') || n === '@activepieces/pieces-framework');
  if (!withProps && heavy.length > 0) problems.push(`${label}: the main entry's install holds ${heavy.join(', ')} (only the /props entry needs them)`);
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules/@activepieces/shared/package.json'), 'utf8')).version;
  console.log(`     ${label}: ${t.packages} production packages, @activepieces/shared ${version} (${shared} cop${shared === 1 ? 'y' : 'ies'})`);
  return { packages: t.packages, shared: version };
}

function compileAndRun(label, dir, variants, env) {
  const consumer = path.join(dir, 'consumer');
  for (const [variant, output] of variants) {
    const compiled = run(`${label}: tsc ${variant}`, process.execPath, [TSC, '-p', `tsconfig.${variant}.json`], { cwd: consumer }).status === 0;
    if (compiled && output) run(`${label}: node ${output}`, process.execPath, [output], { cwd: consumer, env });
  }
}

function main() {
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ap-vault-consumers-'));
  const argTarball = process.argv.indexOf('--tarball');
  const tarball = argTarball > 0 ? path.resolve(process.argv[argTarball + 1]) : pack(tmp);
  const result = {};
  if (tarball) {
    const mainDir = path.join(tmp, 'main');
    if (install(mainDir, tarball, {})) {
      result.main = checkTree('main', mainDir, { withProps: false });
      compileAndRun('main', mainDir, [['cjs', 'out/cjs/app.js'], ['nodenext', 'out/nodenext/app.js'], ['bundler'], ['esm', 'out/esm/app.mjs']], { EXPECT_PROPS: '0' });
      const apVault = path.join(mainDir, 'node_modules', '.bin', 'ap-vault');
      // The installed CLI, with no Vault and no VAULT_* set: the demo runs on the shipped double.
      const noVault = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('VAULT_') || k === 'AP_SSRF_ALLOW_LIST').map((k) => [k, '']));
      run('main: ap-vault --help', apVault, ['--help'], { cwd: mainDir });
      const version = run('main: ap-vault --version', apVault, ['--version'], { cwd: mainDir });
      if (version.status === 0 && version.stdout.trim() !== PKG.version) problems.push(`ap-vault --version printed "${version.stdout.trim()}", not ${PKG.version}`);
      run('main: ap-vault demo', apVault, ['demo'], { cwd: mainDir, env: noVault });
      const json = run('main: ap-vault demo --json', apVault, ['demo', '--json'], { cwd: mainDir, env: noVault });
      if (json.status === 0) {
        try {
          if (JSON.parse(json.stdout).ok !== true) problems.push('ap-vault demo --json: "ok" is not true');
        } catch {
          problems.push('ap-vault demo --json: stdout is not one JSON document');
        }
      }
    }
    const propsDir = path.join(tmp, 'props');
    const peers = {
      '@activepieces/shared': PKG.devDependencies['@activepieces/shared'],
      '@activepieces/pieces-framework': PKG.devDependencies['@activepieces/pieces-framework'],
    };
    if (install(propsDir, tarball, peers)) {
      result.props = checkTree('props', propsDir, { withProps: true });
      // The main consumers' types were checked above (our declarations name the same modules of
      // @activepieces/shared in both minors); here they run against the other minor, with the form.
      for (const output of ['out/cjs/app.js', 'out/esm/app.mjs']) {
        const built = path.join(mainDir, 'consumer', output);
        if (!fs.existsSync(built)) continue;
        fs.cpSync(built, path.join(propsDir, 'consumer', output));
        run(`props: node ${output}`, process.execPath, [output], { cwd: path.join(propsDir, 'consumer'), env: { EXPECT_PROPS: '1' } });
      }
      compileAndRun('props', propsDir, [['props', 'out/props/props-app.js']], { EXPECT_PROPS: '1' });
    }
  }
  if (process.argv.includes('--keep')) console.log(`     kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });

  const seconds = Math.round((Date.now() - started) / 100) / 10;
  console.log(JSON.stringify({ check: 'consumers', ok: problems.length === 0, seconds, productionPackages: result.main?.packages, sharedTested: [result.main?.shared, result.props?.shared], steps }));
  if (problems.length > 0) {
    console.error(`\ncheck-consumers: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
}

main();

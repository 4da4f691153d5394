/**
 * The main entry does not load @activepieces/pieces-framework (an optional peer); the form comes
 * from `<package>/props` or from `provider.props` on first access, and a missing peer gives a
 * sentence saying what to install. Each case runs in a fresh node process (module caches differ).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Runs `script` with the sources (ts-node, transpile only) and returns its stdout's JSON. */
function inFreshNode(script: string, preload: string[] = []): unknown {
  const res = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', ...preload.flatMap((p) => ['-r', p]), '-e', script], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000,
  });
  if (res.status !== 0) throw new Error(`node exited ${res.status}: ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!);
}

const loadedFramework = "Object.keys(require.cache).filter((f) => f.includes('pieces-framework')).length";

it('loads no pieces-framework with the main entry, nor when resolving is set up', () => {
  const script = `const m = require('./src'); m.createHashicorpVaultProvider(); console.log(JSON.stringify(${loadedFramework}))`;
  expect(inFreshNode(script)).toBe(0);
});

it('builds the form from pieces-framework on first access: one property per field, the same object as /props gives', () => {
  const script = `
    const { createHashicorpVaultProvider, FIELD_NAMES } = require('./src');
    const props = require('./src/props');
    const form = createHashicorpVaultProvider().props;
    console.log(JSON.stringify({
      keys: Object.keys(form).join() === FIELD_NAMES.join(),
      same: form === props.hashicorpVaultPieceProps(),
      types: [form.url.type, form.secretId.type, form.tlsSkipVerify.type, form.cacheTtlSeconds.type],
      required: [form.url.required, form.namespace.required],
    }))`;
  expect(inFreshNode(script)).toEqual({ keys: true, same: true, types: ['SHORT_TEXT', 'SECRET_TEXT', 'CHECKBOX', 'NUMBER'], required: [true, false] });
});

it('says what to install when the optional peer is missing', () => {
  // Makes `@activepieces/pieces-framework` unresolvable, as in a host that did not install it.
  const hide = join(__dirname, 'hide-pieces-framework.ts');
  const script = `
    const p = require('./src').createHashicorpVaultProvider();
    try { p.props; console.log(JSON.stringify('no error')); } catch (e) { console.log(JSON.stringify(e.message)); }`;
  expect(inFreshNode(script, [hide])).toBe(
    'The connection form (provider.props) needs @activepieces/pieces-framework, an optional peer dependency: npm install @activepieces/pieces-framework',
  );
});

/**
 * Every ```ts / ```typescript block of README.md and docs/*.md type-checks, as a strict
 * consumer would write it (`strict`, `exactOptionalPropertyTypes`, ES modules with top-level
 * await), with imports of this package mapped to ./src. Conventions for the docs:
 * - ```ts no-check  skips a block (pseudo-code, a fragment of someone else's file);
 * - an HTML comment right above a block, `<!-- ts-prelude ... -->`, is code prepended to it and
 *   not rendered: declare there what the block uses but does not show, e.g.
 *   `<!-- ts-prelude declare const config: HashicorpVaultConfig -->` (imports of the package are
 *   allowed in it).
 * All blocks are checked by one program; each block is its own module.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const PACKAGE = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string }).name;

interface Snippet {
  /** `README.md:174`: the fence's line. */
  readonly id: string;
  readonly file: string;
  /** Markdown line of the block's first code line. */
  readonly firstLine: number;
  readonly prelude: string;
  readonly code: string;
}

const FENCE = /^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
const PRELUDE = /^<!--\s*ts-prelude\b([\s\S]*?)-->\s*$/;

/** The code of a `ts-prelude` comment that is the last thing before a fence, else ''. */
function preludeBefore(text: string): string {
  const start = text.lastIndexOf('<!--');
  return start < 0 ? '' : (PRELUDE.exec(text.slice(start))?.[1].trim() ?? '');
}

export function extractSnippets(markdown: string, file: string): { checked: Snippet[]; skipped: string[] } {
  const checked: Snippet[] = [];
  const skipped: string[] = [];
  for (const match of markdown.matchAll(FENCE)) {
    const fenceLine = markdown.slice(0, match.index).split('\n').length;
    const id = `${file}:${fenceLine}`;
    if (/\bno-check\b/.test(match[2])) {
      skipped.push(id);
      continue;
    }
    const prelude = preludeBefore(markdown.slice(0, match.index));
    checked.push({ id, file, firstLine: fenceLine + 1, prelude, code: match[3] });
  }
  return { checked, skipped };
}

function markdownFiles(): string[] {
  const docs = join(ROOT, 'docs');
  const inDocs = existsSync(docs) ? readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => join('docs', f)) : [];
  return ['README.md', ...inDocs.sort()];
}

const all = markdownFiles().map((file) => extractSnippets(readFileSync(join(ROOT, file), 'utf8'), file));
const snippets = all.flatMap((r) => r.checked);
const skipped = all.flatMap((r) => r.skipped);

/** Virtual files under the repository, so node_modules resolve as for any file of it. */
const virtualName = (s: Snippet): string => join(ROOT, '__snippets__', `${s.id.replace(/[/:.]/g, '_')}.ts`);
const preludeLines = (s: Snippet): number => (s.prelude === '' ? 0 : s.prelude.split('\n').length);
const sourceOf = (s: Snippet): string => `${s.prelude === '' ? '' : `${s.prelude}\n`}${s.code}\nexport {};\n`;

const options: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  types: ['node'],
  baseUrl: ROOT,
  paths: {
    [PACKAGE]: ['src/index.ts'],
    [`${PACKAGE}/testing`]: ['src/testing/index.ts'],
    [`${PACKAGE}/props`]: ['src/props.ts'],
  },
};

/** The diagnostics of each snippet, as `README.md:181: TS2304 Cannot find name 'logger'.` */
function diagnosticsBySnippet(): Map<string, string[]> {
  const files = new Map(snippets.map((s) => [virtualName(s), s]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.readFile = (name) => (files.has(name) ? sourceOf(files.get(name)!) : readFile(name));
  host.getSourceFile = (name, language, ...rest) => {
    const snippet = files.get(name);
    return snippet ? ts.createSourceFile(name, sourceOf(snippet), language, true) : getSourceFile(name, language, ...rest);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const result = new Map<string, string[]>();
  for (const [name, snippet] of files) {
    const source = program.getSourceFile(name)!;
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    result.set(
      snippet.id,
      found.map((d) => {
        const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line - preludeLines(snippet);
        const at = line < 0 ? 'prelude' : String(snippet.firstLine + line);
        return `${snippet.file}:${at}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      }),
    );
  }
  return result;
}

describe('snippet extraction', () => {
  it('takes ts and typescript blocks with their prelude, skips no-check and other languages', () => {
    const md = [
      '# t', '```sh', 'npm i', '```', '<!-- ts-prelude', 'declare const x: number', '-->', '```ts', 'x + 1', '```',
      '```typescript', 'const y = 2', '```', '```ts no-check', 'nonsense(', '```',
      '<!-- a plain comment -->', 'text', '```ts', 'const z = 3', '```',
    ].join('\n');
    const { checked, skipped } = extractSnippets(md, 'T.md');
    expect(checked.map((s) => [s.id, s.firstLine, s.prelude, s.code])).toEqual([
      ['T.md:8', 9, 'declare const x: number', 'x + 1\n'],
      ['T.md:11', 12, '', 'const y = 2\n'],
      ['T.md:19', 20, '', 'const z = 3\n'],
    ]);
    expect(skipped).toEqual(['T.md:14']);
  });

  it('finds the blocks of the README', () => {
    expect(snippets.filter((s) => s.file === 'README.md').length).toBeGreaterThan(0);
  });
});

describe('documentation snippets type-check', () => {
  const diagnostics = diagnosticsBySnippet();
  it.each(snippets.map((s) => [s.id]))('%s', (id) => {
    expect(diagnostics.get(id)).toEqual([]);
  });
  if (skipped.length > 0) it.each(skipped.map((id) => [id]))('%s (no-check: skipped)', () => undefined);
});

// Files the checks read, so a reader of a failure sees where the snippets came from.
afterAll(() => {
  if (snippets.length === 0) console.warn(`no snippets found in ${markdownFiles().map((f) => relative(ROOT, join(ROOT, f))).join(', ')}`);
});

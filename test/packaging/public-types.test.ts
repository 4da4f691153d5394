/**
 * The public types, read from the entries' sources with the TypeScript compiler:
 * - every type of this package named in a public signature is exported by some entry (else a
 *   consumer cannot name the return type of `parseVaultConfig`, say);
 * - every optional property of those types accepts `undefined` (`?: T | undefined`), so a consumer
 *   with `exactOptionalPropertyTypes` can pass `process.env.X`;
 * - the main entry's declarations never name `@activepieces/pieces-framework` (an optional peer).
 */
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const ENTRIES = ['src/index.ts', 'src/testing/index.ts', 'src/props.ts'].map((f) => join(ROOT, f));

const program = ts.createProgram(ENTRIES, { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, types: ['node'] });
const checker = program.getTypeChecker();
const ours = (file: ts.SourceFile): boolean => !file.isDeclarationFile && file.fileName.startsWith(join(ROOT, 'src'));
const where = (node: ts.Node): string => `${relative(ROOT, node.getSourceFile().fileName)}:${node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1}`;

function resolved(symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

function exportsOf(entry: string): ts.Symbol[] {
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return checker.getExportsOfModule(module).map(resolved);
}

const exported = new Set(ENTRIES.flatMap(exportsOf));

const isPrivate = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);

const acceptsUndefined = (type: ts.TypeNode | undefined): boolean =>
  type === undefined ||
  type.kind === ts.SyntaxKind.UnknownKeyword ||
  type.kind === ts.SyntaxKind.AnyKeyword ||
  (ts.isUnionTypeNode(type) && type.types.some((t) => t.kind === ts.SyntaxKind.UndefinedKeyword));

/** `name?: T` in an interface or type literal, or `[K in …]?: T` in a mapped type: its T. */
function optionalPropertyOf(node: ts.Node): { type: ts.TypeNode | undefined } | undefined {
  if (ts.isPropertySignature(node) && node.questionToken) return { type: node.type };
  if (ts.isMappedTypeNode(node) && node.questionToken && node.questionToken.kind !== ts.SyntaxKind.MinusToken) return { type: node.type };
  return undefined;
}

/** Walks the public part of the declarations reachable from the entries; returns sentences. */
function publicTypeProblems(): { unexported: string[]; optionalWithoutUndefined: string[] } {
  const unexported = new Set<string>();
  const optionalWithoutUndefined = new Set<string>();
  const seen = new Set<ts.Declaration>();

  const visitDeclaration = (decl: ts.Declaration): void => {
    if (seen.has(decl) || !ours(decl.getSourceFile())) return;
    seen.add(decl);
    // A function's body, a variable's initialiser and a class's private members are not its signature.
    if (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl)) {
      decl.typeParameters?.forEach((n) => visit(n));
      decl.parameters.forEach((n) => visit(n));
      if (decl.type) visit(decl.type);
      return;
    }
    if (ts.isVariableDeclaration(decl)) {
      if (decl.type) visit(decl.type);
      return;
    }
    if (ts.isClassDeclaration(decl)) {
      for (const member of decl.members) {
        if (isPrivate(member) || (member.name && ts.isPrivateIdentifier(member.name))) continue;
        if (ts.isConstructorDeclaration(member)) member.parameters.filter((p) => !isPrivate(p)).forEach((n) => visit(n));
        else visitDeclaration(member);
      }
      return;
    }
    if (ts.isPropertyDeclaration(decl) || ts.isGetAccessorDeclaration(decl)) {
      if (decl.type) visit(decl.type);
      return;
    }
    // A type alias's body is type-level computation (FieldName → stored value, …): the helper
    // aliases it names need no export; interfaces and classes it names still do.
    if (ts.isTypeAliasDeclaration(decl)) {
      visit(decl.type, true);
      return;
    }
    visit(decl);
  };

  const visit = (node: ts.Node, inAlias = false): void => {
    const optional = optionalPropertyOf(node);
    if (optional && !acceptsUndefined(optional.type)) optionalWithoutUndefined.add(`${where(node)} ${node.getText().split('\n')[0].slice(0, 80)}`);
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node) || ts.isTypeQueryNode(node)) {
      const name = ts.isTypeReferenceNode(node) ? node.typeName : ts.isTypeQueryNode(node) ? node.exprName : node.expression;
      const symbol = checker.getSymbolAtLocation(name);
      const target = symbol && resolved(symbol);
      const decls = target?.declarations ?? [];
      const local = decls.filter((d) => ours(d.getSourceFile()) && !ts.isTypeParameterDeclaration(d));
      if (target && local.length > 0) {
        const helperAlias = inAlias && local.every(ts.isTypeAliasDeclaration);
        if (!exported.has(target) && !helperAlias) unexported.add(`${target.getName()} (${where(local[0])}), named at ${where(node)}`);
        local.forEach(visitDeclaration);
      }
    }
    ts.forEachChild(node, (child) => visit(child, inAlias));
  };

  for (const symbol of exported) for (const decl of symbol.declarations ?? []) visitDeclaration(decl);
  return { unexported: [...unexported].sort(), optionalWithoutUndefined: [...optionalWithoutUndefined].sort() };
}

const problems = publicTypeProblems();

it('exports every type of this package that a public signature names', () => {
  expect(problems.unexported).toEqual([]);
});

it('writes every optional property of a public type as `?: T | undefined`', () => {
  expect(problems.optionalWithoutUndefined).toEqual([]);
});

it('keeps @activepieces/pieces-framework out of the static imports of the main entry and /testing', () => {
  const files = new Set<string>();
  const follow = (file: ts.SourceFile): void => {
    if (files.has(file.fileName)) return;
    files.add(file.fileName);
    for (const statement of file.statements) {
      const spec = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
      if (!spec || !ts.isStringLiteral(spec)) continue;
      const target = ts.resolveModuleName(spec.text, file.fileName, program.getCompilerOptions(), ts.sys).resolvedModule;
      const next = target && program.getSourceFile(target.resolvedFileName);
      if (next && ours(next)) follow(next);
      else if (spec.text.startsWith('@activepieces/pieces-framework')) files.add(`${relative(ROOT, file.fileName)} imports ${spec.text}`);
    }
  };
  follow(program.getSourceFile(ENTRIES[0])!);
  follow(program.getSourceFile(ENTRIES[1])!);
  expect([...files].filter((f) => f.includes(' imports '))).toEqual([]);
  // The walk found the tree (so an empty list above means something).
  expect(files.size).toBeGreaterThan(20);
});

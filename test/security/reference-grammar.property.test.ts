/**
 * Property-based: the reference grammar `{{id|ap_sep_v1|path}}` and the engine-side walk, on
 * random and adversarial input. Parsing never throws; whatever it accepts is a reference with a
 * clean connection id that round-trips; the walk fails only with ActivepiecesErrors and never
 * changes its input.
 */
import fc from 'fast-check';
import { formatSecretReference, parseSecretReference, resolveSecretReferences, SecretManagerConnection } from '../../src';
import { SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';
import { isActivepiecesError } from '../../src/activepieces/errors';
import { parseSecretPath } from '../../src/vault/kv-path';
import { anyPathInput, HOSTILE_SEGMENTS } from './adversarial-input';

const RUNS = 10_000;
const SEP = '|ap_sep_v1|';

const connectionId = fc.stringMatching(/^[A-Za-z0-9_-]{1,21}$/);
const hostileId = fc.oneof(connectionId, fc.constantFrom('', ' ', 'a b', '{', '}', '|', 'a|b', '{{x', 'x}}', '\t', '\u00a0', ...HOSTILE_SEGMENTS));

/** Mostly `usual`, sometimes one of the broken variants. */
const mostly = (usual: string, ...broken: string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...broken) });

/** Strings shaped like references, well-formed or nearly so, plus noise around them. */
const referenceLike: fc.Arbitrary<string> = fc
  .tuple(
    mostly('', ' ', '\n', 'x', '{'),
    mostly('{{', '{', '{{{', ''),
    fc.oneof({ weight: 4, arbitrary: connectionId }, { weight: 1, arbitrary: hostileId }),
    mostly(SEP, '|ap_sep_v2|', '|', SEP + SEP, ''),
    anyPathInput,
    mostly('}}', '}', '}}}', '', '}} '),
    mostly('', ' ', '\t', 'x'),
  )
  .map((parts) => parts.join(''));

const anyInput: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: referenceLike },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.anything() },
);

describe('reference grammar under random and hostile input', () => {
  it(`never throws, and accepts only clean, round-tripping references (${RUNS} inputs)`, () => {
    const seen = { references: 0, validPaths: 0 };
    fc.assert(
      fc.property(anyInput, (input) => {
        const ref = parseSecretReference(input);
        if (ref === null) return true;
        seen.references++;
        // Plain checks (a false return fails the property): 10,000 runs of jest's expect are slow.
        const again = parseSecretReference(formatSecretReference(ref));
        const clean = typeof input === 'string' && /^[^\s{}|]+$/.test(ref.connectionId) && ref.path !== '' && ref.path === ref.path.trim();
        if (!clean || again?.connectionId !== ref.connectionId || again.path !== ref.path) return false;
        // What the engine then does with the path: a VALIDATION error or a parsed path, never a crash.
        try {
          parseSecretPath(ref.path);
          seen.validPaths++;
        } catch (err) {
          return isActivepiecesError(err);
        }
        return true;
      }),
      { numRuns: RUNS },
    );
    console.info(`reference grammar: ${JSON.stringify(seen)} of ${RUNS}`);
    expect(seen.references).toBeGreaterThan(RUNS / 10);
    expect(seen.validPaths).toBeGreaterThan(RUNS / 50);
  });

  it('a well-formed reference always parses back to its parts', () => {
    const path = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((p) => p.trim() === p && p !== '');
    fc.assert(
      fc.property(connectionId, path, (id, p) => {
        expect(parseSecretReference(`{{${id}${SEP}${p}}}`)).toEqual({ connectionId: id, path: p });
      }),
      { numRuns: 2_000 },
    );
  });

  it('formatSecretReference refuses what would not parse back, with an ActivepiecesError', () => {
    fc.assert(
      fc.property(hostileId, fc.string({ maxLength: 20 }), (id, p) => {
        try {
          const text = formatSecretReference({ connectionId: id, path: p });
          expect(parseSecretReference(text)).toEqual({ connectionId: id, path: p });
        } catch (err) {
          expect(isActivepiecesError(err)).toBe(true);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('resolveSecretReferences over random values', () => {
  const connection: SecretManagerConnection = {
    id: 'c1', platformId: 'p1', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config: {},
  };
  /** A provider that answers every well-formed path and refuses the rest as the real one does. */
  const provider = {
    id: SecretManagerProviderId.HASHICORP,
    resolve: async ({ path }: { path: string }) => {
      parseSecretPath(path);
      return `value-of:${path}`;
    },
  };
  const leaf = fc.oneof(
    { weight: 3, arbitrary: referenceLike.map((r) => r.replace(/\{\{[^|]*\|/, '{{c1|')) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 0 }) },
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 4 })),
  })).node;

  it('fails only with ActivepiecesErrors naming a field, replaces exactly the references, and never changes the input', async () => {
    let resolvedRuns = 0;
    await fc.assert(
      fc.asyncProperty(value, fc.constantFrom<'throw' | 'keep-reference'>('throw', 'keep-reference'), async (input, onFailure) => {
        const before = structuredClone(input);
        const outcome = await resolveSecretReferences(input, { platformId: 'p1', getConnection: () => connection, providers: [provider], onFailure }).then(
          (out) => ({ out }),
          (err: unknown) => ({ err }),
        );
        expect(input).toEqual(before);
        if ('err' in outcome) {
          expect(isActivepiecesError(outcome.err)).toBe(true);
          expect(onFailure).toBe('throw');
          return;
        }
        resolvedRuns++;
        expectReplaced(input, outcome.out, onFailure);
      }),
      { numRuns: 2_000 },
    );
    expect(resolvedRuns).toBeGreaterThan(200);
  });
});

/** `out` is `input` with each reference to a valid path replaced by the provider's answer. */
function expectReplaced(input: unknown, out: unknown, onFailure: 'throw' | 'keep-reference'): void {
  if (typeof input === 'string') {
    const ref = parseSecretReference(input);
    if (!ref) return expect(out).toBe(input);
    let valid = true;
    try {
      parseSecretPath(ref.path);
    } catch {
      valid = false;
    }
    if (valid) return expect(out).toBe(`value-of:${ref.path}`);
    expect(onFailure).toBe('keep-reference');
    return expect(out).toBe(input);
  }
  if (Array.isArray(input)) {
    expect(Array.isArray(out)).toBe(true);
    input.forEach((item, i) => expectReplaced(item, (out as unknown[])[i], onFailure));
    return;
  }
  if (input !== null && typeof input === 'object') {
    expect(Object.keys(out as object)).toEqual(Object.keys(input));
    for (const key of Object.keys(input)) expectReplaced((input as Record<string, unknown>)[key], (out as Record<string, unknown>)[key], onFailure);
    return;
  }
  expect(out).toEqual(input);
}

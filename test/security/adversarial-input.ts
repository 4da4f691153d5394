/**
 * Generators of hostile and random input for the reference and path grammars, shared by the
 * property-based suites and the end-to-end adversarial-path suite.
 */
import fc from 'fast-check';

/**
 * Pieces an attacker would try in a path: traversal, pre-encoded separators, look-alike slashes,
 * Vault's own system paths, query and fragment characters, control characters, reference syntax.
 */
export const HOSTILE_SEGMENTS: readonly string[] = [
  'secret', 'kv', 'data', 'metadata', 'sys', 'auth', 'identity', 'cubbyhole', 'mounts', 'internal', 'ui',
  'token', 'lookup-self', 'create', 'login', 'approle', 'policy', 'namespaces', 'ns1', 'root',
  '..', '.', '...', '', '%2e%2e', '%2F', '..%2f', '%00', '..;', ';', '..\\', '\\', 'a\\b',
  '?', '?version=1', '?version=0', '?list=true', 'version=1', '#', '#x', '&', '=',
  '\u0000', '\n', '\r', ' ', '\t', '\u007f', '\u0085', '\u00a0', '\u2028', '\u202e', '\u200b',
  '\u2215', '\uff0f', '\u2044', '\uff0e\uff0e', 'é', '😀', '{{', '}}', '|ap_sep_v1|', '|', '{', '}',
  'a:b', 'c&d=e', '~', '*', '+', '@', "'", '"', '<', '>', '`', '$', '(', ')', '[', ']',
];

const hostileSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9_-]{1,8}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);

/** Segments joined by "/" with an optional query, sometimes wrapped in slashes. */
export const hostilePath: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(hostileSegment, { minLength: 1, maxLength: 9 }),
    fc.option(fc.constantFrom('?version=1', '?version=42', '?version=0', '?list=true', '?version=1&x=y', '?', '?version=1?version=2', '?version=99999999999'), { nil: undefined }),
    fc.constantFrom('', '/', '//'),
  )
  .map(([segments, query, edge]) => `${edge}${segments.join('/')}${query ?? ''}`);

/** Mostly well-formed paths (to reach the locating and request-building code), some broken. */
export const plausiblePath: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('secret', 'kv', 'legacy', 'teams/payments/kv', 'ns1/secret', 'team/sys', 'a/auth', 'transit'),
    fc.constantFrom('data/', '', 'metadata/', 'data/data/'),
    fc.array(fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:@&=+$,;~*'()!-]{1,12}$/) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) }), { minLength: 2, maxLength: 5 }),
    fc.option(fc.constantFrom('?version=1', '?version=7', '?version=x'), { nil: undefined }),
  )
  .map(([mount, middle, rest, query]) => `${mount}/${middle}${rest.join('/')}${query ?? ''}`);

export const anyPathInput: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: plausiblePath },
  { weight: 3, arbitrary: hostilePath },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);

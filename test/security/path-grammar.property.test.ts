/**
 * Property-based: the path grammar (parse → locate → request path) on 10,000 random and
 * adversarial inputs. Bad input is a VALIDATION ActivepiecesError, nothing else; every request
 * path it produces stays inside the KV mount the author named.
 */
import fc from 'fast-check';
import { ErrorCode } from '../support/activepieces';
import { isActivepiecesError } from '../../src/activepieces/errors';
import {
  locateByConvention, locateInMounts, MountInfo, parseSecretPath, readRequestPath, SecretLocation, SecretPath,
} from '../../src/vault/kv-path';
import { anyPathInput } from './adversarial-input';

const RUNS = 10_000;
const RESERVED = ['sys', 'auth', 'identity', 'cubbyhole'];
/** What encodeURIComponent may leave in a segment: nothing with a meaning in a URL path or Vault's router. */
const ENCODED_SEGMENT = /^[A-Za-z0-9\-_.!~*'()%]+$/;

const MOUNT_NAMES = ['secret', 'kv', 'legacy', 'teams', 'teams/payments/kv', 'ns1/secret', 'team/sys', 'transit', 'a'];
const mountInfo = fc.constantFrom<MountInfo>(
  { type: 'kv', kvVersion: 2 }, { type: 'kv', kvVersion: 2 }, { type: 'kv', kvVersion: 1 }, { type: 'generic', kvVersion: 1 }, { type: 'transit' }, { type: 'pki' },
);
/** Each known name is absent (a third of the time) or mounted with a random engine. */
const mountTable: fc.Arbitrary<Map<string, MountInfo>> = fc
  .tuple(...MOUNT_NAMES.map(() => fc.option(mountInfo, { freq: 3, nil: undefined })))
  .map((infos) => new Map(MOUNT_NAMES.flatMap((name, i) => (infos[i] ? [[name, infos[i]] as const] : []))));

/** Runs one locate step; a refusal must be a VALIDATION error. */
function attempt(locate: () => SecretLocation | null): SecretLocation | null {
  try {
    return locate();
  } catch (err) {
    expectValidationError(err);
    return null;
  }
}

function expectValidationError(err: unknown): void {
  if (!isActivepiecesError(err) || err.error.code !== ErrorCode.VALIDATION) {
    throw new Error(`expected a VALIDATION ActivepiecesError, got ${String(err)}`);
  }
}

/** A failed property, with what it was about (plain checks: 10,000 runs of jest's expect are slow). */
function ensure(ok: boolean, what: string, loc: SecretLocation): void {
  if (!ok) throw new Error(`${what}: ${JSON.stringify(loc)} → ${readRequestPath(loc)}`);
}

/** The request for `loc` addresses a secret inside `loc.mount`, and that mount is what the author wrote. */
function expectInsideMount(loc: SecretLocation, parsed: SecretPath): void {
  const mountSegments = loc.mount.split('/');
  ensure(parsed.segments.slice(0, mountSegments.length).join('/') === loc.mount, 'the mount is a prefix of the written path', loc);
  ensure(!RESERVED.includes(mountSegments[0]), 'the mount is not a system path', loc);

  const request = readRequestPath(loc);
  const [pathPart, query, more] = request.split('?');
  ensure(more === undefined, 'at most one "?"', loc);
  ensure(query === undefined || /^version=[1-9][0-9]*$/.test(query), 'the only query is version=N', loc);

  const segments = pathPart.split('/');
  for (const segment of segments) {
    ensure(ENCODED_SEGMENT.test(segment), 'segments are encoded', loc);
    ensure(!['', '.', '..'].includes(decodeURIComponent(segment)), 'no empty, "." or ".." segment', loc);
  }
  const encodedMount = mountSegments.map(encodeURIComponent).join('/');
  ensure(pathPart.startsWith(`${encodedMount}/`), 'the request starts with the encoded mount', loc);
  // Below the mount: exactly the secret's own segments (after "data/" on KV v2), nothing else.
  const below = segments.slice(mountSegments.length);
  const secretSegments = loc.kvVersion === 2 ? below.slice(1) : below;
  ensure(loc.kvVersion === 1 || below[0] === 'data', 'KV v2 reads go through data/', loc);
  ensure(secretSegments.length > 0, 'a secret is named', loc);
  ensure(secretSegments.map(decodeURIComponent).join('/') === loc.secretPath, 'below the mount is the secret path, nothing else', loc);
}

describe('path grammar under random and hostile input', () => {
  it(`parses, locates and builds request paths for ${RUNS} inputs without leaving the mount`, () => {
    const seen = { rejected: 0, byConvention: 0, inMounts: 0 };
    fc.assert(
      fc.property(anyPathInput, mountTable, (input, mounts) => {
        let parsed: SecretPath;
        try {
          parsed = parseSecretPath(input);
        } catch (err) {
          expectValidationError(err);
          seen.rejected++;
          return;
        }
        const conventional = attempt(() => locateByConvention(parsed));
        if (conventional) {
          seen.byConvention++;
          expectInsideMount(conventional, parsed);
          ensure(conventional.kvVersion === 2, 'a guess is KV v2', conventional);
          // A guessed mount never contains a segment that could be a child namespace's system path.
          ensure(!conventional.mount.split('/').some((s) => RESERVED.includes(s)), 'no reserved segment in a guessed mount', conventional);
        }
        const listed = attempt(() => locateInMounts(parsed, mounts));
        if (listed) {
          seen.inMounts++;
          expectInsideMount(listed, parsed);
          ensure(mounts.get(listed.mount)?.kvVersion === listed.kvVersion, 'a listed KV mount of that version', listed);
        }
      }),
      { numRuns: RUNS },
    );
    console.info(`path grammar: ${JSON.stringify(seen)} of ${RUNS}`);
    // The generators must reach every branch, or the properties above proved little.
    expect(seen.rejected).toBeGreaterThan(RUNS / 10);
    expect(seen.byConvention).toBeGreaterThan(RUNS / 20);
    expect(seen.inMounts).toBeGreaterThan(RUNS / 20);
  });

  it('never guesses a mount through a reserved segment (a child namespace\'s sys/ on Enterprise)', () => {
    for (const path of ['team/sys/data/policy/k', 'ns1/auth/data/approle/k', 'a/b/identity/data/x/k', 'ns/cubbyhole/data/x/k']) {
      expect(locateByConvention(parseSecretPath(path))).toBeNull();
    }
    expect(locateByConvention(parseSecretPath('team/kv/data/sys/k'))).toMatchObject({ mount: 'team/kv', secretPath: 'sys' });
  });
});

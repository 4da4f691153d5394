/**
 * The engine hook under hostile or odd shapes: shared sub-objects are copied once, cycles and
 * depth are refused clearly, foreign errors with odd params never crash the call or leave an
 * unobserved rejection. A provider stand-in answers every path with a fixed text.
 */
import { AppConnectionType } from '@activepieces/shared/src/lib/automation/app-connection/app-connection';
import {
  formatSecretReference, resolveConnectionValue, resolveSecretReferences, ResolveContext, SecretManagerConnection, SecretResolvingProvider,
} from '../../src';
import { ActivepiecesError, ErrorCode, SecretManagerConnectionScope, SecretManagerProviderId } from '../support/activepieces';

const provider: SecretResolvingProvider & { calls: number } = {
  id: SecretManagerProviderId.HASHICORP,
  calls: 0,
  resolve: async () => {
    provider.calls++;
    return 'RESOLVED-hz';
  },
};
const connection = (id: string): SecretManagerConnection => ({
  id, platformId: 'plat', providerId: SecretManagerProviderId.HASHICORP, scope: SecretManagerConnectionScope.PLATFORM, config: {},
});
const context = (patch: Partial<ResolveContext> = {}): ResolveContext => ({
  platformId: 'plat', getConnection: (id) => connection(id), providers: [provider], ...patch,
});
const ref = (id = 'c1') => formatSecretReference({ connectionId: id, path: 'secret/data/app/key' });

beforeEach(() => (provider.calls = 0));

/** Objects and arrays reachable from a value, counted by identity. */
function distinctNodes(value: unknown, seen = new Set<object>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return seen.size;
  seen.add(value);
  for (const child of Object.values(value)) distinctNodes(child, seen);
  return seen.size;
}

describe('shared sub-objects', () => {
  it('are copied once: 21 input objects, each used twice by the next, give 21 output objects, and the input stays as it was', async () => {
    let node: Record<string, unknown> = { secret: ref() };
    for (let i = 0; i < 20; i++) node = { left: node, right: node };
    const before = JSON.stringify(node).length;
    const out = await resolveSecretReferences(node, context());
    expect(distinctNodes(out)).toBe(21);
    expect((out as { left: unknown; right: unknown }).left).toBe((out as { left: unknown; right: unknown }).right);
    expect(out).not.toBe(node);
    let leaf = out as Record<string, unknown>;
    while (leaf.left) leaf = leaf.left as Record<string, unknown>;
    expect(leaf.secret).toBe('RESOLVED-hz');
    expect(provider.calls).toBe(1);
    expect(JSON.stringify(node).length).toBe(before);
    expect(JSON.stringify(node)).toContain('ap_sep_v1');
  });

  it('an object shared between an unwalked array and a walked field still gets its reference resolved in the field', async () => {
    const shared = { token: ref() };
    const out = await resolveSecretReferences({ list: [shared], field: shared }, context({ walkArrays: false }));
    expect(out.field.token).toBe('RESOLVED-hz');
    expect(out.list[0].token).toBe(ref());
  });
});

describe('cycles and depth', () => {
  it('a cycle is a VALIDATION error naming where, not a stack overflow', async () => {
    const a: Record<string, unknown> = { token: ref() };
    a.self = { back: a };
    await expect(resolveSecretReferences(a, context())).rejects.toMatchObject({
      error: { code: ErrorCode.VALIDATION, params: { message: expect.stringMatching(/cycle at "self\.back"/) } },
    });
  });

  it('65 levels is a VALIDATION error; 60 levels resolves', async () => {
    const nest = (levels: number): Record<string, unknown> => {
      let v: Record<string, unknown> = { token: ref() };
      for (let i = 0; i < levels; i++) v = { n: v };
      return v;
    };
    await expect(resolveSecretReferences(nest(65), context())).rejects.toMatchObject({ error: { code: ErrorCode.VALIDATION } });
    const out = JSON.stringify(await resolveSecretReferences(nest(60), context()));
    expect(out).toContain('RESOLVED-hz');
  });
});

describe('foreign errors from getConnection', () => {
  it('params null (async) and a sync throw in one call: one ActivepiecesError, no unobserved rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const getConnection = (id: string) => {
        if (id === 'async-bad') return Promise.reject(new ActivepiecesError({ code: ErrorCode.ENTITY_NOT_FOUND, params: null } as never));
        throw new ActivepiecesError({ code: ErrorCode.ENTITY_NOT_FOUND, params: null } as never);
      };
      const value = { a: ref('async-bad'), b: ref('sync-bad') };
      const err = await resolveSecretReferences(value, context({ getConnection })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ActivepiecesError);
      expect((err as ActivepiecesError).error.code).toBe(ErrorCode.ENTITY_NOT_FOUND);
      expect((err as ActivepiecesError).error.params).toMatchObject({ message: expect.stringMatching(/^a: /) });
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it.each([['a string', 'oops'], ['a number', 7], ['an array', ['x']]])('params as %s: a clear error with the field', async (_n, params) => {
    const getConnection = () => Promise.reject(new ActivepiecesError({ code: ErrorCode.ENTITY_NOT_FOUND, params } as never));
    await expect(resolveSecretReferences({ f: ref() }, context({ getConnection }))).rejects.toMatchObject({
      error: { code: ErrorCode.ENTITY_NOT_FOUND, params: { message: expect.stringMatching(/^f: /) } },
    });
  });
});

describe('errorClass (a host with its own copy of ActivepiecesError)', () => {
  class HostActivepiecesError extends Error {
    constructor(readonly error: ActivepiecesError['error'], message?: string) {
      super(message ?? error.code);
    }
  }

  it('resolveSecretReferences rethrows failures as the host class, code and message kept', async () => {
    const err = await resolveSecretReferences({ f: ref('gone') }, context({ getConnection: () => null, errorClass: HostActivepiecesError })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostActivepiecesError);
    expect(err).toMatchObject({ error: { code: ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED }, message: expect.stringMatching(/^f: Secret manager connection "gone" does not exist/) });
  });

  it('resolveConnectionValue too, for a malformed value and for a failing reference', async () => {
    const bad = await resolveConnectionValue({} as never, context({ errorClass: HostActivepiecesError })).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(HostActivepiecesError);
    expect(bad).toMatchObject({ error: { code: ErrorCode.VALIDATION } });
    const value = { type: AppConnectionType.SECRET_TEXT, secret_text: ref('gone') } as const;
    const failing = await resolveConnectionValue(value, context({ getConnection: () => null, errorClass: HostActivepiecesError })).catch((e: unknown) => e);
    expect(failing).toBeInstanceOf(HostActivepiecesError);
  });

  it('without errorClass the package\'s own ActivepiecesError', async () => {
    await expect(resolveSecretReferences({ f: ref('gone') }, context({ getConnection: () => null }))).rejects.toBeInstanceOf(ActivepiecesError);
  });
});

/** The scope rule of the engine hook, alone: who may use a secret-manager connection. */
import { checkScope } from '../../src/activepieces/scope';
import type { SecretManagerConnection } from '../../src/activepieces/resolve-references';
import { ErrorCode, SecretManagerConnectionScope } from '../support/activepieces';

const platform = (overrides: Partial<SecretManagerConnection> = {}): SecretManagerConnection => ({
  id: 'conn1', platformId: 'plat1', providerId: 'hashicorp', scope: SecretManagerConnectionScope.PLATFORM, config: {}, ...overrides,
});
const project = (projectIds: unknown): SecretManagerConnection =>
  platform({ scope: SecretManagerConnectionScope.PROJECT, projectIds: projectIds as string[] });

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    const e = err as { error: { code: string; params: { message: string } } };
    return { code: e.error.code, message: e.error.params.message };
  }
  throw new Error('expected a refusal');
}

describe('allowed', () => {
  it('a PLATFORM connection for any project of its platform, and for a call naming no project', () => {
    const c = platform();
    expect(checkScope('conn1', c, { platformId: 'plat1', projectId: 'p9' })).toBe(c);
    expect(checkScope('conn1', c, { platformId: 'plat1' })).toBe(c);
  });

  it('a PROJECT connection for a project it lists', () => {
    const c = project(['p1', 'p2']);
    expect(checkScope('conn1', c, { platformId: 'plat1', projectId: 'p2' })).toBe(c);
  });

  it('scopes written as plain strings, as the database stores them', () => {
    expect(checkScope('conn1', platform({ scope: 'PLATFORM' }), { platformId: 'plat1' }).id).toBe('conn1');
  });
});

describe('refused (fails closed, GET_SECRET_FAILED, naming why)', () => {
  it.each<[string, SecretManagerConnection | null | undefined, { platformId: string; projectId?: string }, RegExp]>([
    ['an unknown connection (null)', null, { platformId: 'plat1' }, /does not exist/],
    ['an unknown connection (undefined)', undefined, { platformId: 'plat1' }, /does not exist/],
    ['a lookup answering with another connection', platform({ id: 'other' }), { platformId: 'plat1' }, /returned another connection/],
    ['a call naming no platform', platform(), { platformId: '' }, /names no platform/],
    ['a blank platform', platform(), { platformId: '   ' }, /names no platform/],
    ['another platform', platform(), { platformId: 'plat2' }, /another platform/],
    ['a PROJECT connection, no project named', project(['p1']), { platformId: 'plat1' }, /names no project/],
    ['a PROJECT connection, a blank project', project(['p1']), { platformId: 'plat1', projectId: ' ' }, /names no project/],
    ['a PROJECT connection, a project it does not list', project(['p1']), { platformId: 'plat1', projectId: 'p2' }, /not available to project "p2"/],
    ['a PROJECT connection whose projectIds is a string (no substring match)', project('p1p2'), { platformId: 'plat1', projectId: 'p1' }, /not available/],
    ['a PROJECT connection without projectIds', project(undefined), { platformId: 'plat1', projectId: 'p1' }, /not available/],
    ['an unknown scope', platform({ scope: 'EVERYONE' as never }), { platformId: 'plat1' }, /unknown scope/],
  ])('%s', (_name, connection, context, message) => {
    const r = refusal(() => checkScope('conn1', connection, context));
    expect(r.code).toBe(ErrorCode.SECRET_MANAGER_GET_SECRET_FAILED);
    expect(r.message).toMatch(message);
  });
});

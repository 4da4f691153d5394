import { Redis } from 'ioredis';
import { errorCodeOf, humanMessage } from '../../src/activepieces/errors';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_KEY_PREFIX, resolveRedisOptions, type RedisOptions } from '../../src/redis/options';

const encryptionKey = 'x'.repeat(32);

function failure(options: unknown): { code: string | undefined; message: string } {
  try {
    resolveRedisOptions(options as RedisOptions);
  } catch (err) {
    return { code: errorCodeOf(err), message: humanMessage(err) };
  }
  throw new Error('expected a validation error');
}

describe('resolveRedisOptions', () => {
  it('fills in defaults', () => {
    const resolved = resolveRedisOptions({ url: 'redis://127.0.0.1:6379', encryptionKey });
    expect(resolved).toMatchObject({ target: { url: 'redis://127.0.0.1:6379' }, keyPrefix: DEFAULT_KEY_PREFIX, commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS });
  });

  it('accepts a host client', () => {
    const client = new Redis({ lazyConnect: true });
    expect(resolveRedisOptions({ client, encryptionKey, keyPrefix: 'tenant-1:' })).toMatchObject({ target: { client }, keyPrefix: 'tenant-1:' });
    client.disconnect();
  });

  it('wants an encryption key of at least 32 characters, and never echoes it', () => {
    const short = 'SHORT-KEY-' + 'y'.repeat(21);
    const { code, message } = failure({ url: 'redis://h', encryptionKey: short });
    expect(code).toBe('VALIDATION');
    expect(message).toMatch(/encryptionKey.*32/);
    expect(message).not.toContain(short);
    expect(failure({ url: 'redis://h' }).code).toBe('VALIDATION');
  });

  it('wants exactly one of url and client', () => {
    expect(failure({ encryptionKey }).message).toMatch(/exactly one of "url" and "client"/);
    expect(failure({ encryptionKey, url: 'redis://h', client: new Redis({ lazyConnect: true }) }).message).toMatch(/exactly one/);
    expect(failure({ encryptionKey, client: {} }).message).toMatch(/ioredis/);
  });

  it('rejects a URL that is not redis:// without echoing it (it may carry a password)', () => {
    const url = 'http://user:PASSWORD-123@host:6379';
    const { code, message } = failure({ encryptionKey, url });
    expect(code).toBe('VALIDATION');
    expect(message).not.toContain('PASSWORD-123');
    expect(failure({ encryptionKey, url: 'not a url' }).code).toBe('VALIDATION');
    expect(resolveRedisOptions({ encryptionKey, url: 'rediss://:pw@h:6380/2' }).target).toEqual({ url: 'rediss://:pw@h:6380/2' });
  });

  it('rejects bad prefixes and timeouts', () => {
    expect(failure({ encryptionKey, url: 'redis://h', keyPrefix: 'a b' }).code).toBe('VALIDATION');
    expect(failure({ encryptionKey, url: 'redis://h', keyPrefix: 'x*' }).code).toBe('VALIDATION');
    expect(failure({ encryptionKey, url: 'redis://h', commandTimeoutMs: 0 }).code).toBe('VALIDATION');
    expect(failure({ encryptionKey, url: 'redis://h', connectTimeoutMs: 1.5 }).code).toBe('VALIDATION');
    expect(failure(null).code).toBe('VALIDATION');
  });
});

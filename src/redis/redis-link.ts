import type { Redis, RedisOptions as IoRedisOptions } from 'ioredis';
import { withFields, type Logger } from '../logger';
import { loadIoredis } from './load-ioredis';
import type { ResolvedRedisOptions } from './options';

/** What a Redis call gave: its value, or why not (`rejected`: Redis answered with an error). */
export type RedisResult<T> = { ok: true; value: T } | { ok: false; failure: 'unavailable' | 'rejected' };

type Health = 'starting' | 'up' | 'down';
type MessageHandler = (message: string) => void;

const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * The package's connections to the shared Redis: one for commands and one for pub/sub (a
 * subscribed connection cannot run commands). Every call is bounded in time, frozen server
 * included, and never throws; an outage is logged once when it starts and once when it ends.
 */
export class RedisLink {
  readonly keyPrefix: string;
  private readonly commands: Redis;
  private readonly ownsCommands: boolean;
  private subscriber: Redis | undefined;
  private readonly channels = new Map<string, Set<MessageHandler>>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly detachFromHostClient: Array<() => void> = [];
  private readonly log: Logger;
  private health: Health = 'starting';
  private settleStart: () => void = () => undefined;
  private readonly start = new Promise<void>((resolve) => (this.settleStart = resolve));
  private probeInFlight = false;
  private subscribedOnce = false;
  private subscriptionLost = false;
  private closed = false;

  private constructor(private readonly options: ResolvedRedisOptions, logger: Logger) {
    this.keyPrefix = options.keyPrefix;
    this.log = withFields(logger, { component: 'redis' });
    if ('url' in options.target) {
      const { Redis: RedisClient } = loadIoredis();
      this.commands = new RedisClient(options.target.url, this.connectionOptions());
      this.ownsCommands = true;
    } else {
      // RedisOptions types the host's client structurally; it is an ioredis client (checked in options.ts).
      this.commands = options.target.client as Redis;
      this.ownsCommands = false;
    }
    this.watchCommandConnection();
  }

  /** Starts connecting; calls made before the connection is ready fail fast (no offline queue). */
  static open(options: ResolvedRedisOptions, logger: Logger): RedisLink {
    return new RedisLink(options, logger);
  }

  /**
   * Runs one command on the command connection, within `commandTimeoutMs`. While Redis is known
   * to be down (or frozen), at most one call at a time probes it; the others fail at once.
   */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<RedisResult<T>> {
    if (this.closed || this.commands.status !== 'ready') {
      if (!this.closed && this.health === 'up') this.markDown('not connected');
      return { ok: false, failure: 'unavailable' };
    }
    if (this.health === 'down') {
      if (this.probeInFlight) return { ok: false, failure: 'unavailable' };
      this.probeInFlight = true;
    }
    try {
      const value = await bounded(command(this.commands), this.options.commandTimeoutMs);
      this.markUp();
      return { ok: true, value };
    } catch (err) {
      if (isReplyError(err)) {
        this.markUp();
        return { ok: false, failure: 'rejected' };
      }
      this.markDown(reasonOf(err));
      return { ok: false, failure: 'unavailable' };
    } finally {
      this.probeInFlight = false;
    }
  }

  /**
   * Until the first connection attempt has settled (ready or failed), at most `connectTimeoutMs`:
   * a replica's first calls wait for a Redis that is about to answer instead of skipping it.
   */
  whenStarted(): Promise<void> {
    return this.health === 'starting' ? bounded(this.start, this.options.connectTimeoutMs).catch(() => undefined) : Promise.resolve();
  }

  /** PUBLISH; the number of subscribers Redis delivered to, or undefined when Redis did not take it. */
  async publish(channel: string, message: string): Promise<number | undefined> {
    const result = await this.run((redis) => redis.publish(channel, message));
    return result.ok ? result.value : undefined;
  }

  /** Delivers every message on `channel` to `handler` until the returned function is called. */
  subscribe(channel: string, handler: MessageHandler): () => void {
    const subscriber = this.subscriberConnection();
    let handlers = this.channels.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.channels.set(channel, handlers);
      if (subscriber.status === 'ready') void this.subscribeChannels(subscriber, [channel]);
    }
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
    };
  }

  /**
   * `listener` runs each time the pub/sub connection is subscribed again after losing its
   * subscription: messages published meanwhile were missed, so local caches should be dropped.
   */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => {
      this.reconnectListeners.delete(listener);
    };
  }

  /** Quits the connections this link created (a host's client is left open) and stops reconnecting. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const detach of this.detachFromHostClient) detach();
    await Promise.all([
      this.ownsCommands ? this.shutDown(this.commands) : undefined,
      this.subscriber ? this.shutDown(this.subscriber) : undefined,
    ]);
  }

  private connectionOptions(): IoRedisOptions {
    return {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: this.options.commandTimeoutMs,
      connectTimeout: this.options.connectTimeoutMs,
      // How long disconnect() waits for a socket to close before destroying it (its timer is not unref'd).
      disconnectTimeout: this.options.commandTimeoutMs,
      lazyConnect: false,
      // Subscriptions are restored by subscribeChannels, which also tells onReconnect listeners.
      autoResubscribe: false,
      retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 5), MAX_RECONNECT_DELAY_MS),
    };
  }

  private watchCommandConnection(): void {
    const onReady = (): void => this.markUp();
    const onError = (err: unknown): void => {
      if (!this.closed) this.markDown(reasonOf(err));
    };
    const onClose = (): void => {
      if (!this.closed && this.health === 'up') this.markDown('connection closed');
    };
    this.commands.on('ready', onReady).on('error', onError).on('close', onClose);
    if (!this.ownsCommands) {
      this.detachFromHostClient.push(() => {
        this.commands.off('ready', onReady).off('error', onError).off('close', onClose);
      });
      if (this.commands.status === 'ready') this.markUp();
    }
  }

  private subscriberConnection(): Redis {
    if (this.subscriber) return this.subscriber;
    const target = this.options.target;
    const subscriber =
      'url' in target ? new (loadIoredis().Redis)(target.url, this.connectionOptions()) : (target.client as Redis).duplicate(this.connectionOptions());
    subscriber.on('error', (err: unknown) => this.log.debug({ reason: reasonOf(err) }, 'Redis pub/sub connection error'));
    subscriber.on('close', () => {
      if (this.subscribedOnce) this.subscriptionLost = true;
    });
    subscriber.on('ready', () => void this.subscribeChannels(subscriber, [...this.channels.keys()]));
    subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
    this.subscriber = subscriber;
    return subscriber;
  }

  private async subscribeChannels(subscriber: Redis, channels: string[]): Promise<void> {
    if (channels.length === 0 || this.closed) return;
    try {
      await bounded(subscriber.subscribe(...channels), this.options.commandTimeoutMs);
    } catch (err) {
      // Not sure we are subscribed: drop the connection; the next 'ready' subscribes again.
      this.log.debug({ reason: reasonOf(err) }, 'Redis subscribe failed; reconnecting the pub/sub connection');
      if (!this.closed) subscriber.disconnect(true);
      return;
    }
    const resubscribed = this.subscriptionLost;
    this.subscribedOnce = true;
    this.subscriptionLost = false;
    if (resubscribed) this.notifyReconnect();
  }

  private notifyReconnect(): void {
    for (const listener of this.reconnectListeners) {
      try {
        listener();
      } catch (err) {
        this.log.warn({ reason: reasonOf(err) }, 'Redis reconnect listener threw');
      }
    }
  }

  private deliver(channel: string, message: string): void {
    for (const handler of this.channels.get(channel) ?? []) {
      try {
        handler(message);
      } catch (err) {
        this.log.warn({ reason: reasonOf(err) }, 'Redis message handler threw');
      }
    }
  }

  private markDown(reason: string): void {
    if (this.health === 'down') return;
    this.health = 'down';
    this.settleStart();
    this.log.warn({ reason }, 'Redis unreachable: shared cache, invalidation and cluster lock are skipped until it answers again');
  }

  private markUp(): void {
    if (this.health === 'down') this.log.info({}, 'Redis reachable again');
    this.health = 'up';
    this.settleStart();
  }

  private async shutDown(client: Redis): Promise<void> {
    // Owned connections keep an error listener to the end, so ioredis never prints "Unhandled error event".
    client.on('error', () => undefined);
    if (client.status === 'ready') {
      try {
        await bounded(client.quit(), this.options.commandTimeoutMs);
      } catch {
        // Falls through to disconnect, which closes the socket whatever state it is in.
      }
    }
    if (client.status === 'end') return;
    // Wait for the socket to be gone, so close() leaves neither socket nor ioredis' disconnect timer behind.
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    client.disconnect(false);
    await bounded(ended, 2 * this.options.commandTimeoutMs).catch(() => undefined);
  }
}

/** `promise`, or a rejection after `ms` (own timer, unref'd: ioredis' commandTimeout is not set on a host's client). */
export function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis call timed out after ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

function isReplyError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ReplyError';
}

/** A short reason for a log line: the error's message only (a ReplyError also carries the command's arguments). */
function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.slice(0, 200);
}

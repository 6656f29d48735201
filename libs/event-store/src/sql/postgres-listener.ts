import type { Client } from 'pg';
import type { NotificationChannel } from './sql-connection';

const MAX_RETRY_DELAY_MS = 5_000;
/** The connection is replaced this often, so a "smart" server shutdown is never held up by it for long. */
const LIFETIME_MS = 60_000;
/**
 * A NOTIFY commits like a write (it takes a transaction id and a global lock), so appends made while
 * one is in flight share the next one, sent at least this long after.
 */
const NOTIFY_GAP_MS = 10;

/**
 * A dedicated connection that LISTENs on one channel and sends this process's NOTIFYs, outside
 * the appends' transactions so they never queue on the notification lock. A lost connection is
 * re-established with backoff; the listener is then told that notifications may have been missed.
 */
export class PostgresListener implements NotificationChannel {
  private client: Client | undefined;
  private stopped = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private lifetimeTimer: NodeJS.Timeout | undefined;
  private notifyTimer: NodeJS.Timeout | undefined;
  private notifying = false;
  private pendingPayload: string | undefined;

  private constructor(
    private readonly connect: () => Client,
    private readonly channel: string,
    private readonly onNotify: (payload: string | undefined) => void,
  ) {}

  /** Resolves once listening; the first connection must succeed, later ones are retried. */
  static async start(connect: () => Client, channel: string, onNotify: (payload: string | undefined) => void): Promise<PostgresListener> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Channel name "${channel}" must be lower-case letters, digits and underscores`);
    const listener = new PostgresListener(connect, channel, onNotify);
    await listener.open();
    return listener;
  }

  notify(payload: string): void {
    this.pendingPayload = payload;
    if (!this.notifying && !this.notifyTimer) this.flushNotify();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of [this.retryTimer, this.lifetimeTimer, this.notifyTimer]) clearTimeout(timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async open(): Promise<void> {
    const client = this.connect();
    client.on('error', () => undefined);
    try {
      await client.connect();
      client.on('notification', (message) => this.onNotify(message.payload ?? ''));
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    client.once('end', () => this.lost(client));
    this.lifetimeTimer = setTimeout(() => void client.end().catch(() => undefined), LIFETIME_MS);
    this.lifetimeTimer.unref();
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearTimeout(this.lifetimeTimer);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    // The first attempt after a planned recycle is immediate; failures back off.
    const delay = this.failures === 0 ? 0 : Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** this.failures);
    this.retryTimer = setTimeout(() => {
      this.open().then(
        () => this.onNotify(undefined),
        () => {
          this.failures++;
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.retryTimer.unref();
  }

  private flushNotify(): void {
    this.notifyTimer = undefined;
    const payload = this.pendingPayload;
    const client = this.client;
    // Without a connection other processes still find the append by their poll.
    if (payload === undefined || !client) return;
    this.pendingPayload = undefined;
    this.notifying = true;
    client
      .query('SELECT pg_notify($1, $2)', [this.channel, payload])
      .catch(() => undefined)
      .finally(() => {
        this.notifying = false;
        if (this.pendingPayload !== undefined && !this.stopped) {
          this.notifyTimer = setTimeout(() => this.flushNotify(), NOTIFY_GAP_MS);
          this.notifyTimer.unref();
        }
      });
  }
}

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { qualifiedName, type ReadModelSchemas } from '../database/read-models-database';
import type { SqlDatabase } from '../database/sql-database';

/**
 * Work only one instance may do at a time (a projection, a reaction, the WhatsApp sender, the ONDC
 * conversation driver). It is started when this process takes its lease and stopped when it
 * loses or gives it up; it may be started again later, and must then carry on from what is stored.
 */
export interface LeasedWorker {
  readonly kind: 'worker';
  readonly name: string;
  start(): void | Promise<void>;
  stop(): Promise<void>;
}

export interface LeaseTuning {
  /** How long a lease lasts unless renewed; a dead holder's work is taken over this long after its last renewal. */
  ttlMs: number;
  /** How often held leases are renewed and free ones tried for. */
  renewEveryMs: number;
}

/** A dead holder is replaced within ttl + renewEvery (7.5 s), inside the 10 s an operator is promised. */
export const DEFAULT_LEASE_TUNING: LeaseTuning = { ttlMs: 6_000, renewEveryMs: 1_500 };

export interface LeaseLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface LeaseHolding {
  name: string;
  holder: string;
  epoch: number;
  expiresAt: Date;
}

interface Slot {
  worker: LeasedWorker;
  running: boolean;
  /** Start and stop run one after the other, never overlapping. */
  transition: Promise<void>;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Leases in the read-model database, one row per worker: one statement per round renews what this
 * process holds and takes what has expired. The database's clock judges expiry, so instances'
 * clocks need not agree; this process stops its workers on its own clock before the lease can
 * expire (renewal failing), so a lapsed holder is never still working when another takes over.
 *
 * Leases decide who does the work, not whether it is safe to do twice: each worker also fences its
 * own writes (a projection's checkpoint moves only from where it was read, the sender and driver
 * append at the revision they read), so a holder paused past its lease cannot corrupt anything.
 */
export class LeaseKeeper {
  /** Who holds a lease, as operators see it in the `leases` table. */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly table: string;
  private readonly slots = new Map<string, Slot>();
  private timer: NodeJS.Timeout | undefined;
  private lapseTimer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private running = false;

  constructor(
    private readonly db: SqlDatabase,
    schemas: ReadModelSchemas,
    private readonly logger: LeaseLogger,
    private readonly tuning: LeaseTuning = DEFAULT_LEASE_TUNING,
  ) {
    this.table = qualifiedName(schemas.internal, 'leases');
  }

  add(worker: LeasedWorker): void {
    if (this.slots.has(worker.name)) throw new Error(`Two workers are named ${worker.name}: each lease names one`);
    this.slots.set(worker.name, { worker, running: false, transition: Promise.resolve() });
  }

  /** Names of the workers this process runs now. */
  held(): string[] {
    return [...this.slots.values()].filter((s) => s.running).map((s) => s.worker.name);
  }

  /** Tries for every lease at once, then every `renewEveryMs`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops every worker this process runs and gives their leases up, so another instance takes over at once. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    clearTimeout(this.lapseTimer);
    await this.round;
    const held = this.held();
    await this.stopWorkers(held);
    if (held.length === 0) return;
    await this.db
      .query(`DELETE FROM ${this.table} WHERE holder = $1 AND name = ANY($2)`, [this.holder, held])
      .catch((error: unknown) => this.logger.warn(`Could not give up leases ${held.join(', ')} (they expire in ${this.tuning.ttlMs} ms): ${describe(error)}`));
  }

  /** Every lease row, for operators and tests. */
  async holdings(): Promise<LeaseHolding[]> {
    const { rows } = await this.db.query<{ name: string; holder: string; epoch: string; expires_at: Date }>(
      `SELECT name, holder, epoch::text AS epoch, expires_at FROM ${this.table} ORDER BY name`,
    );
    return rows.map((r) => ({ name: r.name, holder: r.holder, epoch: Number(r.epoch), expiresAt: r.expires_at }));
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.round = this.renew().finally(() => {
        this.round = undefined;
        this.schedule(this.tuning.renewEveryMs);
      });
    }, delayMs);
  }

  private async renew(): Promise<void> {
    const names = [...this.slots.keys()];
    if (names.length === 0) return;
    const askedAt = Date.now();
    let won: Set<string>;
    try {
      // Held or expired: ours (again). The epoch counts hand-overs, for operators reading the table.
      const { rows } = await this.db.query<{ name: string }>(
        `INSERT INTO ${this.table} AS l (name, holder, epoch, acquired_at, expires_at)
           SELECT n, $1, 1, now(), now() + make_interval(secs => $3::double precision / 1000) FROM unnest($2::text[]) AS n
         ON CONFLICT (name) DO UPDATE SET
           holder = EXCLUDED.holder,
           expires_at = EXCLUDED.expires_at,
           epoch = CASE WHEN l.holder = EXCLUDED.holder THEN l.epoch ELSE l.epoch + 1 END,
           acquired_at = CASE WHEN l.holder = EXCLUDED.holder THEN l.acquired_at ELSE now() END
         WHERE l.holder = EXCLUDED.holder OR l.expires_at < now()
         RETURNING name`,
        [this.holder, names, this.tuning.ttlMs],
      );
      won = new Set(rows.map((r) => r.name));
    } catch (error) {
      this.logger.warn(`Lease renewal failed (workers stop if it keeps failing): ${describe(error)}`);
      return;
    }
    if (!this.running) return;
    // Our own clock, from before the statement was sent: the lease cannot have been granted earlier than that.
    this.armLapse(askedAt);
    const lost = this.held().filter((name) => !won.has(name));
    if (lost.length > 0) this.logger.warn(`Leases taken over by another instance: ${lost.join(', ')}`);
    await this.stopWorkers(lost);
    const gained = [...won].filter((name) => !this.slots.get(name)?.running);
    if (gained.length > 0) this.logger.log(`Took the leases of ${gained.join(', ')} (holder ${this.holder})`);
    await Promise.all(gained.map((name) => this.startWorker(this.slots.get(name)!)));
  }

  /** Stops every worker a renewal-safety margin before the leases could expire, unless a renewal comes first. */
  private armLapse(askedAt: number): void {
    clearTimeout(this.lapseTimer);
    const margin = Math.min(this.tuning.renewEveryMs, this.tuning.ttlMs / 3);
    const at = askedAt + this.tuning.ttlMs - margin;
    this.lapseTimer = setTimeout(() => {
      const held = this.held();
      if (held.length === 0) return;
      this.logger.warn(`Leases lapse without renewal; stopping ${held.join(', ')}`);
      void this.stopWorkers(held);
    }, Math.max(0, at - Date.now()));
  }

  private startWorker(slot: Slot): Promise<void> {
    slot.running = true;
    slot.transition = slot.transition.then(async () => {
      try {
        await slot.worker.start();
      } catch (error) {
        this.logger.warn(`Worker ${slot.worker.name} failed to start: ${describe(error)}`);
      }
    });
    return slot.transition;
  }

  private async stopWorkers(names: string[]): Promise<void> {
    await Promise.all(
      names.map((name) => {
        const slot = this.slots.get(name)!;
        if (!slot.running) return slot.transition;
        slot.running = false;
        slot.transition = slot.transition.then(() => slot.worker.stop()).catch((error: unknown) => this.logger.warn(`Worker ${name} failed to stop: ${describe(error)}`));
        return slot.transition;
      }),
    );
  }
}

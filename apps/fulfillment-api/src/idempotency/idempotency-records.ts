import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ProblemError, problem } from '@fulfil/platform';
import { qualifiedName, type SqlExecutor } from '@fulfil/read-models';

/** What was answered under a key, kept so that a repeat gets exactly that answer. */
export interface RecordedResponse {
  status: number;
  body: unknown;
  /** The answer held a secret shown once (a new seller's API key); a repeat runs the route again instead. */
  secretsWithheld: boolean;
}

export type Claim =
  | { kind: 'claimed'; token: string }
  | { kind: 'answered'; response: RecordedResponse }
  | { kind: 'other-request' };

export interface IdempotencyTuning {
  /** How long a claim holds without renewal; a claim older than this belongs to a process that died. */
  leaseMs: number;
  /** How long a repeat waits for the first request's answer before it is told to retry later. */
  waitMs: number;
  pollMs: number;
  /**
   * One process owns the stores (the embedded default, ADR 0016): a claim another process made is
   * from a run that has ended, and is taken over at once instead of after its lease.
   */
  singleOwner: boolean;
}

export const DEFAULT_IDEMPOTENCY_TUNING: IdempotencyTuning = { leaseMs: 5_000, waitMs: 15_000, pollMs: 20, singleOwner: false };

interface Row {
  request_sha256: string;
  claim: string | null;
  status: number | null;
  response: string | null;
  expired: boolean;
}

/** This process's prefix on every claim it makes. */
const INSTANCE = randomUUID();

export function inProgress(): ProblemError {
  return new ProblemError(
    problem(409, 'IDEMPOTENCY_KEY_IN_PROGRESS', 'Conflict', 'A request with this Idempotency-Key is still being processed; retry shortly to get its answer'),
    { 'retry-after': '1' },
  );
}

/**
 * Idempotency keys claimed in a table with a unique key (principal, key): the claim is taken
 * before the command runs, so two requests under one key can never both run it. A claim carries
 * a lease its owner renews while the command runs; a repeat waits for the answer, and takes over a
 * claim whose owner died (lease run out, or, with one owning process, made by an earlier run).
 */
export class IdempotencyRecords {
  private readonly table: string;

  private constructor(
    private readonly db: SqlExecutor,
    schema: string,
    private readonly tuning: IdempotencyTuning,
  ) {
    this.table = qualifiedName(schema, 'idempotency_keys');
  }

  static async open(db: SqlExecutor, schema: string, tuning: Partial<IdempotencyTuning> = {}): Promise<IdempotencyRecords> {
    const records = new IdempotencyRecords(db, schema, { ...DEFAULT_IDEMPOTENCY_TUNING, ...tuning });
    await records.migrate();
    return records;
  }

  private async migrate(): Promise<void> {
    const ddl = `CREATE TABLE IF NOT EXISTS ${this.table} (
      principal text NOT NULL,
      key_sha256 text NOT NULL,
      request_sha256 text NOT NULL,
      claim text,
      lease_until timestamptz,
      status integer,
      response text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (principal, key_sha256)
    )`;
    try {
      await this.db.query(ddl);
    } catch (error) {
      // Two processes creating the table at once: the loser's catalog insert collides; the table is there.
      if ((error as { code?: string }).code !== '23505') throw error;
    }
  }

  /** Claims the key for this request, or finds the answer (or the other request) already under it. */
  async claim(principal: string, keySha256: string, requestSha256: string): Promise<Claim> {
    const deadline = Date.now() + this.tuning.waitMs;
    for (;;) {
      const token = `${INSTANCE}/${randomUUID()}`;
      const inserted = await this.db.query(
        `INSERT INTO ${this.table} (principal, key_sha256, request_sha256, claim, lease_until)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::double precision / 1000))
         ON CONFLICT (principal, key_sha256) DO NOTHING`,
        [principal, keySha256, requestSha256, token, this.tuning.leaseMs],
      );
      if (inserted.rowCount === 1) return { kind: 'claimed', token };
      const { rows } = await this.db.query<Row>(
        `SELECT request_sha256, claim, status, response, lease_until < now() AS expired FROM ${this.table} WHERE principal = $1 AND key_sha256 = $2`,
        [principal, keySha256],
      );
      const row = rows[0];
      if (!row) continue; // released between our insert and our read
      if (row.request_sha256 !== requestSha256) return { kind: 'other-request' };
      if (row.status !== null) {
        const stored = JSON.parse(row.response ?? 'null') as { body: unknown; secretsWithheld?: boolean };
        return { kind: 'answered', response: { status: row.status, body: stored.body, secretsWithheld: stored.secretsWithheld === true } };
      }
      if (row.claim !== null && this.isStale(row)) {
        const taken = await this.db.query(
          `UPDATE ${this.table} SET claim = $3, lease_until = now() + make_interval(secs => $5::double precision / 1000)
           WHERE principal = $1 AND key_sha256 = $2 AND status IS NULL AND claim = $4`,
          [principal, keySha256, token, row.claim, this.tuning.leaseMs],
        );
        if (taken.rowCount === 1) return { kind: 'claimed', token };
        continue;
      }
      if (Date.now() >= deadline) throw inProgress();
      await delay(this.tuning.pollMs);
    }
  }

  private isStale(row: Row): boolean {
    return row.expired || (this.tuning.singleOwner && !row.claim!.startsWith(`${INSTANCE}/`));
  }

  /** Keeps the claim alive while its command runs; stops when the returned function is called. */
  holdWhileRunning(principal: string, keySha256: string, token: string): () => void {
    const timer = setInterval(() => {
      void this.db
        .query(`UPDATE ${this.table} SET lease_until = now() + make_interval(secs => $4::double precision / 1000) WHERE principal = $1 AND key_sha256 = $2 AND claim = $3`, [
          principal,
          keySha256,
          token,
          this.tuning.leaseMs,
        ])
        .catch(() => undefined); // a missed renewal only lets a repeat take over, which the command side tolerates
    }, Math.max(50, Math.floor(this.tuning.leaseMs / 3)));
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Records the answer under the claim; a claim taken over meanwhile keeps the other answer. */
  async answer(principal: string, keySha256: string, token: string, response: RecordedResponse): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET status = $4, response = $5, claim = NULL, lease_until = NULL WHERE principal = $1 AND key_sha256 = $2 AND claim = $3`,
      [principal, keySha256, token, response.status, JSON.stringify({ body: response.body, secretsWithheld: response.secretsWithheld })],
    );
  }

  /** Gives the key back after an answer not worth keeping (bad input, an outage), so a retry runs afresh. */
  async release(principal: string, keySha256: string, token: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.table} WHERE principal = $1 AND key_sha256 = $2 AND claim = $3 AND status IS NULL`, [principal, keySha256, token]);
  }
}

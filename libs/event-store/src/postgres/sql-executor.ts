/**
 * The little the event store needs from PostgreSQL, so its SQL is written once and runs on a
 * server through `pg` and on the embedded PGlite alike.
 */

/** Parameters travel as text or JSON text; bigints are sent as strings so no precision is lost. */
export type SqlParam = string | number | boolean | null;

export interface SqlQueryable {
  query<Row extends object>(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
}

/** Stops a `listen`. */
export type Unlisten = () => Promise<void>;

export interface SqlExecutor extends SqlQueryable {
  /**
   * Runs `work` on one connection inside one transaction: committed when `work` resolves, rolled
   * back when it throws. No other statement of this executor runs inside that transaction.
   */
  transaction<Result>(work: (tx: SqlQueryable) => Promise<Result>): Promise<Result>;
  /** Calls `onNotify` for every NOTIFY on `channel` once it is committed, whichever session sent it. */
  listen(channel: string, onNotify: () => void): Promise<Unlisten>;
  /** Releases what the executor opened itself; a connection or pool the caller lent it stays open. */
  close(): Promise<void>;
}

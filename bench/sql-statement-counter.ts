import { Client } from 'pg';

/**
 * Counts the statements this process sends to PostgreSQL, by wrapping the `pg` client every pool
 * and listener is made of: the event store's appends, every projection's and reaction's writes
 * and checkpoints, and the health probes the bench itself makes (so the figure errs high, never low).
 */
export class SqlStatementCounter {
  private static installed: SqlStatementCounter | undefined;
  private sent = 0;

  static install(): SqlStatementCounter {
    if (SqlStatementCounter.installed) return SqlStatementCounter.installed;
    const counter = new SqlStatementCounter();
    const query = Client.prototype.query as (...args: unknown[]) => unknown;
    // Reassigning the prototype's overloaded method needs a loose signature; every call is passed through unchanged.
    (Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function counted(this: Client, ...args: unknown[]) {
      counter.sent += 1;
      return query.apply(this, args);
    };
    SqlStatementCounter.installed = counter;
    return counter;
  }

  /** Statements sent since the last call. */
  take(): number {
    const sent = this.sent;
    this.sent = 0;
    return sent;
  }
}

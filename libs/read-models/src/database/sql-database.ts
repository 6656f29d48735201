/**
 * The little SQL surface the read models need, implemented over PGlite (embedded) and `pg`
 * (a PostgreSQL server), so projections, migrations and queries are written once.
 */
/** Values bound to $n placeholders; string arrays bind to `text[]` (for `= ANY($n)`). */
export type SqlParam = string | number | boolean | null | Date | readonly string[];

export interface SqlResult<R> {
  rows: R[];
  /** Rows returned by a SELECT or changed by an INSERT, UPDATE or DELETE. */
  rowCount: number;
}

export interface SqlExecutor {
  /** One statement with `$n` parameters. */
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<SqlResult<R>>;
}

export interface SqlDatabase extends SqlExecutor {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Double-quotes an identifier (schema, table, view), so names are never spliced in raw. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

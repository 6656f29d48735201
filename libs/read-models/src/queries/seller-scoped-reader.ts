import { ValidationError } from '@fulfil/domain';
import type { SqlExecutor, SqlParam } from '../database/sql-database';

export interface SellerScopedSelect {
  /** Columns, written against the alias `t`. */
  select: string;
  /** One qualified read-model table with a `seller_id` column; aliased `t`. */
  from: string;
  /** Extra conditions, ANDed after the seller's; their parameters are numbered from $2. */
  where?: string;
  /** ORDER BY / LIMIT and the like. */
  tail?: string;
}

/**
 * The only way queries reach the read models. Every statement it builds starts with
 * `WHERE t.seller_id = $1`, bound to the seller id the caller must pass, so no query can forget
 * the tenant and read another seller's rows. It holds the executor privately: code with a reader
 * cannot run unscoped SQL through it.
 */
export class SellerScopedReader {
  constructor(private readonly sql: SqlExecutor) {}

  async select<R extends object>(sellerId: string, query: SellerScopedSelect, params: readonly SqlParam[] = []): Promise<R[]> {
    if (typeof sellerId !== 'string' || sellerId.trim() === '') {
      throw new ValidationError([{ field: 'sellerId', message: 'is required for every read-model query' }]);
    }
    const where = query.where ? ` AND (${query.where})` : '';
    const { rows } = await this.sql.query<R>(`SELECT ${query.select} FROM ${query.from} t WHERE t.seller_id = $1${where} ${query.tail ?? ''}`, [sellerId, ...params]);
    return rows;
  }
}

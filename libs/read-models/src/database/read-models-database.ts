import { openPgliteDatabase } from './pglite-database';
import { openPostgresDatabase } from './postgres-database';
import { quoteIdent, type SqlDatabase } from './sql-database';

/** Where the read models live: their own PGlite directory (in memory without one), or a PostgreSQL server. */
export type ReadModelsDatabaseConfig =
  | { kind: 'embedded'; dataDir?: string }
  | {
      kind: 'postgres';
      databaseUrl: string;
      /** Internal tables; default `read_models`. */
      schema?: string;
      /** The analytics contract's views; default `analytics`, or `<schema>_analytics` when `schema` is given (so test runs never share it). */
      analyticsSchema?: string;
    };

/** The two schemas: internal tables that may change, and the versioned analytics views that may not. */
export interface ReadModelSchemas {
  internal: string;
  analytics: string;
}

export const DEFAULT_SCHEMAS: ReadModelSchemas = { internal: 'read_models', analytics: 'analytics' };

export function schemasOf(config: ReadModelsDatabaseConfig): ReadModelSchemas {
  if (config.kind === 'embedded' || config.schema === undefined) {
    return { internal: DEFAULT_SCHEMAS.internal, analytics: (config.kind === 'postgres' && config.analyticsSchema) || DEFAULT_SCHEMAS.analytics };
  }
  return { internal: config.schema, analytics: config.analyticsSchema ?? `${config.schema}_analytics` };
}

export async function openReadModelsDatabase(config: ReadModelsDatabaseConfig): Promise<SqlDatabase> {
  return config.kind === 'embedded' ? openPgliteDatabase(config.dataDir) : openPostgresDatabase({ databaseUrl: config.databaseUrl });
}

/** `"schema"."name"`, quoted, for a table or view of the read models. */
export const qualifiedName = (schema: string, name: string): string => `${quoteIdent(schema)}.${quoteIdent(name)}`;

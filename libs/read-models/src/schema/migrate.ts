import { quoteIdent, type SqlDatabase, type SqlExecutor } from '../database/sql-database';
import type { ReadModelSchemas } from '../database/read-models-database';
import { MIGRATIONS, schemaNames, type Migration } from './migrations';

export interface MigrationReport {
  applied: number[];
  current: number;
}

/**
 * Brings the schema to the newest version at start. Everything runs in one transaction under an
 * advisory lock, so two processes starting together apply each migration once, and a failed
 * migration leaves the schema as it was.
 */
export async function migrate(db: SqlDatabase, schemas: ReadModelSchemas, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`read-models:${schemas.internal}`]);
    await createSchemas(tx, schemas);
    const names = schemaNames(schemas);
    const done = await appliedVersions(tx, names.table('schema_migrations'));
    const pending = migrations.filter((m) => !done.has(m.version)).sort((a, b) => a.version - b.version);
    for (const migration of pending) {
      for (const statement of migration.statements(names)) await tx.query(statement);
      await tx.query(`INSERT INTO ${names.table('schema_migrations')} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    }
    const versions = [...done, ...pending.map((m) => m.version)];
    return { applied: pending.map((m) => m.version), current: versions.length ? Math.max(...versions) : 0 };
  });
}

async function createSchemas(tx: SqlExecutor, schemas: ReadModelSchemas): Promise<void> {
  await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schemas.internal)}`);
  await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schemas.analytics)}`);
}

async function appliedVersions(tx: SqlExecutor, table: string): Promise<Set<number>> {
  await tx.query(
    `CREATE TABLE IF NOT EXISTS ${table} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const { rows } = await tx.query<{ version: number }>(`SELECT version FROM ${table}`);
  return new Set(rows.map((r) => r.version));
}

import type { EventStore, Position } from '@fulfil/event-store';
import { qualifiedName, type ReadModelSchemas } from '../database/read-models-database';
import { quoteIdent, type SqlDatabase, type SqlExecutor } from '../database/sql-database';
import type { CheckpointStore } from './checkpoint-store';
import { eventPages } from './event-pages';
import { RETIRED_SUFFIX, liveTables, shadowTables } from './projection-tables';
import type { SqlProjection } from './subscriber';

export interface RebuildReport {
  projection: string;
  phase: 'copying' | 'swapping' | 'done';
  eventsDone: number;
  /** Position reached in the store. */
  position: Position;
  /** The store's head when the rebuild started: position / head is the share done (events of any kind are spread evenly enough). */
  headPosition: Position;
}

export interface RebuildResult {
  projection: string;
  events: number;
  position: Position;
  durationMs: number;
}

export interface RebuilderDeps {
  db: SqlDatabase;
  store: EventStore;
  schemas: ReadModelSchemas;
  checkpoints: CheckpointStore;
  batchSize: number;
}

interface ViewDefinition {
  name: string;
  definition: string;
}

/**
 * Rebuilds a projection from position zero into shadow tables while the live tables keep serving
 * queries, then swaps them in one transaction:
 *   1. copy: `<table>__rebuild` created `LIKE` the live table, filled batch by batch;
 *   2. swap: lock the live checkpoint row (the live runner's next transaction waits), apply what
 *      arrived meanwhile, rename live -> retired and shadow -> live, re-point the analytics views
 *      (a view follows a renamed table, not its name), drop the retired tables, and set the
 *      checkpoint to where the shadow stands. A live runner elsewhere then finds its checkpoint
 *      moved and reloads it.
 */
export class ProjectionRebuilder {
  constructor(private readonly deps: RebuilderDeps) {}

  async rebuild(projection: SqlProjection, onProgress: (report: RebuildReport) => void = () => undefined): Promise<RebuildResult> {
    const started = performance.now();
    const headPosition = await this.deps.store.headPosition();
    const progress = { eventsDone: 0, position: 0n };
    const report = (phase: RebuildReport['phase']) => onProgress({ projection: projection.name, phase, headPosition, ...progress });
    await this.createShadowTables(projection);
    try {
      await this.copy(projection, (work) => this.deps.db.transaction(work), progress, () => report('copying'));
      report('swapping');
      await this.deps.db.transaction(async (sql) => {
        const livePosition = await this.deps.checkpoints.lockForSwap(sql, projection.name);
        await this.copy(projection, (work) => work(sql), progress, () => report('swapping'));
        await this.swapTables(sql, projection);
        // Nothing the projection reads lies between the shadow's position and the live one, so the larger is true of both.
        const position = progress.position > livePosition ? progress.position : livePosition;
        await this.deps.checkpoints.resetAfterRebuild(sql, projection.name, position);
        progress.position = position;
      });
    } catch (error) {
      await this.dropShadowTables(projection).catch(() => undefined);
      throw error;
    }
    report('done');
    return { projection: projection.name, events: progress.eventsDone, position: progress.position, durationMs: performance.now() - started };
  }

  /** Applies pages of events after `progress.position` into the shadow tables until the store has no more. */
  private async copy(
    projection: SqlProjection,
    inTransaction: (work: (sql: SqlExecutor) => Promise<void>) => Promise<void>,
    progress: { eventsDone: number; position: Position },
    onBatch: () => void,
  ): Promise<void> {
    const table = shadowTables(this.deps.schemas, projection);
    const pages = eventPages(this.deps.store, { after: progress.position, pageSize: this.deps.batchSize, ...(projection.filter ? { filter: projection.filter } : {}) });
    for await (const page of pages) {
      if (page.events.length > 0) await inTransaction((sql) => projection.apply({ sql, table }, page.events));
      progress.eventsDone += page.events.length;
      progress.position = page.through;
      onBatch();
    }
  }

  private async createShadowTables(projection: SqlProjection): Promise<void> {
    const live = liveTables(this.deps.schemas, projection);
    const shadow = shadowTables(this.deps.schemas, projection);
    await this.deps.db.transaction(async (sql) => {
      for (const name of projection.tables) {
        await sql.query(`DROP TABLE IF EXISTS ${shadow(name)}`);
        await sql.query(`CREATE TABLE ${shadow(name)} (LIKE ${live(name)} INCLUDING ALL)`);
      }
    });
  }

  private async dropShadowTables(projection: SqlProjection): Promise<void> {
    const shadow = shadowTables(this.deps.schemas, projection);
    for (const name of projection.tables) await this.deps.db.query(`DROP TABLE IF EXISTS ${shadow(name)}`);
  }

  private async swapTables(sql: SqlExecutor, projection: SqlProjection): Promise<void> {
    const live = liveTables(this.deps.schemas, projection);
    const shadow = shadowTables(this.deps.schemas, projection);
    const retired = (name: string) => `${name}${RETIRED_SUFFIX}`;
    const views = await this.dependentViews(sql, projection.tables.map(live));
    for (const name of projection.tables) {
      await sql.query(`ALTER TABLE ${live(name)} RENAME TO ${quoteIdent(retired(name))}`);
      await sql.query(`ALTER TABLE ${shadow(name)} RENAME TO ${quoteIdent(name)}`);
    }
    // Same text, parsed again now: its table names resolve to the new tables.
    for (const view of views) await sql.query(`CREATE OR REPLACE VIEW ${view.name} AS ${view.definition}`);
    for (const name of projection.tables) await sql.query(`DROP TABLE ${qualifiedName(this.deps.schemas.internal, retired(name))}`);
  }

  /** Views reading any of the tables, with their definitions as PostgreSQL prints them (schema-qualified). */
  private async dependentViews(sql: SqlExecutor, tables: string[]): Promise<ViewDefinition[]> {
    const { rows } = await sql.query<ViewDefinition>(
      `SELECT DISTINCT quote_ident(n.nspname) || '.' || quote_ident(v.relname) AS name, pg_get_viewdef(v.oid) AS definition
         FROM pg_depend d
         JOIN pg_rewrite r ON r.oid = d.objid
         JOIN pg_class v ON v.oid = r.ev_class
         JOIN pg_namespace n ON n.oid = v.relnamespace
        WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
          AND d.refobjid IN (SELECT value::regclass FROM jsonb_array_elements_text($1::jsonb))
          AND v.relkind = 'v'
        ORDER BY name`,
      [JSON.stringify(tables)],
    );
    return rows;
  }
}

import type { EventStore, Position, RecordedEvent } from '@fulfil/event-store';
import { qualifiedName, type ReadModelSchemas } from '../database/read-models-database';
import { quoteIdent, type SqlDatabase, type SqlExecutor } from '../database/sql-database';
import type { CheckpointStore } from './checkpoint-store';
import { eventPages, matchesFilter } from './event-pages';
import { RETIRED_SUFFIX, liveTables, shadowTables } from './projection-tables';
import type { SqlProjection } from './subscriber';

export interface RebuildReport {
  /** The projections rebuilt together, comma-separated. */
  projection: string;
  phase: 'copying' | 'indexing' | 'swapping' | 'done';
  /** Store events read so far (each one is offered to every projection rebuilt). */
  eventsDone: number;
  /** Position reached in the store. */
  position: Position;
  /** The store's head when the rebuild started: position / head is the share done (events of any kind are spread evenly enough). */
  headPosition: Position;
}

export interface RebuildResult {
  projection: string;
  /** Events this projection applied (those its filter passes). */
  events: number;
  position: Position;
  durationMs: number;
}

export interface RebuilderDeps {
  db: SqlDatabase;
  store: EventStore;
  schemas: ReadModelSchemas;
  checkpoints: CheckpointStore;
  /** Events per store read. */
  batchSize: number;
  /** Events a projection applies per shadow transaction: an order's events then mostly meet in one, so its row is written once, not once per page. */
  chunkEvents: number;
}

interface ViewDefinition {
  name: string;
  definition: string;
}

interface Progress {
  eventsRead: number;
  position: Position;
  /** Events applied, by projection name. */
  applied: Map<string, number>;
}

/**
 * Rebuilds projections from position zero into shadow tables while the live tables keep serving
 * queries, then swaps them in one transaction:
 *   1. copy: `<table>__rebuild` created `LIKE` each live table, keeping only the unique indexes
 *      the upserts need; the store is read once, in pages, gathered into chunks, and every chunk
 *      goes to every projection being rebuilt, each in its own transaction (on PostgreSQL they run
 *      side by side on the pool's connections). These transactions commit without waiting for
 *      the WAL flush: nothing reads a shadow table before the swap, and the swap's own commit
 *      flushes the WAL up to it, so the rebuilt tables are exactly as durable once swapped. A
 *      crash before then leaves shadow tables the next rebuild drops;
 *   2. index: the other indexes are built on the filled tables, one sort each instead of an
 *      index update per row;
 *   3. swap: lock the live checkpoint rows (the live runners' next transactions wait), apply what
 *      arrived meanwhile, rename live -> retired and shadow -> live, re-point the analytics views
 *      (a view follows a renamed table, not its name), drop the retired tables, and set each
 *      checkpoint to where its shadow stands. A live runner elsewhere then finds its checkpoint
 *      moved and reloads it.
 */
export class ProjectionRebuilder {
  constructor(private readonly deps: RebuilderDeps) {}

  async rebuild(projections: readonly SqlProjection[], onProgress: (report: RebuildReport) => void = () => undefined): Promise<RebuildResult[]> {
    const started = performance.now();
    const names = projections.map((p) => p.name).join(', ');
    const headPosition = await this.deps.store.headPosition();
    const progress: Progress = { eventsRead: 0, position: 0n, applied: new Map(projections.map((p) => [p.name, 0])) };
    const report = (phase: RebuildReport['phase']) => onProgress({ projection: names, phase, eventsDone: progress.eventsRead, position: progress.position, headPosition });
    const positions = new Map<string, Position>();
    const deferredIndexes: string[] = [];
    try {
      for (const projection of projections) deferredIndexes.push(...(await this.createShadowTables(projection)));
      await this.copy(projections, (work) => this.deps.db.transaction(async (sql) => {
        await sql.query('SET LOCAL synchronous_commit = off');
        await work(sql);
      }), true, progress, () => report('copying'));
      report('indexing');
      for (const definition of deferredIndexes) await this.deps.db.query(definition);
      report('swapping');
      await this.deps.db.transaction(async (sql) => {
        // One order for the row locks, whoever else swaps.
        const byName = [...projections].sort((a, b) => a.name.localeCompare(b.name));
        const livePositions = new Map<string, Position>();
        for (const projection of byName) livePositions.set(projection.name, await this.deps.checkpoints.lockForSwap(sql, projection.name));
        await this.copy(projections, (work) => work(sql), false, progress, () => report('swapping'));
        for (const projection of byName) {
          await this.swapTables(sql, projection);
          // Nothing the projection reads lies between the shadow's position and the live one, so the larger is true of both.
          const live = livePositions.get(projection.name)!;
          const position = progress.position > live ? progress.position : live;
          await this.deps.checkpoints.resetAfterRebuild(sql, projection.name, position);
          positions.set(projection.name, position);
        }
      });
    } catch (error) {
      for (const projection of projections) await this.dropShadowTables(projection).catch(() => undefined);
      throw error;
    }
    report('done');
    const durationMs = performance.now() - started;
    return projections.map((p) => ({ projection: p.name, events: progress.applied.get(p.name)!, position: positions.get(p.name)!, durationMs }));
  }

  /** Reads pages after `progress.position` until the store has no more, and applies them, a chunk at a time, to every projection's shadow tables. */
  private async copy(
    projections: readonly SqlProjection[],
    inTransaction: (work: (sql: SqlExecutor) => Promise<void>) => Promise<void>,
    sideBySide: boolean,
    progress: Progress,
    onBatch: () => void,
  ): Promise<void> {
    const tables = new Map(projections.map((p) => [p.name, shadowTables(this.deps.schemas, p)]));
    const pages = eventPages(this.deps.store, { after: progress.position, pageSize: this.deps.batchSize });
    let chunk: RecordedEvent[] = [];
    let through = progress.position;
    const applyChunk = async () => {
      const work = projections.map((projection) => {
        const events = projection.filter ? chunk.filter((event) => matchesFilter(projection.filter, event)) : chunk;
        progress.applied.set(projection.name, progress.applied.get(projection.name)! + events.length);
        return events.length === 0 ? undefined : () => inTransaction((sql) => projection.apply({ sql, table: tables.get(projection.name)! }, events));
      });
      const pending = work.filter((w) => w !== undefined);
      if (sideBySide) await Promise.all(pending.map((w) => w()));
      else for (const w of pending) await w();
      progress.eventsRead += chunk.length;
      progress.position = through;
      chunk = [];
      onBatch();
    };
    for await (const page of pages) {
      chunk.push(...page.events);
      through = page.through;
      if (chunk.length >= this.deps.chunkEvents) await applyChunk();
    }
    if (chunk.length > 0) await applyChunk();
  }

  /** Creates the projection's shadow tables with their unique indexes; answers the statements that build the others. */
  private async createShadowTables(projection: SqlProjection): Promise<string[]> {
    const live = liveTables(this.deps.schemas, projection);
    const shadow = shadowTables(this.deps.schemas, projection);
    return this.deps.db.transaction(async (sql) => {
      const deferred: string[] = [];
      for (const name of projection.tables) {
        await sql.query(`DROP TABLE IF EXISTS ${shadow(name)}`);
        await sql.query(`CREATE TABLE ${shadow(name)} (LIKE ${live(name)} INCLUDING ALL)`);
        const { rows } = await sql.query<{ name: string; definition: string }>(
          `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, pg_get_indexdef(i.indexrelid) AS definition
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE i.indrelid = $1::regclass AND NOT i.indisunique`,
          [shadow(name)],
        );
        for (const index of rows) {
          await sql.query(`DROP INDEX ${index.name}`);
          deferred.push(index.definition);
        }
      }
      return deferred;
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

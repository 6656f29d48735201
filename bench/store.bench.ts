import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { ENGINE_UPCASTERS, engineSchemaVersion, handleCommand } from '@fulfil/commands';
import type { EventMetadata } from '@fulfil/domain';
import { SqlEventStore, VersionedEventStore, openPostgres, type EventStore, type JsonObject } from '@fulfil/event-store';
import type { BenchResult, BenchSection, Figure } from './bench-result';
import { percentile, perSecond, timed } from './stats';

/** Commands per stream in the command phase: an order's life (receive, invoice, ship, three reports). */
const COMMANDS_PER_STREAM = 6;

const metadata: EventMetadata = {
  actor: { type: 'seller', id: 'bench-seller' },
  channel: 'api',
  correlationId: randomUUID(),
  causationId: randomUUID(),
};
const payload = (i: number): JsonObject => ({ i, note: 'x'.repeat(200) });

interface PhaseFigures {
  rate: number;
  p50: number;
  p99: number;
}

/** Runs `operations` through `concurrency` workers, timing each; the rate counts the whole phase. */
async function phase(operations: number, concurrency: number, one: (i: number) => Promise<void>): Promise<PhaseFigures> {
  const latencies: number[] = [];
  let next = 0;
  const { ms } = await timed(() =>
    Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < operations; i = next++) latencies.push((await timed(() => one(i))).ms);
      }),
    ),
  );
  latencies.sort((a, b) => a - b);
  return { rate: perSecond(operations, ms), p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** A whole stream's life per operation, so the phase's operations are streams and its rate commands/s. */
async function commandPhase(streams: number, concurrency: number, command: (stream: string, step: number) => Promise<void>): Promise<PhaseFigures> {
  const latencies: number[] = [];
  let next = 0;
  const { ms } = await timed(() =>
    Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < streams) {
          const stream = `order-${randomUUID()}`;
          for (let step = 0; step < COMMANDS_PER_STREAM; step++) latencies.push((await timed(() => command(stream, step))).ms);
        }
      }),
    ),
  );
  latencies.sort((a, b) => a - b);
  return { rate: perSecond(streams * COMMANDS_PER_STREAM, ms), p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** The baseline: what hand-written SQL on the same database does with the same pool. */
function rawSide(pool: Pool) {
  const insert = 'INSERT INTO raw_events (stream, revision, type, data, metadata) VALUES ($1, $2, $3, $4, $5)';
  const meta = JSON.stringify(metadata);
  return {
    append: async (i: number) => {
      await pool.query({ name: 'raw_insert', text: insert, values: [`raw-${randomUUID()}`, 0, 'BenchEventAppended', JSON.stringify(payload(i)), meta] });
    },
    command: async (stream: string, step: number) => {
      const { rows } = await pool.query<{ revision: string; type: string; data: JsonObject }>({
        name: 'raw_read',
        text: 'SELECT revision, type, data FROM raw_events WHERE stream = $1 ORDER BY revision',
        values: [stream],
      });
      const revision = rows.length === 0 ? 0 : Number(rows[rows.length - 1]!.revision) + 1;
      await pool.query({ name: 'raw_insert', text: insert, values: [stream, revision, 'BenchStepTaken', JSON.stringify(payload(step)), meta] });
    },
  };
}

type Counted = { steps: number };
const countingDecider = { initialState: (): Counted => ({ steps: 0 }), evolve: (state: Counted) => ({ steps: state.steps + 1 }) };

/** `coldStore` gives a new handle on the same store per call: no command finds the stream in the process's decision cache. */
function storeSide(store: EventStore, coldStore: () => EventStore) {
  const command = (target: EventStore, stream: string, step: number) =>
    handleCommand(target, stream, countingDecider, (state) => [{ type: 'BenchStepTaken', data: { ...payload(step), after: state.steps } }], { metadata, retryOnConflict: false });
  return {
    append: async (i: number) => {
      await store.append(`order-${randomUUID()}`, [{ type: 'BenchEventAppended', data: payload(i), metadata: metadata as unknown as JsonObject }], { expectedRevision: 'no_stream' });
    },
    command: async (stream: string, step: number) => {
      await command(store, stream, step);
    },
    /** As when every command of an order reaches another instance: each one reads the stream. */
    coldCommand: async (stream: string, step: number) => {
      await command(coldStore(), stream, step);
    },
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const spread = (values: number[]): Figure => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });

/**
 * The event store against plain SQL on the same PostgreSQL: single-event appends to new streams,
 * and six-command stream lifecycles (read, fold, decide, append at the revision read). Same
 * process, same database and durability settings, a pool of `concurrency` on each side, rounds in
 * alternating order so neither side always runs on a warmer or a busier machine.
 */
export async function runStoreBench(opts: { databaseUrl: string; appends: number; streams: number; rounds: number; concurrency: number }): Promise<BenchSection> {
  const schema = `bench_store_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: opts.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`CREATE TABLE ${schema}.raw_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream text NOT NULL, revision bigint NOT NULL, type text NOT NULL,
    data jsonb NOT NULL, metadata jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(), UNIQUE (stream, revision))`);
  const pool = new Pool({ connectionString: opts.databaseUrl, options: `-c search_path=${schema}`, max: opts.concurrency });
  // As every engine process opens it: versions stamped on write, every read through the upcasting seam.
  const sql = await SqlEventStore.open(await openPostgres(opts.databaseUrl, schema, { poolSize: opts.concurrency }));
  const versioned = () => new VersionedEventStore(sql, engineSchemaVersion, ENGINE_UPCASTERS);
  const store = versioned();
  const raw = rawSide(pool);
  const ours = storeSide(store, versioned);
  const rounds: Array<{ rawAppend: PhaseFigures; storeAppend: PhaseFigures; rawCommand: PhaseFigures; storeCommand: PhaseFigures; coldCommand: PhaseFigures }> = [];
  try {
    // Warm both sides (connections, plans) before anything counts.
    await phase(200, opts.concurrency, raw.append);
    await phase(200, opts.concurrency, ours.append);
    for (let round = 0; round < opts.rounds; round++) {
      const rawFirst = round % 2 === 0;
      const appends = async (side: 'raw' | 'store') => phase(opts.appends, opts.concurrency, side === 'raw' ? raw.append : ours.append);
      const commands = async (side: 'raw' | 'store') => commandPhase(opts.streams, opts.concurrency, side === 'raw' ? raw.command : ours.command);
      const [firstAppend, secondAppend] = rawFirst ? [await appends('raw'), await appends('store')] : [await appends('store'), await appends('raw')];
      const [firstCommand, secondCommand] = rawFirst ? [await commands('raw'), await commands('store')] : [await commands('store'), await commands('raw')];
      const coldCommand = await commandPhase(opts.streams, opts.concurrency, ours.coldCommand);
      rounds.push(
        rawFirst
          ? { rawAppend: firstAppend, storeAppend: secondAppend, rawCommand: firstCommand, storeCommand: secondCommand, coldCommand }
          : { rawAppend: secondAppend, storeAppend: firstAppend, rawCommand: secondCommand, storeCommand: firstCommand, coldCommand },
      );
    }
  } finally {
    await sql.close();
    await pool.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
  const pick = (f: (r: (typeof rounds)[number]) => number) => spread(rounds.map(f));
  const figures: Record<string, Figure> = {
    'store.append_over_raw': pick((r) => r.storeAppend.rate / r.rawAppend.rate),
    'store.command_over_raw': pick((r) => r.storeCommand.rate / r.rawCommand.rate),
    'store.command_p99_over_raw_p99': pick((r) => r.storeCommand.p99 / r.rawCommand.p99),
    'store.cold_command_over_raw': pick((r) => r.coldCommand.rate / r.rawCommand.rate),
    'store.cold_command_p99_over_raw_p99': pick((r) => r.coldCommand.p99 / r.rawCommand.p99),
    'raw.append_per_s': pick((r) => r.rawAppend.rate),
    'store.append_per_s': pick((r) => r.storeAppend.rate),
    'raw.command_per_s': pick((r) => r.rawCommand.rate),
    'store.command_per_s': pick((r) => r.storeCommand.rate),
    'raw.append_p50_ms': pick((r) => r.rawAppend.p50),
    'raw.append_p99_ms': pick((r) => r.rawAppend.p99),
    'store.append_p50_ms': pick((r) => r.storeAppend.p50),
    'store.append_p99_ms': pick((r) => r.storeAppend.p99),
    'raw.command_p50_ms': pick((r) => r.rawCommand.p50),
    'raw.command_p99_ms': pick((r) => r.rawCommand.p99),
    'store.command_p50_ms': pick((r) => r.storeCommand.p50),
    'store.command_p99_ms': pick((r) => r.storeCommand.p99),
    'store.cold_command_per_s': pick((r) => r.coldCommand.rate),
    'store.cold_command_p50_ms': pick((r) => r.coldCommand.p50),
    'store.cold_command_p99_ms': pick((r) => r.coldCommand.p99),
  };
  const f = (key: string) => figures[key]!.median;
  const results: BenchResult[] = [
    {
      name: 'PostgreSQL store: single-event appends to new streams',
      unit: 'events/s',
      value: f('store.append_per_s'),
      baseline: { name: 'raw autocommit INSERT', value: f('raw.append_per_s') },
      notes: `median of ${opts.rounds} rounds, ${opts.concurrency} writers; p99 ${f('store.append_p99_ms').toFixed(1)} ms vs ${f('raw.append_p99_ms').toFixed(1)} ms`,
    },
    {
      name: 'PostgreSQL store: commands through handleCommand (6 per stream)',
      unit: 'commands/s',
      value: f('store.command_per_s'),
      baseline: { name: 'raw read + INSERT at next revision', value: f('raw.command_per_s') },
      notes: `median of ${opts.rounds} rounds, ${opts.concurrency} writers; p99 ${f('store.command_p99_ms').toFixed(1)} ms vs ${f('raw.command_p99_ms').toFixed(1)} ms`,
    },
    {
      name: 'PostgreSQL store: commands through handleCommand, every one reading its stream',
      unit: 'commands/s',
      value: f('store.cold_command_per_s'),
      baseline: { name: 'raw read + INSERT at next revision', value: f('raw.command_per_s') },
      notes: `no decision cache hits (each command as if on another instance); p99 ${f('store.cold_command_p99_ms').toFixed(1)} ms`,
    },
  ];
  return { results, figures };
}

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EventStoreDBClient, excludeSystemEvents, jsonEvent } from '@eventstore/db-client';
import { EsdbEventStore, type EsdbLogger } from '@fulfil/event-store';
import { startEsdbDouble } from '../test/esdb-double';
import type { BenchResult } from './bench-result';

/**
 * EventStoreDB adapter throughput measured AGAINST THE PROTOCOL DOUBLE over loopback gRPC: what it
 * shows is the cost of the adapter and the client, not EventStoreDB's (whose appends hit disk and
 * replicate). Each adapter figure is set against the same work done with the bare client in the
 * same process, so the ratio is the adapter's overhead.
 */
export async function runEsdbBench(opts: { events: number }): Promise<BenchResult[]> {
  const double = await startEsdbDouble();
  const client = EventStoreDBClient.connectionString(double.connectionString);
  const store = new EsdbEventStore(double.connectionString, { logger: silentLogger });
  const appendOne = {
    client: (stream: string) => client.appendToStream(stream, jsonEvent(benchEvent())),
    adapter: (stream: string) => store.append(stream, [benchEvent()], { expectedRevision: 'any' }),
  };
  const appendBatch = {
    client: (stream: string, count: number) => client.appendToStream(stream, Array.from({ length: count }, () => jsonEvent(benchEvent()))),
    adapter: (stream: string, count: number) => store.append(stream, Array.from({ length: count }, benchEvent), { expectedRevision: 'any' }),
  };
  try {
    await appendOneByOne(WARM_UP_EVENTS, appendOne.client);
    await appendOneByOne(WARM_UP_EVENTS, appendOne.adapter);
    const single = await bestOfAlternating({
      client: () => appendOneByOne(opts.events, appendOne.client),
      adapter: () => appendOneByOne(opts.events, appendOne.adapter),
    });
    const batch = await bestOfAlternating({
      client: () => appendInBatches(opts.events, appendBatch.client),
      adapter: () => appendInBatches(opts.events, appendBatch.adapter),
    });
    const inLog = 2 * WARM_UP_EVENTS + ROUNDS * 4 * opts.events;
    const catchUp = await bestOfAlternating({ client: () => catchUpWithClient(client, inLog), adapter: () => catchUpWithAdapter(store, inLog) });

    return [
      againstClient({ name: 'esdb.append.one-event', unit: 'appends/s', value: single.adapter }, single.client, 'sequential appends of one event'),
      againstClient({ name: `esdb.append.batch-${BATCH_SIZE}`, unit: 'events/s', value: batch.adapter }, batch.client, `sequential appends of ${BATCH_SIZE} events`),
      againstClient(
        { name: 'esdb.subscription.catch-up', unit: 'events/s', value: catchUp.adapter },
        catchUp.client,
        `catch-up over ${inLog} events from the start of $all, system events excluded on the server`,
      ),
    ];
  } finally {
    await store.close();
    await client.dispose();
    await double.stop();
  }
}

const WARM_UP_EVENTS = 500;
/** Client and adapter take turns, and each keeps its best round, so JIT warm-up and log growth favour neither. */
const ROUNDS = 3;
const BATCH_SIZE = 100;
const EVENTS_PER_STREAM = 10;
const silentLogger: EsdbLogger = { warn: () => undefined, log: () => undefined };

function benchEvent(): { type: string; data: { orderId: string; amountPaise: number } } {
  return { type: 'BenchOrderNoted', data: { orderId: randomUUID(), amountPaise: 1_234_50 } };
}

function againstClient(result: Omit<BenchResult, 'baseline' | 'notes'>, clientValue: number, what: string): BenchResult {
  return {
    ...result,
    baseline: { name: `${result.name}.bare-client`, value: clientValue },
    notes: `${what}; against the protocol double (adapter overhead, not EventStoreDB); ${(result.value / clientValue).toFixed(3)} x bare client`,
  };
}

async function bestOfAlternating(measure: { client: () => Promise<number>; adapter: () => Promise<number> }): Promise<{ client: number; adapter: number }> {
  const best = { client: 0, adapter: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    best.client = Math.max(best.client, await measure.client());
    best.adapter = Math.max(best.adapter, await measure.adapter());
  }
  return best;
}

/** Appends per second, one event per append, a new stream every few events. */
async function appendOneByOne(events: number, append: (stream: string) => Promise<unknown>): Promise<number> {
  let stream = '';
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    if (i % EVENTS_PER_STREAM === 0) stream = `bench-${randomUUID()}`;
    await append(stream);
  }
  return events / ((performance.now() - started) / 1000);
}

/** Events per second, appended `BATCH_SIZE` at a time. */
async function appendInBatches(events: number, append: (stream: string, count: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let written = 0; written < events; written += BATCH_SIZE) {
    await append(`bench-${randomUUID()}`, Math.min(BATCH_SIZE, events - written));
  }
  return events / ((performance.now() - started) / 1000);
}

/** Events per second; the bare client signals `caughtUp` before emitting the events buffered ahead of it, so it counts to the known total. */
async function catchUpWithClient(client: EventStoreDBClient, events: number): Promise<number> {
  const started = performance.now();
  const subscription = client.subscribeToAll({ filter: excludeSystemEvents() });
  let seen = 0;
  await new Promise<void>((resolve) =>
    subscription.on('data', () => {
      seen += 1;
      if (seen === events) resolve();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await subscription.unsubscribe();
  return events / seconds;
}

async function catchUpWithAdapter(store: EsdbEventStore, events: number): Promise<number> {
  const started = performance.now();
  let seen = 0;
  const subscription = store.subscribe({
    onEvent: async () => {
      seen += 1;
    },
  });
  await subscription.caughtUp;
  const seconds = (performance.now() - started) / 1000;
  await subscription.stop();
  if (seen !== events) throw new Error(`Catch-up delivered ${seen} events, expected ${events}`);
  return events / seconds;
}

if (require.main === module) {
  const eventsArgument = process.argv.indexOf('--events');
  const events = eventsArgument > 0 ? Number(process.argv[eventsArgument + 1]) : 2_000;
  runEsdbBench({ events })
    .then((results) => {
      console.table(
        results.map(({ name, unit, value, baseline, notes }) => ({
          name,
          unit,
          value: Number(value.toFixed(1)),
          'bare client': baseline === undefined ? '' : Number(baseline.value.toFixed(1)),
          notes,
        })),
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}

/**
 * A reaction that handles events of several streams at once (`concurrency`): each stream's events
 * in order, the checkpoint never past an event that is not done (so a killed instance's successor
 * redoes it), and a poison event stopping the reaction with the progress made before it.
 */
import type { Position, RecordedEvent } from '@fulfil/event-store';
import { CheckpointStore, ReadModels, SubscriptionRunner, type Reaction, type RunnerLogger, type RunnerTuning } from '@fulfil/read-models';
import { until } from '../support/until';
import { environments, runnerReaches, type ReadModelEnvironment } from './support/read-model-environments';

const quiet: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
const NAME = 'concurrent-reaction';

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe.each(environments())('a concurrent reaction on %s', (_name, openEnvironment) => {
  let env: ReadModelEnvironment;
  let readModels: ReadModels;
  let checkpoints: CheckpointStore;

  beforeEach(async () => {
    env = await openEnvironment();
    readModels = await ReadModels.open({ database: env.database, store: env.store, subscribers: [], logger: quiet });
    checkpoints = new CheckpointStore(readModels.schemas);
    // Two PGlite databases and their migrations: beyond Jest's minute on a shared CI machine.
  }, 120_000);

  afterEach(async () => {
    await readModels.close();
    await env.dispose();
  });

  function runnerOf(reaction: Reaction, tuning: Partial<RunnerTuning> = {}): SubscriptionRunner {
    return new SubscriptionRunner(reaction, {
      store: env.store,
      db: readModels.db,
      schemas: readModels.schemas,
      checkpoints,
      tuning: { batchSize: 500, attemptsPerEvent: 3, retryDelayMs: 5, maxRetryDelayMs: 20, rebuildChunkEvents: 10_000, ...tuning },
      logger: quiet,
    });
  }

  /** Appends `rounds` events to each stream, round by round, so the streams' events interleave in position order. */
  async function interleaved(streams: string[], rounds: number): Promise<RecordedEvent[]> {
    for (let round = 0; round < rounds; round++) {
      for (const stream of streams) await env.store.append(stream, [{ type: 'Thing', data: { round } }], { expectedRevision: 'any' });
    }
    // On PostgreSQL a read stops below any transaction still open in the database (another suite's), so wait until all are readable.
    let events: RecordedEvent[] = [];
    await until('every event to be readable', async () => (events = await env.store.readAll({ maxCount: 10_000, filter: { kind: 'streamName', prefixes: ['lane-'] } })).length === streams.length * rounds, 30_000, 10);
    return events;
  }

  const stored = async (): Promise<Position> => (await checkpoints.peek(readModels.db, NAME))?.position ?? 0n;

  it('handles events of different streams side by side, at most `concurrency` at once, and each stream in order', async () => {
    const events = await interleaved(['lane-a', 'lane-b', 'lane-c', 'lane-d', 'lane-e'], 3);
    const gates = new Map<string, Deferred>();
    const started: RecordedEvent[] = [];
    const reaction: Reaction = {
      kind: 'reaction',
      name: NAME,
      filter: { kind: 'streamName', prefixes: ['lane-'] },
      concurrency: 3,
      handle: async (event) => {
        started.push(event);
        const gate = deferred();
        gates.set(event.id, gate);
        await gate.promise;
        gates.delete(event.id);
      },
    };
    const runner = runnerOf(reaction);
    runner.start();
    let released = 0;
    let mostAtOnce = 0;
    while (released < events.length) {
      // As many in flight as the limit allows while enough streams have work left.
      const finished = (e: RecordedEvent) => started.some((s) => s.id === e.id) && !gates.has(e.id);
      const lanesLeft = new Set(events.filter((e) => !finished(e)).map((e) => e.stream)).size;
      await until('the next events to be in flight', () => gates.size === Math.min(3, lanesLeft), 10_000, 5);
      const inFlight = started.filter((e) => gates.has(e.id));
      mostAtOnce = Math.max(mostAtOnce, inFlight.length);
      expect(new Set(inFlight.map((e) => e.stream)).size).toBe(inFlight.length);
      // The newest first: finishing out of position order must not move the checkpoint past an unfinished event.
      const newest = inFlight.reduce((a, b) => (a.position > b.position ? a : b));
      gates.get(newest.id)!.resolve();
      released++;
      await until('the released event to finish', () => !gates.has(newest.id), 10_000, 5);
      const unfinished = events.filter((e) => !finished(e));
      if (unfinished.length > 0) expect(await stored()).toBeLessThan(unfinished[0]!.position);
    }
    await runnerReaches(runner, (r) => r.position === events.at(-1)!.position);
    await runner.stop();

    expect(mostAtOnce).toBe(3);
    expect(started).toHaveLength(events.length);
    for (const stream of new Set(events.map((e) => e.stream))) {
      expect(started.filter((e) => e.stream === stream).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
    }
    expect(await stored()).toBe(events.at(-1)!.position);
  });

  it('never stores a checkpoint past an event still in hand, so the instance that takes over after a kill handles it', async () => {
    // Pages of three: the first page is done whole; in the second, lane-a's event never finishes (its process is killed).
    const events = await interleaved(['lane-a', 'lane-b', 'lane-c'], 2);
    const [, , firstPageEnd, stuck] = events;
    const hang = deferred();
    const handledFirst: RecordedEvent[] = [];
    const first = runnerOf(
      {
        kind: 'reaction',
        name: NAME,
        filter: { kind: 'streamName', prefixes: ['lane-'] },
        concurrency: 3,
        handle: async (event) => {
          if (event.id === stuck!.id) await hang.promise;
          handledFirst.push(event);
        },
      },
      { batchSize: 3 },
    );
    first.start();
    await until('the rest of the second page to be handled', () => handledFirst.length === events.length - 1, 10_000, 5);
    expect(await stored()).toBe(firstPageEnd!.position);

    // A new instance over the same store and database, as after a kill: it starts from the stored checkpoint.
    const handledSecond: RecordedEvent[] = [];
    const second = runnerOf(
      {
        kind: 'reaction',
        name: NAME,
        filter: { kind: 'streamName', prefixes: ['lane-'] },
        concurrency: 3,
        handle: async (event) => {
          handledSecond.push(event);
        },
      },
      { batchSize: 3 },
    );
    second.start();
    await runnerReaches(second, (r) => r.position === events.at(-1)!.position);
    expect(handledSecond.map((e) => e.position).sort()).toEqual(events.slice(3).map((e) => e.position).sort());
    await second.stop();
    expect(await stored()).toBe(events.at(-1)!.position);

    // The stale instance cannot move the checkpoint back when its event finally ends.
    const stopped = first.stop();
    hang.resolve();
    await stopped;
    expect(await stored()).toBe(events.at(-1)!.position);
  });

  it('stops at a poison event with the progress made before it, handles nothing more of its stream, and retries it on restart', async () => {
    const events = await interleaved(['lane-a', 'lane-b'], 3);
    // a0 b0 a1 b1 a2 b2: a1 keeps failing.
    const poison = events[2]!;
    let fixed = false;
    const handled: RecordedEvent[] = [];
    const reaction: Reaction = {
      kind: 'reaction',
      name: NAME,
      filter: { kind: 'streamName', prefixes: ['lane-'] },
      concurrency: 2,
      handle: async (event) => {
        if (event.id === poison.id && !fixed) throw new Error('cannot handle this one');
        handled.push(event);
      },
    };
    const runner = runnerOf(reaction, { attemptsPerEvent: 2 });
    runner.start();
    await runnerReaches(runner, (r) => r.state === 'failed');
    await runner.stop();

    const checkpoint = await checkpoints.peek(readModels.db, NAME);
    expect(checkpoint?.failure).toMatchObject({ stream: poison.stream, position: poison.position, eventType: 'Thing' });
    expect(checkpoint?.failure?.error).toContain('cannot handle this one');
    // Everything before the poison event was done; lane-a's later event was never started.
    expect(checkpoint?.position).toBe(events[1]!.position);
    expect(handled.map((e) => e.position)).not.toContain(events[4]!.position);
    expect(runner.failure?.position).toBe(poison.position);

    fixed = true;
    handled.length = 0;
    runner.start();
    await runnerReaches(runner, (r) => r.position === events.at(-1)!.position);
    await runner.stop();
    expect(handled.filter((e) => e.stream === 'lane-a').map((e) => e.revision)).toEqual([1n, 2n]);
    expect((await checkpoints.peek(readModels.db, NAME))?.failure).toBeUndefined();
  });
});

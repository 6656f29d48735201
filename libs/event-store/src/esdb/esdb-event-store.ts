/**
 * The event store port on EventStoreDB / KurrentDB through `@eventstore/db-client` (gRPC).
 * Positions are EventStoreDB `$all` positions packed into one bigint (see `esdb-position.ts`);
 * events are JSON; system events (`$`-prefixed type or stream) are invisible through the port.
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  EventStoreDBClient,
  StreamNotFoundError,
  type AllStreamResolvedEvent,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamName,
  StreamRename,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import { toPortError } from './esdb-errors';
import { effectiveFilter, isSystemEvent, matchesFilter, toEventData, toRecordedEvent } from './esdb-events';
import { stderrLogger, type EsdbLogger } from './esdb-logger';
import { esdbStartAfter, lastAppendedPosition, toPortPosition } from './esdb-position';
import { EsdbSubscription, type ResubscribePolicy, type ServerCheckpointSettings } from './esdb-subscription';

export interface EsdbEventStoreOptions {
  /** Where subscription drops and resumptions are reported; defaults to stderr. */
  logger?: EsdbLogger;
  resubscribe?: Partial<ResubscribePolicy>;
  /** Server checkpoint frequency for subscriptions; EventStoreDB's default is every 1 x 32 events examined. */
  checkpoints?: Partial<ServerCheckpointSettings>;
}

const DEFAULT_RESUBSCRIBE: ResubscribePolicy = { initialDelayMs: 100, maxDelayMs: 10_000 };
/** `readAll` filters on the client (client 6.x cannot send a filter with a read), so filtered reads fetch wider pages. */
const FILTERED_READ_PAGE = 512;
/** System events can sit at the head of `$all`; `headPosition` reads backwards in pages of this size past them. */
const HEAD_SEARCH_PAGE = 32;

export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly ownsClient: boolean;
  private readonly subscriptions = new Set<EsdbSubscription>();
  private readonly logger: EsdbLogger;
  private readonly resubscribe: ResubscribePolicy;
  private readonly checkpoints: ServerCheckpointSettings;

  /** From a connection string (the store owns and disposes that client) or from a client the caller owns. */
  constructor(connection: string | EventStoreDBClient, options: EsdbEventStoreOptions = {}) {
    this.ownsClient = typeof connection === 'string';
    this.client = typeof connection === 'string' ? EventStoreDBClient.connectionString(connection) : connection;
    this.logger = options.logger ?? stderrLogger;
    this.resubscribe = { ...DEFAULT_RESUBSCRIBE, ...options.resubscribe };
    this.checkpoints = { checkpointInterval: 1, ...options.checkpoints };
  }

  async append(stream: StreamName, events: NewEvent[], { expectedRevision }: AppendOptions): Promise<AppendResult> {
    // EventStoreDB accepts an empty append but reports no position for it; the port has no answer for that either.
    if (events.length === 0) throw new Error('append needs at least one event');
    try {
      const result = await this.client.appendToStream(stream, events.map(toEventData), { expectedRevision });
      if (result.position === undefined) throw new Error(`EventStoreDB reported no position for the append to ${stream}`);
      return { nextExpectedRevision: result.nextExpectedRevision, position: lastAppendedPosition(result.position) };
    } catch (error) {
      throw toPortError(error, { stream, expectedRevision });
    }
  }

  async readStream(stream: StreamName, { fromRevision, maxCount, direction }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = direction === 'backwards';
    try {
      const events = await collect(
        this.client.readStream(stream, { direction: backwards ? BACKWARDS : FORWARDS, fromRevision: fromRevision ?? (backwards ? END : START), ...(maxCount === undefined ? {} : { maxCount }) }),
      );
      return events.flatMap(({ event }) => (event === undefined ? [] : [toRecordedEvent(event)]));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toPortError(error);
    }
  }

  async renameStreams(renames: readonly StreamRename[]): Promise<void> {
    for (const { from, to } of renames) {
      const source = await this.readStream(from);
      const copied = await this.readStream(to);
      const missing = source.slice(copied.length);
      if (missing.length === 0) continue;
      await this.append(
        to,
        missing.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
        { expectedRevision: copied.length === 0 ? 'no_stream' : BigInt(copied.length - 1) },
      );
    }
  }

  /** Reads `$all` forwards in pages, dropping system events and events the filter rejects, until `maxCount` are found. */
  async readAll({ after, maxCount, filter: requested }: ReadAllOptions): Promise<RecordedEvent[]> {
    const filter = effectiveFilter(requested);
    const pageSize = filter === undefined ? maxCount + 1 : Math.max(maxCount + 1, FILTERED_READ_PAGE);
    const found: RecordedEvent[] = [];
    let cursor = after;
    while (found.length < maxCount) {
      const page = await this.readAllPage(esdbStartAfter(cursor), pageSize);
      for (const event of page) {
        const position = toPortPosition(event.position);
        // A forward read includes the event at its start position; the port's `after` excludes it.
        if (cursor !== undefined && position <= cursor) continue;
        cursor = position;
        if (isSystemEvent(event) || !matchesFilter(filter, event)) continue;
        found.push(toRecordedEvent(event));
        if (found.length === maxCount) break;
      }
      if (page.length < pageSize) break;
    }
    return found;
  }

  /** EventStoreDB has no count of `$all`: the events are read (the client filters them anyway). */
  async countAll(options: ReadAllOptions): Promise<number> {
    return (await this.readAll(options)).length;
  }

  subscribe(options: SubscribeOptions): Subscription {
    const subscription = new EsdbSubscription(this.client, { ...options, filter: effectiveFilter(options.filter) }, {
      logger: this.logger,
      resubscribe: this.resubscribe,
      checkpoints: this.checkpoints,
    });
    this.subscriptions.add(subscription);
    return {
      caughtUp: subscription.caughtUp,
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async headPosition(): Promise<Position> {
    let from: ReadPosition = END;
    for (;;) {
      const page = await this.readAllPage(from, HEAD_SEARCH_PAGE, BACKWARDS);
      const newest = page.find((event) => !isSystemEvent(event));
      if (newest !== undefined) return toPortPosition(newest.position);
      const oldest = page.at(-1);
      if (oldest === undefined || page.length < HEAD_SEARCH_PAGE) return 0n;
      from = oldest.position;
    }
  }

  async ping(): Promise<void> {
    await this.readAllPage(END, 1, BACKWARDS);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
    if (this.ownsClient) await this.client.dispose();
  }

  private async readAllPage(fromPosition: ReadPosition, maxCount: number, direction?: typeof BACKWARDS) {
    try {
      const resolved = await collect(this.client.readAll({ fromPosition, maxCount, direction }));
      return resolved.flatMap(({ event }) => (event === undefined ? [] : [event]));
    } catch (error) {
      throw toPortError(error);
    }
  }
}

async function collect<E extends ResolvedEvent | AllStreamResolvedEvent>(read: AsyncIterable<E>): Promise<E[]> {
  const events: E[] = [];
  for await (const event of read) events.push(event);
  return events;
}

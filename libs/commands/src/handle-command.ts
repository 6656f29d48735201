import type { EventMetadata } from '@fulfil/domain';
import { decisionCacheOf } from './decision-cache';
import {
  EventStore,
  JsonObject,
  newEventId,
  Position,
  RecordedEvent,
  StreamRevision,
  StreamRevisionConflictError,
} from '@fulfil/event-store';

export interface DomainEventShape {
  type: string;
  data: object;
}

export interface Decider<S, E extends DomainEventShape> {
  initialState: () => S;
  evolve: (state: S, event: E) => S;
  /**
   * The state depends on nothing but the stream's latest this-many events, so only those are
   * read: a stream that grows without bound (a number series) stays cheap to load.
   */
  latestEvents?: number;
}

export interface HandleOptions<S = unknown, E = unknown> {
  metadata: EventMetadata;
  /** Re-read and decide again when another writer got in first; only for commands whose decision depends on nothing but fresh state. */
  retryOnConflict: boolean;
  maxAttempts?: number;
  /** Completes decided events with facts computed outside the decision (a rendered document's hash). */
  enrich?: (stateBefore: S, events: E[]) => Promise<E[]>;
  /**
   * The command starts a stream under a fresh id (a new order): decide on no events without reading
   * the stream, as on cached events. The store refuses the append if the stream exists after all,
   * and the command then reads it and decides again (a repeat replays, a duplicate is refused).
   */
  assumeNewStream?: boolean;
}

export interface HandleResult<S, E> {
  /** Events this command appended, or for a replay the events the first attempt appended (empty when it changed nothing). */
  events: E[];
  state: S;
  /** Stream revision after the command. */
  revision: StreamRevision | undefined;
  /** Store position of the last event this command wrote (or found, for a replay): what read-your-writes waits for. */
  position: Position | undefined;
  /** True when an earlier command with the same idempotency key had already written its events. */
  replayed: boolean;
}

export interface LoadedStream<S, E> {
  state: S;
  revision: StreamRevision | undefined;
  events: readonly RecordedEvent[];
  decoded: E[];
}

/** Folds a stream into its state; the stream's events are trusted to be of the decider's types. */
export async function loadStream<S, E extends DomainEventShape>(store: EventStore, stream: string, decider: Decider<S, E>): Promise<LoadedStream<S, E>> {
  const events =
    decider.latestEvents === undefined
      ? await store.readStream(stream)
      : (await store.readStream(stream, { direction: 'backwards', maxCount: decider.latestEvents })).reverse();
  return foldStream(events, decider);
}

function foldStream<S, E extends DomainEventShape>(events: readonly RecordedEvent[], decider: Decider<S, E>): LoadedStream<S, E> {
  const decoded = events.map((e) => ({ type: e.type, data: e.data }) as unknown as E);
  const state = decoded.reduce(decider.evolve, decider.initialState());
  const last = events[events.length - 1];
  return { state, revision: last?.revision, events, decoded };
}

const toNewEvent = (event: DomainEventShape, metadata: EventMetadata) => ({
  id: newEventId(),
  type: event.type,
  data: event.data as JsonObject,
  metadata: metadata as unknown as JsonObject,
});

/**
 * The one way a command changes the world: read the stream, fold it, decide, append expecting the
 * revision that was read. A repeat of an idempotency key already in the stream returns the earlier
 * outcome without deciding again.
 *
 * A stream this process appended to last is folded from the events the append returned instead
 * of being read again (`DecisionCache`, ADR 0021). Only an append proves such a decision current:
 * when it is refused because another writer moved the stream on, or when the decision on cached
 * events is a refusal or changes nothing, the command reads the stream and decides again.
 */
export async function handleCommand<S, E extends DomainEventShape>(
  store: EventStore,
  stream: string,
  decider: Decider<S, E>,
  decide: (state: S) => E[],
  options: HandleOptions<S, E>,
): Promise<HandleResult<S, E>> {
  const maxAttempts = options.retryOnConflict ? (options.maxAttempts ?? 5) : 1;
  const cache = decisionCacheOf(store);
  let assumeNew = options.assumeNewStream === true;
  for (let attempt = 1; ; ) {
    const cached = cache.get(stream) ?? (assumeNew ? [] : undefined);
    assumeNew = false;
    const loaded = cached ? foldStream(cached, decider) : await loadStream(store, stream, decider);
    // Events in the store never change, so an earlier outcome found among cached events stands.
    const replay = replayOf(loaded, options.metadata);
    if (replay) return replay;
    const decided = cached ? decideOnCached(() => decide(loaded.state)) : decide(loaded.state);
    if (decided === undefined) {
      cache.forget(stream);
      continue;
    }
    const events = options.enrich && decided.length > 0 ? await options.enrich(loaded.state, decided) : decided;
    if (events.length === 0) {
      return { events, state: loaded.state, revision: loaded.revision, position: undefined, replayed: false };
    }
    try {
      const result = await store.append(
        stream,
        events.map((e) => toNewEvent(e, options.metadata)),
        { expectedRevision: loaded.revision ?? 'no_stream', returnEvents: true },
      );
      if (result.events?.length === events.length) {
        const now = [...loaded.events, ...result.events];
        cache.set(stream, decider.latestEvents === undefined ? now : now.slice(-decider.latestEvents));
      } else cache.forget(stream);
      const state = events.reduce(decider.evolve, loaded.state);
      return { events, state, revision: result.nextExpectedRevision, position: result.position, replayed: false };
    } catch (error) {
      cache.forget(stream);
      if (!(error instanceof StreamRevisionConflictError)) throw error;
      // A decision on cached events that another writer has passed is no attempt: decide on what the store holds.
      if (cached) continue;
      if (attempt >= maxAttempts) throw error;
      attempt++;
    }
  }
}

/** A decision on cached events that appends, or `undefined` for a refusal or a no-op, which only a fresh read may give. */
function decideOnCached<E>(decide: () => E[]): E[] | undefined {
  try {
    const events = decide();
    return events.length > 0 ? events : undefined;
  } catch {
    return undefined;
  }
}

/** Who sent a command and under which key: what makes a later command a repeat of it. */
export type RepeatIdentity = Pick<EventMetadata, 'actor' | 'idempotencyKey'>;

/**
 * An event written under this key by this same actor. Keys are the caller's own: another seller
 * sending the same key on this stream is not repeating anything, and must meet the ownership
 * check like any other command rather than be shown the first answer.
 */
function writtenBy(event: RecordedEvent, identity: RepeatIdentity): boolean {
  if (identity.idempotencyKey === undefined || event.metadata['idempotencyKey'] !== identity.idempotencyKey) return false;
  const actor = event.metadata['actor'] as { type?: unknown; id?: unknown } | undefined;
  return actor?.type === identity.actor.type && actor?.id === identity.actor.id;
}

/** True when the stream already holds the events of a command this actor sent with this idempotency key: a repeat to replay, not to refuse. */
export function isRepeatOf(loaded: Pick<LoadedStream<unknown, unknown>, 'events'>, identity: RepeatIdentity): boolean {
  return loaded.events.some((e) => writtenBy(e, identity));
}

function replayOf<S, E extends DomainEventShape>(loaded: LoadedStream<S, E>, identity: RepeatIdentity): HandleResult<S, E> | undefined {
  if (!identity.idempotencyKey) return undefined;
  const earlier = loaded.events.flatMap((e, i) => (writtenBy(e, identity) ? [{ recorded: e, decoded: loaded.decoded[i]! }] : []));
  const last = earlier[earlier.length - 1];
  if (!last) return undefined;
  return { events: earlier.map((e) => e.decoded), state: loaded.state, revision: loaded.revision, position: last.recorded.position, replayed: true };
}

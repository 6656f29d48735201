import type { EventStore, RecordedEvent } from '@fulfil/event-store';
import { ConversationEvent, conversationStream , ConversationState, StoredConversationEvent, emptyConversation, foldConversationInto } from '@fulfil/ondc';

/** A conversation as read: its state and the revision decisions must expect. */
export interface LoadedConversation {
  state: ConversationState;
  revision: bigint | 'no_stream';
  events: readonly RecordedEvent[];
}

const stored = (e: RecordedEvent): StoredConversationEvent => ({ id: e.id, event: { type: e.type, data: e.data } as unknown as ConversationEvent });

/** Reads a whole conversation from its stream (tools and tests; the adapter reads through ConversationCache). */
export async function loadConversation(store: EventStore, shipmentId: string): Promise<LoadedConversation> {
  const events = await store.readStream(conversationStream(shipmentId));
  const last = events[events.length - 1];
  return { state: foldConversationInto(emptyConversation(), events.map(stored)), revision: last ? last.revision : 'no_stream', events };
}

interface Entry {
  state: ConversationState;
  events: RecordedEvent[];
  revision: bigint | 'no_stream';
}

/** Conversations kept folded; beyond this many the least recently read are dropped (and read whole again if needed). */
const MAX_CACHED = 5_000;

/**
 * Folded conversations kept in memory, brought up to date by reading only the events after the
 * revision already folded: a callback costs a read of what is new, not of the whole stream with
 * every message body in it. Reads of one shipment are serialised so no event is folded twice. The
 * stream stays the truth: other instances' writes are read like our own.
 */
export class ConversationCache {
  private readonly entries = new Map<string, Entry>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** A read queued behind the one in flight and not started yet: later callers share it, as it starts after they asked. */
  private readonly waiting = new Map<string, Promise<LoadedConversation>>();

  constructor(private readonly store: EventStore) {}

  /**
   * The conversation with everything the store held when the call was made. Under a burst of
   * callbacks for one shipment at most two reads are queued (the one in flight and the next),
   * instead of one per caller.
   */
  load(shipmentId: string): Promise<LoadedConversation> {
    const queued = this.waiting.get(shipmentId);
    if (queued) return queued;
    const previous = this.queues.get(shipmentId) ?? Promise.resolve();
    const next: Promise<LoadedConversation> = previous.then(() => {
      if (this.waiting.get(shipmentId) === next) this.waiting.delete(shipmentId);
      return this.catchUp(shipmentId);
    });
    this.waiting.set(shipmentId, next);
    const settled = next.catch(() => undefined).finally(() => {
      if (this.queues.get(shipmentId) === settled) this.queues.delete(shipmentId);
    });
    this.queues.set(shipmentId, settled);
    return next;
  }

  /**
   * The conversation folded at least up to `revision`, without a read when it already is: for the
   * driver, which appends every decision expecting the revision it planned on (a stale plan fails
   * its append and is made again from a read), and is woken again by whatever others record.
   */
  loadAtLeast(shipmentId: string, revision: bigint): Promise<LoadedConversation> {
    const entry = this.entries.get(shipmentId);
    if (entry && entry.revision !== 'no_stream' && entry.revision >= revision) return Promise.resolve({ state: entry.state, revision: entry.revision, events: entry.events });
    return this.load(shipmentId);
  }

  /**
   * Events this process has just appended, as the store returned them: folded when they follow the
   * revision already folded (nothing else came in between), so the next load need not read them.
   */
  appended(shipmentId: string, events: readonly RecordedEvent[] | undefined): void {
    const entry = this.entries.get(shipmentId);
    const first = events?.[0];
    if (!entry || !first || entry.revision === 'no_stream' || first.revision !== entry.revision + 1n) return;
    this.fold(entry, events);
  }

  /** What is folded already, without reading: for facts a conversation never changes (its seller and order). */
  known(shipmentId: string): ConversationState | undefined {
    return this.entries.get(shipmentId)?.state;
  }

  /** Folds what follows the entry's revision; events it holds already (folded by `appended` while a read was out) are passed over. */
  private fold(entry: Entry, events: readonly RecordedEvent[]): void {
    const folded = entry.revision;
    const fresh = folded === 'no_stream' ? events : events.filter((e) => e.revision > folded);
    if (fresh.length === 0) return;
    foldConversationInto(entry.state, fresh.map(stored));
    entry.events.push(...fresh);
    entry.revision = fresh[fresh.length - 1]!.revision;
  }

  private async catchUp(shipmentId: string): Promise<LoadedConversation> {
    const entry = this.entries.get(shipmentId) ?? { state: emptyConversation(), events: [], revision: 'no_stream' as const };
    const fromRevision = entry.revision === 'no_stream' ? 0n : entry.revision + 1n;
    this.fold(entry, await this.store.readStream(conversationStream(shipmentId), { fromRevision }));
    // Re-inserted so the map's order is least recently read first.
    this.entries.delete(shipmentId);
    if (entry.revision !== 'no_stream') this.entries.set(shipmentId, entry);
    if (this.entries.size > MAX_CACHED) this.entries.delete(this.entries.keys().next().value as string);
    return { state: entry.state, revision: entry.revision, events: entry.events };
  }
}

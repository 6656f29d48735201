import { randomUUID } from 'node:crypto';
import { orderStream } from '@fulfil/domain';
import type { EventStore, Position, RecordedEvent, StreamRename } from '@fulfil/event-store';

/** Where the engine records the upgrades it has applied to a store, so each runs once. */
export const UPGRADES_STREAM = 'engine-upgrades';
export const STREAMS_SCOPED_TO_SELLERS = 'StreamsScopedToSellers';

const LEGACY_ORDER = 'order-';
const LEGACY_CONVERSATION = 'whatsapp-conversation-';
/** The name `conversationStream` in @fulfil/whatsapp gives; a test holds the two together. */
export const scopedConversationStream = (sellerId: string, orderId: string): string => `whatsapp-conversation:${sellerId}:${orderId}`;

const PAGE = 1000;
const RENAMES_PER_CALL = 500;
const HELD_BACK_RECHECK_MS = 50;

export class StreamUpgradeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamUpgradeError';
  }
}

/**
 * The new name of a stream written before ids were scoped to sellers, from its first event: an
 * order stream `order-{id}` starts with `OrderReceived`, which names the seller; a WhatsApp
 * conversation `whatsapp-conversation-{seller}-{order}` (ambiguous when a seller id holds a `-`)
 * is resolved by its first event's actor, the seller.
 */
export function scopedNameOf(first: RecordedEvent): string | undefined {
  if (first.stream.startsWith(LEGACY_ORDER)) {
    const sellerId = first.data['sellerId'];
    if (first.type !== 'OrderReceived' || typeof sellerId !== 'string') throw new StreamUpgradeError(`${first.stream} does not start with OrderReceived naming its seller`);
    return orderStream(sellerId, first.stream.slice(LEGACY_ORDER.length));
  }
  if (first.stream.startsWith(LEGACY_CONVERSATION)) {
    const actor = first.metadata['actor'];
    const sellerId = actor !== null && typeof actor === 'object' && !Array.isArray(actor) ? actor['id'] : undefined;
    const rest = first.stream.slice(LEGACY_CONVERSATION.length);
    if (typeof sellerId !== 'string' || !rest.startsWith(`${sellerId}-`)) throw new StreamUpgradeError(`${first.stream} does not name the seller its first event was written by`);
    return scopedConversationStream(sellerId, rest.slice(sellerId.length + 1));
  }
  return undefined;
}

export interface StreamUpgradeReport {
  renamed: number;
}

/**
 * Renames every stream of the previous naming (`order-{id}`, `whatsapp-conversation-{seller}-{order}`)
 * to its seller-scoped name, then records that it did, so later starts skip the scan. Run before
 * anything else uses the store; writers of the previous version must be stopped (ADR 0015).
 * Repeatable after a crash: a renamed stream no longer matches, and renaming is idempotent.
 * Undefined when the store had been upgraded already.
 */
export async function scopeStreamsToSellers(
  store: EventStore,
  now: () => Date = () => new Date(),
  options: { heldBackLimitMs: number } = { heldBackLimitMs: 60_000 },
): Promise<StreamUpgradeReport | undefined> {
  const applied = await store.readStream(UPGRADES_STREAM);
  if (applied.some((e) => e.type === STREAMS_SCOPED_TO_SELLERS)) return undefined;
  const renames = new Map<string, string>();
  // A PostgreSQL store hides events behind any transaction still open on the server (they may yet
  // be joined by lower positions), so a short page alone does not prove the scan complete: it is
  // complete once it has read up to the head, read before it started. The pages are unfiltered
  // because only the store's own order of every event can show that the head has been passed.
  const head = await store.headPosition();
  const deadline = Date.now() + options.heldBackLimitMs;
  let after: Position = 0n;
  while (after < head) {
    const page = await store.readAll({ ...(after > 0n ? { after } : {}), maxCount: PAGE });
    for (const event of page) {
      if (renames.has(event.stream)) continue;
      const to = scopedNameOf(event);
      if (to) renames.set(event.stream, to);
    }
    if (page.length > 0) after = page[page.length - 1]!.position;
    if (page.length < PAGE && after < head) {
      if (Date.now() > deadline) throw new StreamUpgradeError(`Events up to position ${head} stay hidden behind a transaction open on the database server; end it, then start again`);
      await new Promise((resolve) => setTimeout(resolve, HELD_BACK_RECHECK_MS));
    }
  }
  const upgradeId = randomUUID();
  const all: StreamRename[] = [...renames].map(([from, to]) => ({ from, to }));
  for (let i = 0; i < all.length; i += RENAMES_PER_CALL) await store.renameStreams(all.slice(i, i + RENAMES_PER_CALL));
  await store.append(
    UPGRADES_STREAM,
    [{ type: STREAMS_SCOPED_TO_SELLERS, data: { renamedStreams: all.length, upgradedAt: now().toISOString() }, metadata: { actor: { type: 'system', id: 'engine-upgrade' }, channel: 'system', correlationId: upgradeId, causationId: upgradeId } }],
    { expectedRevision: 'any' },
  );
  return { renamed: all.length };
}

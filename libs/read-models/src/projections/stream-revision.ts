import type { RecordedEvent, StreamRevision } from '@fulfil/event-store';

/** Events of one stream reached a projection out of order: its tables would be wrong, so it stops. */
export class StreamGapError extends Error {
  constructor(readonly stream: string, readonly expected: StreamRevision, readonly actual: StreamRevision) {
    super(`Stream ${stream}: expected revision ${expected}, got ${actual}`);
    this.name = 'StreamGapError';
  }
}

/**
 * Per-stream idempotency: a row remembers the last revision of its stream it applied, and an event
 * is applied only when it is the next one. An older event is a redelivery and changes nothing.
 */
export function alreadyApplied(lastApplied: StreamRevision | undefined, event: RecordedEvent): boolean {
  const next = lastApplied === undefined ? 0n : lastApplied + 1n;
  if (event.revision < next) return true;
  if (event.revision > next) throw new StreamGapError(event.stream, next, event.revision);
  return false;
}

import { randomUUID } from 'node:crypto';

/**
 * A new event id: a time-ordered UUID (version 7, RFC 9562). The store's unique index on event ids
 * then grows at its right edge instead of touching a random page per append, which after every
 * checkpoint costs a full-page image in the WAL (ADR 0014). Built on `randomUUID`, whose buffered
 * entropy makes it cheaper than a generator that asks for random bytes each time: the first 48
 * bits become the Unix time in milliseconds, the version nibble 7; variant and the other 74
 * random bits stay as they are.
 */
export function newEventId(): string {
  const time = Date.now().toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}

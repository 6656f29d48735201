import { ValidationError } from '@fulfil/domain';

/** Where a page of orders ended: the last row's sort key. Opaque to clients (base64url JSON). */
export interface OrderCursor {
  /** PostgreSQL's own text of `received_at` (e.g. `2026-11-23 07:19:48.123456+00`), so microseconds survive the round trip. */
  receivedAt: string;
  orderId: string;
}

const POSTGRES_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/;

export const encodeCursor = (cursor: OrderCursor): string => Buffer.from(JSON.stringify([cursor.receivedAt, cursor.orderId])).toString('base64url');

export function decodeCursor(value: string): OrderCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [receivedAt, orderId] = parsed as unknown[];
    if (typeof receivedAt === 'string' && POSTGRES_TIMESTAMP.test(receivedAt) && typeof orderId === 'string') return { receivedAt, orderId };
  }
  throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
}

import { EventStoreUnavailableError } from '@fulfil/event-store';

/**
 * SQLSTATE classes that say "the database, not this event, is the problem": connection (08),
 * resources (53), operator intervention such as a restart (57), and transaction rollbacks like
 * serialization failures and deadlocks (40).
 */
const TRANSIENT_SQLSTATE_CLASSES = ['08', '40', '53', '57'];
const TRANSIENT_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** True when retrying later can succeed, so the event in hand must not be blamed for the failure. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof EventStoreUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as Error & { code?: unknown; severity?: unknown };
  // FATAL ends the session whatever the code, e.g. 55000 while the database refuses connections.
  if (severity === 'FATAL') return true;
  if (typeof code === 'string') {
    if (TRANSIENT_SOCKET_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true;
  }
  // node-postgres reports a connection the server dropped without a code.
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(error.message);
}

/** Translation of `@eventstore/db-client` errors into the port's errors. */
import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { EventStoreUnavailableError, StreamRevisionConflictError } from '../errors';
import type { ExpectedRevision, StreamName } from '../event-store';

/**
 * Errors after which the same request may succeed: the server went away or is restarting
 * (`CancelledError` is what EventStoreDB 24.4+ and a dropped connection produce), timed out, is not
 * the leader, or the transport failed in a way gRPC could not classify.
 */
/** gRPC statuses (CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE) the client lets through unconverted, e.g. from its server-features probe. */
const TRANSIENT_GRPC_STATUSES = new Set([1, 4, 14]);

const isTransientGrpcStatus = (error: unknown): boolean =>
  error instanceof Error && 'metadata' in error && TRANSIENT_GRPC_STATUSES.has((error as { code?: unknown }).code as number);

export function isTransientError(error: unknown): boolean {
  return (
    isTransientGrpcStatus(error) ||
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof UnknownError
  );
}

export function toPortError(error: unknown, request: { stream?: StreamName; expectedRevision?: ExpectedRevision } = {}): unknown {
  if (error instanceof WrongExpectedVersionError && request.expectedRevision !== undefined) {
    return new StreamRevisionConflictError(request.stream ?? error.streamName, request.expectedRevision, error.actualVersion);
  }
  if (isTransientError(error)) {
    return new EventStoreUnavailableError(`EventStoreDB request failed: ${(error as Error).message}`, { cause: error });
  }
  return error;
}

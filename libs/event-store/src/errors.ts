import type { ExpectedRevision, StreamName, StreamRevision } from './event-store';

/** The stream was not at the revision the writer expected: someone else wrote first. */
export class StreamRevisionConflictError extends Error {
  readonly code = 'STREAM_REVISION_CONFLICT';
  constructor(
    readonly stream: StreamName,
    readonly expected: ExpectedRevision,
    /** The stream's actual revision, `'no_stream'` when it does not exist, undefined when the store cannot tell. */
    readonly actual: StreamRevision | 'no_stream' | undefined,
  ) {
    super(`Stream ${stream} expected at revision ${String(expected)} but was at ${String(actual)}`);
    this.name = 'StreamRevisionConflictError';
  }
}

/** The store could not be reached or failed to answer; safe to retry later. */
export class EventStoreUnavailableError extends Error {
  readonly code = 'EVENT_STORE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

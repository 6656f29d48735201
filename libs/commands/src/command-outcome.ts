import type { Position, StreamRevision } from '@fulfil/event-store';

/** What a command handler reports back: the facts it appended and where, for read-your-writes. */
export interface CommandOutcome<S = unknown> {
  eventTypes: string[];
  position: Position | undefined;
  revision: StreamRevision | undefined;
  replayed: boolean;
  state: S;
}

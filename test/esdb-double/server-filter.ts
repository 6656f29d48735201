/**
 * The server-side `$all` filter as EventStoreDB applies it: one expression on either the event type
 * or the stream name, made of prefixes or a regular expression, plus the checkpoint interval
 * (multiplier x search window) that drives checkpoint messages on filtered subscriptions.
 */
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { StoredEvent } from './in-memory-log';

export interface ServerFilter {
  matches(event: StoredEvent): boolean;
  /** Checkpoint after this many events were considered (matching or not). */
  checkpointInterval: number;
}

/** EventStoreDB's default search window when the client asks for `count` rather than `max`. */
const DEFAULT_SEARCH_WINDOW = 32;

export function serverFilterOf(options: ReadReq.Options): ServerFilter | undefined {
  const filter = options.getFilter();
  if (options.getFilterOptionCase() !== ReadReq.Options.FilterOptionCase.FILTER || filter === undefined) return undefined;

  const onEventType = filter.getFilterCase() === ReadReq.Options.FilterOptions.FilterCase.EVENT_TYPE;
  const expression = onEventType ? filter.getEventType() : filter.getStreamIdentifier();
  const test = expressionTest(expression);
  const window = filter.getWindowCase() === ReadReq.Options.FilterOptions.WindowCase.MAX ? filter.getMax() : DEFAULT_SEARCH_WINDOW;
  return {
    matches: (event) => test(onEventType ? event.type : event.streamName),
    checkpointInterval: Math.max(1, filter.getCheckpointintervalmultiplier()) * window,
  };
}

function expressionTest(expression: ReadReq.Options.FilterOptions.Expression | undefined): (value: string) => boolean {
  const regex = expression?.getRegex() ?? '';
  if (regex !== '') {
    const pattern = new RegExp(regex);
    return (value) => pattern.test(value);
  }
  const prefixes = expression?.getPrefixList() ?? [];
  return (value) => prefixes.some((prefix) => value.startsWith(prefix));
}

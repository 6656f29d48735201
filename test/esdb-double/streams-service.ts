/**
 * `event_store.client.streams.Streams` as the double serves it: `Read` (one stream, `$all` either
 * way, `$all` subscriptions), `Append` and `BatchAppend`. `Delete` and `Tombstone` answer
 * UNIMPLEMENTED: the event store port never deletes.
 */
import {
  status as GrpcStatus,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import type { IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb';
import {
  type AppendReq,
  type AppendResp,
  type BatchAppendReq,
  type BatchAppendResp,
  ReadReq,
  type ReadResp,
} from '@eventstore/db-client/generated/streams_pb';
import { AllSubscription, send, type SubscriptionStart } from './all-subscription';
import { type ExpectedRevision, type InMemoryLog, type ProposedEvent, type StoredEvent } from './in-memory-log';
import {
  appendResponse,
  batchAppendResponse,
  expectedFromAppendOptions,
  expectedFromBatchOptions,
  logPositionOf,
  readEventResponse,
  RpcError,
  streamNameOf,
  streamNotFoundResponse,
  toProposedEvent,
} from './proto';
import { serverFilterOf } from './server-filter';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;
const { StreamOptionCase, CountOptionCase, ReadDirection } = ReadReq.Options;

export interface StreamsServiceState {
  readonly log: InMemoryLog;
  /** Live subscriptions, so stopping the server can end them. */
  readonly subscriptions: Set<AllSubscription>;
}

export function createStreamsService(state: StreamsServiceState): IStreamsServer {
  return {
    read: (call) => void serveRead(state, call).catch((error: unknown) => failCall(call, error)),
    append: (call, callback) => collectAppend(state.log, call, callback),
    batchAppend: (call) => serveBatchAppend(state.log, call),
    delete: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<never>) => callback(unimplemented('Delete')),
    tombstone: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<never>) => callback(unimplemented('Tombstone')),
  };
}

async function serveRead(state: StreamsServiceState, call: ReadCall): Promise<void> {
  const options = call.request.getOptions();
  if (options === undefined) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'Read request without options');
  const subscribing = options.getCountOptionCase() === CountOptionCase.SUBSCRIPTION;
  switch (options.getStreamOptionCase()) {
    case StreamOptionCase.STREAM:
      if (subscribing) throw unimplemented('Stream subscriptions');
      return readStream(state.log, call, options);
    case StreamOptionCase.ALL:
      return subscribing ? subscribeToAll(state, call, options) : readAll(state.log, call, options);
    default:
      throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'Read request names neither a stream nor $all');
  }
}

/** A missing stream is a `StreamNotFound` message, not a gRPC error (the client turns it into `StreamNotFoundError`). */
async function readStream(log: InMemoryLog, call: ReadCall, options: ReadReq.Options): Promise<void> {
  const streamOptions = options.getStream() as ReadReq.Options.StreamOptions;
  const streamName = streamNameOf(streamOptions.getStreamIdentifier());
  const events = log.readStream(streamName);
  if (events === undefined) {
    await send(call, streamNotFoundResponse(streamName));
  } else {
    await sendEach(call, selectFromStream(events, streamOptions, options));
  }
  call.end();
}

function selectFromStream(events: readonly StoredEvent[], streamOptions: ReadReq.Options.StreamOptions, options: ReadReq.Options): StoredEvent[] {
  const forwards = options.getReadDirection() === ReadDirection.FORWARDS;
  const last = events.at(-1)?.revision ?? -1n;
  const from = streamOptions.hasRevision() ? BigInt(streamOptions.getRevision()) : streamOptions.hasEnd() ? last : forwards ? 0n : -1n;
  const selected = forwards ? events.filter((event) => event.revision >= from) : events.filter((event) => event.revision <= from).reverse();
  return selected.slice(0, countOf(options));
}

async function readAll(log: InMemoryLog, call: ReadCall, options: ReadReq.Options): Promise<void> {
  const forwards = options.getReadDirection() === ReadDirection.FORWARDS;
  const start = allStart(options.getAll() as ReadReq.Options.AllOptions);
  const filter = serverFilterOf(options);
  const ordered = forwards ? eventsFrom(log, start) : eventsBefore(log, start);
  const selected = filter === undefined ? ordered : ordered.filter((event) => filter.matches(event));
  await sendEach(call, selected.slice(0, countOf(options)));
  call.end();
}

/** Forward reads of `$all` include the event at the start position. */
function eventsFrom(log: InMemoryLog, start: SubscriptionStart): StoredEvent[] {
  if (start === 'end') return [];
  return log.all.slice(start === 'start' ? 0 : log.indexAtOrAfter(start));
}

/** Backward reads of `$all` return the events before the start position, newest first. */
function eventsBefore(log: InMemoryLog, start: SubscriptionStart): StoredEvent[] {
  if (start === 'start') return [];
  return log.all.slice(0, start === 'end' ? log.all.length : log.indexAtOrAfter(start)).reverse();
}

async function subscribeToAll(state: StreamsServiceState, call: ReadCall, options: ReadReq.Options): Promise<void> {
  const subscription = new AllSubscription(call, state.log, allStart(options.getAll() as ReadReq.Options.AllOptions), serverFilterOf(options));
  state.subscriptions.add(subscription);
  try {
    await subscription.run();
  } finally {
    state.subscriptions.delete(subscription);
  }
}

function allStart(all: ReadReq.Options.AllOptions): SubscriptionStart {
  const position = all.getPosition();
  if (position !== undefined) return logPositionOf(position);
  return all.hasEnd() ? 'end' : 'start';
}

function countOf(options: ReadReq.Options): number {
  return Number(BigInt(options.getCount()));
}

async function sendEach(call: ReadCall, events: readonly StoredEvent[]): Promise<void> {
  for (const event of events) {
    if (call.cancelled) return;
    await send(call, readEventResponse(event));
  }
}

/** The first message carries the options, every later one a proposed event; the append happens at end of input. */
function collectAppend(log: InMemoryLog, call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void {
  let options: AppendReq.Options | undefined;
  const proposed: ProposedEvent[] = [];
  let failure: unknown;
  call.on('data', (request: AppendReq) => {
    try {
      if (request.hasOptions()) options = request.getOptions();
      else proposed.push(toProposedEvent(request.getProposedMessage() as AppendReq.ProposedMessage));
    } catch (error) {
      failure ??= error;
    }
  });
  call.on('end', () => {
    if (failure !== undefined) return callback(asServiceError(failure));
    if (options === undefined) return callback(new RpcError(GrpcStatus.INVALID_ARGUMENT, 'Append without options'));
    const expected = expectedFromAppendOptions(options);
    callback(null, appendResponse(expected, log.append(streamNameOf(options.getStreamIdentifier()), expected, proposed)));
  });
}

interface PendingBatch {
  streamName: string;
  expected: ExpectedRevision;
  proposed: ProposedEvent[];
}

/**
 * One long-lived duplex call carries many appends, told apart by correlation id. An append may
 * span several requests (options on the first only); it is applied when `is_final` arrives.
 */
function serveBatchAppend(log: InMemoryLog, call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
  const pending = new Map<string, PendingBatch>();
  call.on('data', (request: BatchAppendReq) => {
    const correlationId = request.getCorrelationId()?.getString() ?? '';
    try {
      const batch = pending.get(correlationId) ?? startBatch(request);
      batch.proposed.push(...request.getProposedMessagesList().map(toProposedEvent));
      if (!request.getIsFinal()) {
        pending.set(correlationId, batch);
        return;
      }
      pending.delete(correlationId);
      call.write(batchAppendResponse(correlationId, batch.streamName, batch.expected, log.append(batch.streamName, batch.expected, batch.proposed)));
    } catch (error) {
      call.emit('error', asServiceError(error));
    }
  });
  call.on('end', () => call.end());
}

function startBatch(request: BatchAppendReq): PendingBatch {
  const options = request.getOptions();
  if (options === undefined) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'First batch of an append without options');
  return { streamName: streamNameOf(options.getStreamIdentifier()), expected: expectedFromBatchOptions(options), proposed: [] };
}

/** grpc-js turns an `error` event on a server stream into the call's final status. */
function failCall(call: ReadCall, error: unknown): void {
  if (!call.cancelled) call.emit('error', asServiceError(error));
}

function asServiceError(error: unknown): RpcError {
  return error instanceof RpcError ? error : new RpcError(GrpcStatus.INTERNAL, error instanceof Error ? error.message : String(error));
}

function unimplemented(what: string): RpcError {
  return new RpcError(GrpcStatus.UNIMPLEMENTED, `${what} is not implemented by the EventStoreDB protocol double`);
}

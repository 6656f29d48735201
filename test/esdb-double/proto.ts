/**
 * Conversions between the protobuf messages shipped in `@eventstore/db-client/generated` and the
 * double's log. Field choices follow what an EventStoreDB 23.10+ server sends, because that is what
 * the client decodes (see `dist/utils/convertGrpcEvent.js` and `dist/streams/appendToStream/`).
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import {
  AllStreamPosition,
  Empty,
  StreamIdentifier,
  UUID,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  ReadReq,
  ReadResp,
} from '@eventstore/db-client/generated/streams_pb';
import type { AppendOutcome, ExpectedRevision, LogPosition, ProposedEvent, StoredEvent } from './in-memory-log';

export function streamNameOf(identifier: StreamIdentifier | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

export function streamIdentifier(streamName: string): StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(streamName, 'utf8'));
}

export function stringUuid(value: string): UUID {
  return new UUID().setString(value);
}

/** An error a handler reports as a gRPC status; grpc-js reads `code` and `details` from it. */
export class RpcError extends Error {
  constructor(
    readonly code: GrpcStatus,
    readonly details: string,
  ) {
    super(details);
  }
}

/** The real server rejects proposed events without these two metadata entries. */
export function toProposedEvent(message: AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (type === undefined || contentType === undefined) {
    throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'Proposed message requires "type" and "content-type" metadata');
  }
  return {
    id: message.getId()?.getString() ?? '',
    type,
    contentType,
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

export function expectedFromAppendOptions(options: AppendReq.Options): ExpectedRevision {
  const Case = AppendReq.Options.ExpectedStreamRevisionCase;
  switch (options.getExpectedStreamRevisionCase()) {
    case Case.REVISION:
      return { kind: 'revision', revision: BigInt(options.getRevision()) };
    case Case.NO_STREAM:
      return { kind: 'no_stream' };
    case Case.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      return { kind: 'any' };
  }
}

export function expectedFromBatchOptions(options: BatchAppendReq.Options): ExpectedRevision {
  const Case = BatchAppendReq.Options.ExpectedStreamPositionCase;
  switch (options.getExpectedStreamPositionCase()) {
    case Case.STREAM_POSITION:
      return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
    case Case.NO_STREAM:
      return { kind: 'no_stream' };
    case Case.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      return { kind: 'any' };
  }
}

/** `Streams.Append` reports a version conflict in the response body, not as a gRPC error. */
export function appendResponse(expected: ExpectedRevision, outcome: AppendOutcome): AppendResp {
  if (outcome.ok) {
    const success = new AppendResp.Success();
    if (outcome.currentRevision === undefined) success.setNoStream(new Empty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    if (outcome.position === undefined) success.setNoPosition(new Empty());
    else success.setPosition(new AppendResp.Position().setCommitPosition(outcome.position.commit.toString()).setPreparePosition(outcome.position.prepare.toString()));
    return new AppendResp().setSuccess(success);
  }
  const conflict = new AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision === undefined) conflict.setCurrentNoStream(new Empty());
  else conflict.setCurrentRevision(outcome.currentRevision.toString());
  switch (expected.kind) {
    case 'revision':
      conflict.setExpectedRevision(expected.revision.toString());
      break;
    case 'no_stream':
      conflict.setExpectedNoStream(new Empty());
      break;
    case 'stream_exists':
      conflict.setExpectedStreamExists(new Empty());
      break;
    case 'any':
      conflict.setExpectedAny(new Empty());
      break;
  }
  return new AppendResp().setWrongExpectedVersion(conflict);
}

/**
 * `Streams.BatchAppend` reports a version conflict as a `google.rpc.Status` in the response body,
 * whose `details` packs `event_store.client.WrongExpectedVersion` (the client unpacks it by type name).
 */
export function batchAppendResponse(
  correlationId: string,
  streamName: string,
  expected: ExpectedRevision,
  outcome: AppendOutcome,
): BatchAppendResp {
  const response = new BatchAppendResp().setCorrelationId(stringUuid(correlationId)).setStreamIdentifier(streamIdentifier(streamName));
  setBatchExpected(response, expected);
  if (outcome.ok) return response.setSuccess(batchSuccess(outcome));
  return response.setError(wrongExpectedVersionStatus(expected, outcome.currentRevision));
}

function batchSuccess(outcome: Extract<AppendOutcome, { ok: true }>): BatchAppendResp.Success {
  const success = new BatchAppendResp.Success();
  if (outcome.currentRevision === undefined) success.setNoStream(new ProtobufEmpty());
  else success.setCurrentRevision(outcome.currentRevision.toString());
  if (outcome.position === undefined) success.setNoPosition(new ProtobufEmpty());
  else success.setPosition(new AllStreamPosition().setCommitPosition(outcome.position.commit.toString()).setPreparePosition(outcome.position.prepare.toString()));
  return success;
}

function setBatchExpected(response: BatchAppendResp, expected: ExpectedRevision): void {
  switch (expected.kind) {
    case 'revision':
      response.setStreamPosition(expected.revision.toString());
      break;
    case 'no_stream':
      response.setNoStream(new ProtobufEmpty());
      break;
    case 'stream_exists':
      response.setStreamExists(new ProtobufEmpty());
      break;
    case 'any':
      response.setAny(new ProtobufEmpty());
      break;
  }
}

function wrongExpectedVersionStatus(expected: ExpectedRevision, currentRevision: bigint | undefined): Status {
  const details = new WrongExpectedVersion();
  if (currentRevision === undefined) details.setCurrentNoStream(new ProtobufEmpty());
  else details.setCurrentStreamRevision(currentRevision.toString());
  switch (expected.kind) {
    case 'revision':
      details.setExpectedStreamPosition(expected.revision.toString());
      break;
    case 'no_stream':
      details.setExpectedNoStream(new ProtobufEmpty());
      break;
    case 'stream_exists':
      details.setExpectedStreamExists(new ProtobufEmpty());
      break;
    case 'any':
      details.setExpectedAny(new ProtobufEmpty());
      break;
  }
  const packed = new Any();
  packed.pack(details.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  return new Status().setCode(Code.FAILED_PRECONDITION).setMessage('Wrong expected version.').setDetails(packed);
}

export function readEventResponse(event: StoredEvent): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(stringUuid(event.id))
    .setStreamIdentifier(streamIdentifier(event.streamName))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.logPosition.toString())
    .setPreparePosition(event.logPosition.toString())
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.createdTicks.toString());
  const readEvent = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.logPosition.toString());
  return new ReadResp().setEvent(readEvent);
}

export function streamNotFoundResponse(streamName: string): ReadResp {
  return new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(streamName)));
}

export function confirmationResponse(subscriptionId: string): ReadResp {
  return new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId));
}

export function checkpointResponse(position: LogPosition): ReadResp {
  return new ReadResp().setCheckpoint(
    new ReadResp.Checkpoint().setCommitPosition(position.commit.toString()).setPreparePosition(position.prepare.toString()),
  );
}

export function caughtUpResponse(): ReadResp {
  return new ReadResp().setCaughtUp(new ReadResp.CaughtUp());
}

export function logPositionOf(position: ReadReq.Options.Position): LogPosition {
  return { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) };
}

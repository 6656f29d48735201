/**
 * One `$all` catch-up subscription served by the double, following the message sequence of an
 * EventStoreDB 23.10+ server: confirmation, historical events, a checkpoint and `CaughtUp` when the
 * head is reached, then live events. Filtered subscriptions also get a checkpoint every
 * `checkpointInterval` considered events, at the position where the next record would start
 * (`{ commit: nextRecord, prepare: 0 }`), the shape the real server uses for page boundaries.
 */
import { randomUUID } from 'node:crypto';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { InMemoryLog, LogPosition, StoredEvent } from './in-memory-log';
import { caughtUpResponse, checkpointResponse, confirmationResponse, readEventResponse, type RpcError } from './proto';
import type { ServerFilter } from './server-filter';

export type SubscriptionStart = 'start' | 'end' | LogPosition;
type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

export class AllSubscription {
  /** Whether the whole history and the `CaughtUp` message have been handed to the transport. */
  caughtUpSent = false;
  private cursor: number;
  private consideredSinceCheckpoint = 0;
  private ended = false;
  private wakeUp: (() => void) | undefined;
  private readonly removeAppendListener: () => void;

  constructor(
    private readonly call: ReadCall,
    private readonly log: InMemoryLog,
    start: SubscriptionStart,
    private readonly filter: ServerFilter | undefined,
  ) {
    this.cursor = start === 'start' ? 0 : start === 'end' ? log.all.length : log.indexAfter(start);
    this.removeAppendListener = log.onAppend(() => this.wake());
    call.once('cancelled', () => this.end());
  }

  /** Serves the subscription until the client cancels it or the server stops. */
  async run(): Promise<void> {
    try {
      await send(this.call, confirmationResponse(randomUUID()));
      await this.sendAvailableEvents();
      await this.announceCaughtUp();
      while (!this.ended) {
        await this.nextAppend();
        await this.sendAvailableEvents();
      }
    } finally {
      this.end();
    }
  }

  end(): void {
    this.ended = true;
    this.removeAppendListener();
    this.wake();
  }

  /** Ends the call with an error status, as a server does when it drops a subscriber. */
  fail(error: RpcError): void {
    this.end();
    this.call.emit('error', error);
  }

  private async sendAvailableEvents(): Promise<void> {
    for (let event = this.log.all[this.cursor]; event !== undefined && !this.ended; event = this.log.all[this.cursor]) {
      this.cursor += 1;
      if (this.filter?.matches(event) ?? true) await send(this.call, readEventResponse(event));
      await this.countConsidered(event);
    }
  }

  private async countConsidered(event: StoredEvent): Promise<void> {
    if (this.filter === undefined) return;
    this.consideredSinceCheckpoint += 1;
    if (this.consideredSinceCheckpoint < this.filter.checkpointInterval) return;
    this.consideredSinceCheckpoint = 0;
    await send(this.call, checkpointResponse({ commit: event.postPosition, prepare: 0n }));
  }

  /** Like the real server: a checkpoint at the head (so filtered-out history can be skipped), then `CaughtUp`. */
  private async announceCaughtUp(): Promise<void> {
    if (this.filter !== undefined && this.log.all.length > 0) {
      this.consideredSinceCheckpoint = 0;
      await send(this.call, checkpointResponse({ commit: this.log.headPostPosition, prepare: 0n }));
    }
    await send(this.call, caughtUpResponse());
    this.caughtUpSent = true;
  }

  private nextAppend(): Promise<void> {
    if (this.ended || this.cursor < this.log.all.length) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeUp = resolve;
    });
  }

  private wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }
}

/** Writes one message, waiting for the transport to drain when its buffer is full. */
export async function send(call: ReadCall, message: ReadResp): Promise<void> {
  if (call.cancelled || call.writableEnded || call.write(message)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.once('drain', done);
    call.once('cancelled', done);
  });
}

import { randomUUID } from 'node:crypto';
import type { Actor, Channel, EventMetadata } from '@fulfil/domain';

/** Who sends a command and on whose behalf; becomes the metadata of every event it appends. */
export interface CommandMeta {
  actor: Actor;
  channel: Channel;
  /** Follows one piece of work across commands, events, reactions and ONDC messages. */
  correlationId?: string;
  /** The event or request that caused this command. */
  causationId?: string;
  idempotencyKey?: string;
}

export function eventMetadata(meta: CommandMeta, commandId: string = randomUUID()): EventMetadata {
  return {
    actor: meta.actor,
    channel: meta.channel,
    correlationId: meta.correlationId ?? commandId,
    causationId: meta.causationId ?? commandId,
    ...(meta.idempotencyKey ? { idempotencyKey: meta.idempotencyKey } : {}),
  };
}

export type Channel = 'api' | 'whatsapp' | 'ondc' | 'system';
export type ActorType = 'seller' | 'system' | 'ondc-logistics' | 'platform';

export interface Actor {
  type: ActorType;
  id: string;
}

/** Who caused an event and why; every appended event carries it. */
export interface EventMetadata {
  actor: Actor;
  channel: Channel;
  correlationId: string;
  causationId: string;
  idempotencyKey?: string;
}

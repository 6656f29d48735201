export type Channel = 'api' | 'whatsapp' | 'ondc' | 'system';
/** `ondc-partner`: a logistics partner on the network whose callback the adapter recorded (id: its bpp_id). */
export type ActorType = 'seller' | 'system' | 'ondc-logistics' | 'ondc-partner' | 'platform';

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

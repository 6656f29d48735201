export type ChooseBy = 'price' | 'speed';

export interface PartnerPolicy {
  /** What ranks offers first: the lowest price, or the shortest promised time. */
  chooseBy: ChooseBy;
  /** Subscriber ids tried before anyone else. */
  preferredPartners: readonly string[];
  /** Subscriber ids never chosen. */
  excludedPartners: readonly string[];
  /** Partners tried (init and confirm) for one shipment before giving up. */
  maxCandidates: number;
  /** A partner that failed us (NACK, silence, bad quote, refusal) within this window ranks after the others. */
  recentFailureWindowMs: number;
}

import type { PartnerUpdate } from '../parsers';

/**
 * Facts about a confirmed order that a partner may send in any callback, late or again (deferred
 * ready to ship brings the AWB and label in on_update; a pickup slot or a new agent in on_status).
 */
export interface PartnerFacts {
  awb?: string;
  labelUrl?: string;
  trackingUrl?: string;
  pickupSlot?: { start: string; end: string };
  agent?: { name?: string; phone?: string };
}

const sameSlot = (a: PartnerFacts['pickupSlot'], b: NonNullable<PartnerFacts['pickupSlot']>): boolean =>
  a !== undefined && Date.parse(a.start) === Date.parse(b.start) && Date.parse(a.end) === Date.parse(b.end);

/**
 * What a callback says that the domain has not been told yet, or undefined. The agent of an
 * agent-assigned report travels with the report itself, so it is left out then.
 */
export function newPartnerFacts(update: PartnerUpdate, known: PartnerFacts): PartnerFacts | undefined {
  const fresh: PartnerFacts = {};
  if (update.awb && update.awb !== known.awb) fresh.awb = update.awb;
  if (update.labelUrl && update.labelUrl !== known.labelUrl) fresh.labelUrl = update.labelUrl;
  if (update.trackingUrl && update.trackingUrl !== known.trackingUrl) fresh.trackingUrl = update.trackingUrl;
  const slot = update.pickupSlot;
  if (slot && !Number.isNaN(Date.parse(slot.start)) && !Number.isNaN(Date.parse(slot.end)) && !sameSlot(known.pickupSlot, slot)) fresh.pickupSlot = slot;
  const agent = update.agent;
  const agentNews = agent?.name !== undefined && agent.name !== '' && (agent.name !== known.agent?.name || (agent.phone !== undefined && agent.phone !== known.agent?.phone));
  if (agentNews && update.report !== 'agent_assigned') fresh.agent = { ...agent };
  return Object.keys(fresh).length > 0 ? fresh : undefined;
}

/** Known facts with new ones laid over them. */
export const withFacts = (known: PartnerFacts, fresh: PartnerFacts): PartnerFacts => ({ ...known, ...fresh });

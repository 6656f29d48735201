import { formatRupees } from '../money';
import type { CatalogOffer } from '../messages';
import type { PartnerPolicy } from './partner-policy';
import type { RankedOffer } from './conversation-events';

export interface ChoiceInput {
  offers: readonly CatalogOffer[];
  policy: PartnerPolicy;
  /** Partners already tried in this attempt: each gets one chance per search. */
  tried: ReadonlySet<string>;
  /** Failures of each partner within the policy's memory window, across shipments. */
  recentFailures: (bppId: string) => number;
  /** Immediate Delivery must be confirmed ready to ship (contract rule), so it is out when we confirm first and say ready later. */
  readyToShipAtConfirm: boolean;
  /** The seller's surge cap (the surge item's price, before tax); an offer with a dearer surge is out. Absent: no surge accepted. */
  maxSurgeFeePaise?: number;
}

export interface Choice {
  offer: CatalogOffer;
  reason: string;
  ranking: RankedOffer[];
}

const UNKNOWN_TAT = Number.MAX_SAFE_INTEGER;

function ranked(offer: CatalogOffer, input: ChoiceInput): RankedOffer & { offer: CatalogOffer } {
  const entry: RankedOffer & { offer: CatalogOffer } = {
    offer,
    bppId: offer.bppId,
    providerName: offer.providerName,
    itemId: offer.itemId,
    category: offer.category,
    pricePaise: offer.pricePaise,
    preferred: input.policy.preferredPartners.includes(offer.bppId),
    recentFailures: input.recentFailures(offer.bppId),
  };
  if (offer.tatMinutes !== undefined) entry.tatMinutes = offer.tatMinutes;
  if (offer.surge) entry.surgePaise = offer.surge.pricePaise;
  return entry;
}

/** Preferred partners first, then those that have not failed us lately, then by the policy's measure, the other one breaking ties. */
function compare(chooseBy: PartnerPolicy['chooseBy']) {
  // What the seller pays: a surge counts (its tax is not known before on_init, so the price before tax is compared).
  const price = (o: RankedOffer) => o.pricePaise + (o.surgePaise ?? 0);
  const tat = (o: RankedOffer) => o.tatMinutes ?? UNKNOWN_TAT;
  const [first, second] = chooseBy === 'price' ? [price, tat] : [tat, price];
  return (a: RankedOffer, b: RankedOffer): number =>
    Number(b.preferred) - Number(a.preferred) ||
    Math.min(a.recentFailures, 1) - Math.min(b.recentFailures, 1) ||
    first(a) - first(b) ||
    second(a) - second(b) ||
    a.bppId.localeCompare(b.bppId) ||
    a.itemId.localeCompare(b.itemId);
}

const surgeAboveCap = (offer: CatalogOffer, input: ChoiceInput): boolean => offer.surge !== undefined && offer.surge.pricePaise > (input.maxSurgeFeePaise ?? 0);

const isEligible = (offer: CatalogOffer, input: ChoiceInput): boolean =>
  !input.policy.excludedPartners.includes(offer.bppId) &&
  !input.tried.has(offer.bppId) &&
  (input.readyToShipAtConfirm || offer.category !== 'Immediate Delivery') &&
  !surgeAboveCap(offer, input);

/** Every eligible offer, best first; the order the policy would try them in. */
export function rankOffers(input: ChoiceInput): Array<RankedOffer & { offer: CatalogOffer }> {
  return input.offers
    .filter((offer) => isEligible(offer, input))
    .map((offer) => ranked(offer, input))
    .sort(compare(input.policy.chooseBy));
}

const describeOffer = (o: RankedOffer): string =>
  `${o.providerName} ${o.category} at ₹${formatRupees(o.pricePaise)}${o.surgePaise ? ` + ₹${formatRupees(o.surgePaise)} surge` : ''}${o.tatMinutes !== undefined ? `, TAT ${o.tatMinutes} min` : ''}`;

/** Why the first of the ranking was chosen, in words an operator reads in the conversation log. */
function reasonFor(best: RankedOffer, ranking: readonly RankedOffer[], policy: PartnerPolicy, input: ChoiceInput): string {
  const measure = policy.chooseBy === 'price' ? 'cheapest' : 'fastest';
  const parts = [`${describeOffer(best)}: ${measure} of ${ranking.length} eligible offer${ranking.length === 1 ? '' : 's'}`];
  if (best.preferred) parts.push('a preferred partner');
  const passedOver = ranking.filter((o) => o.recentFailures > 0 && !o.preferred && o.bppId !== best.bppId);
  if (passedOver.length > 0 && best.recentFailures === 0) parts.push(`ranked after it for recent failures: ${[...new Set(passedOver.map((o) => o.bppId))].join(', ')}`);
  const dearSurge = input.offers.filter((o) => surgeAboveCap(o, input) && !input.tried.has(o.bppId));
  if (dearSurge.length > 0) parts.push(`left out for a surge above the seller's cap of ₹${formatRupees(input.maxSurgeFeePaise ?? 0)}: ${[...new Set(dearSurge.map((o) => o.bppId))].join(', ')}`);
  return parts.join('; ');
}

/** The next partner to try, or undefined when no eligible offer is left. */
export function choosePartner(input: ChoiceInput): Choice | undefined {
  const ranking = rankOffers(input);
  const best = ranking[0];
  if (!best) return undefined;
  return { offer: best.offer, reason: reasonFor(best, ranking, input.policy, input), ranking: ranking.map(({ offer: _offer, ...rest }) => rest) };
}

/** Eligible offers so far: what "enough quotes are in" counts. */
export const eligibleOfferCount = (input: ChoiceInput): number => input.offers.filter((offer) => isEligible(offer, input)).length;

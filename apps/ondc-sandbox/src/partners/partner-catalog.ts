import { SURGE_ITEM_TAG, distanceKm, formatRupees, inr, parseGps, rfc3339 } from '@fulfil/ondc';
import type { CatalogItem, LogisticsCategory, OnSearchMessage, OndcMessage, ShipmentType } from '@fulfil/ondc';
import type { SandboxPartner } from '../network';
import { RateCard, shipmentTypeOf } from './partner-profiles';

/** What a partner quoted for one category in answer to a search: kept until init and confirm. */
export interface QuotedOption {
  itemId: string;
  rtoItemId: string;
  category: LogisticsCategory;
  type: ShipmentType;
  pricePaise: number;
  rtoPricePaise: number;
  tat: { duration: string; timestamp: string };
  /** The partner's surge fee for it, before GST (1.2.5 surge item). */
  surge?: { itemId: string; pricePaise: number };
}

export const SURGE_ITEM_ID = 'surge';

export const PROVIDER_ID = 'P1';
export const FORWARD_FULFILLMENT_ID = 'F1';
export const RTO_FULFILLMENT_ID = 'F1-RTO';
/** Road distance runs about a third longer than the straight line. */
const ROAD_FACTOR = 1.3;
/** A return costs the partner less than the outbound leg: no pickup slot to keep. */
const RTO_PRICE_SHARE = 0.8;

/** "Standard Delivery" and "Express Delivery" are parent categories: a search for Standard is answered with every slower child too. */
const STANDARD_CHILDREN: readonly LogisticsCategory[] = ['Immediate Delivery', 'Same Day Delivery', 'Next Day Delivery', 'Standard Delivery'];
const answersCategory = (requested: LogisticsCategory, offered: LogisticsCategory): boolean =>
  requested === offered || (requested === 'Standard Delivery' && STANDARD_CHILDREN.includes(offered));

const slug = (category: LogisticsCategory): string => category.replace(/ Delivery$/, '').toLowerCase().replace(/\s+/g, '-');

function priceOf(rate: RateCard, weightKg: number, km: number): number {
  return rate.basePaise + rate.perKgPaise * Math.max(1, Math.ceil(weightKg)) + rate.perKmPaise * Math.max(1, Math.ceil(km));
}

export type SearchAnswer = { quotes: QuotedOption[]; distanceKm: number } | { declined: string };

/** A partner's options for a search, or why it stays silent (the contract lets a partner not answer what it cannot serve). */
export function quoteSearch(partner: SandboxPartner, search: OndcMessage<'search'>, nowMs: number): SearchAnswer {
  const { intent } = search.message;
  const from = parseGps(intent.fulfillment.start.location.gps);
  const to = parseGps(intent.fulfillment.end.location.gps);
  if (!from || !to) return { declined: 'unreadable gps' };
  const km = distanceKm(from, to);
  const limit = partner.profile.maxDistanceKm;
  if (limit !== undefined && km > limit) return { declined: `${km.toFixed(1)} km is beyond ${limit} km` };
  const payload = intent['@ondc/org/payload_details'];
  const weightKg = payload.weight.unit === 'gram' ? payload.weight.value / 1000 : payload.weight.value;
  const quotes = partner.profile.rates
    .filter((rate) => rate.domain === search.context.domain && answersCategory(intent.category.id, rate.category))
    .map((rate): QuotedOption => {
      const pricePaise = priceOf(rate, weightKg, km);
      return {
        itemId: slug(rate.category),
        rtoItemId: `${slug(rate.category)}-rto`,
        category: rate.category,
        type: shipmentTypeOf(rate.domain),
        pricePaise,
        rtoPricePaise: Math.round(pricePaise * RTO_PRICE_SHARE),
        tat: { duration: rate.tat, timestamp: rfc3339(nowMs + rate.tatDayOffset * 86_400_000).slice(0, 10) },
        ...(partner.setup.surgePaise ? { surge: { itemId: SURGE_ITEM_ID, pricePaise: partner.setup.surgePaise } } : {}),
      };
    });
  return quotes.length > 0 ? { quotes, distanceKm: km } : { declined: `no option for ${intent.category.id} in ${search.context.domain}` };
}

/** One surge item for the provider's every offer, marked as 1.2.5 marks it (LVU keeps one surge item per catalog). */
function surgeItemsOf(quotes: readonly QuotedOption[]): CatalogItem[] {
  const first = quotes[0];
  if (!first?.surge) return [];
  return [
    {
      id: first.surge.itemId,
      category_id: first.category,
      fulfillment_id: FORWARD_FULFILLMENT_ID,
      descriptor: { code: first.type, name: 'Surge fee', short_desc: 'Surge fee', long_desc: `Surge fee: ${formatRupees(first.surge.pricePaise)} INR before tax` },
      price: inr(first.surge.pricePaise),
      time: { label: 'TAT', ...first.tat },
      tags: [SURGE_ITEM_TAG],
    },
  ];
}

export function catalogOf(partner: SandboxPartner, quotes: readonly QuotedOption[], km: number): OnSearchMessage {
  const { profile } = partner;
  return {
    catalog: {
      'bpp/descriptor': { name: profile.displayName },
      'bpp/providers': [
        {
          id: PROVIDER_ID,
          descriptor: { name: profile.displayName, short_desc: profile.displayName, long_desc: profile.displayName },
          categories: quotes.map((q) => ({ id: q.category, time: { label: 'TAT', ...q.tat } })),
          fulfillments: [
            {
              id: FORWARD_FULFILLMENT_ID,
              type: 'Delivery',
              start: { time: { duration: profile.pickupTime } },
              tags: [{ code: 'distance', list: [{ code: 'motorable_distance_type', value: 'kilometer' }, { code: 'motorable_distance', value: (km * ROAD_FACTOR).toFixed(1) }] }],
            },
            { id: RTO_FULFILLMENT_ID, type: 'RTO' },
          ],
          items: quotes.flatMap((q): CatalogItem[] => [
            {
              id: q.itemId,
              category_id: q.category,
              fulfillment_id: FORWARD_FULFILLMENT_ID,
              descriptor: { code: q.type, name: `${q.category} by ${profile.displayName}`, short_desc: q.category, long_desc: q.category },
              price: inr(q.pricePaise),
              time: { label: 'TAT', ...q.tat },
            },
            {
              id: q.rtoItemId,
              parent_item_id: q.itemId,
              category_id: q.category,
              fulfillment_id: RTO_FULFILLMENT_ID,
              descriptor: { code: q.type, name: 'RTO quote', short_desc: 'RTO quote', long_desc: `Return to origin: ${formatRupees(q.rtoPricePaise)} INR` },
              price: inr(q.rtoPricePaise),
              time: { label: 'TAT', ...q.tat },
            },
          ]).concat(surgeItemsOf(quotes)),
        },
      ],
    },
  };
}

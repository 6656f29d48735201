import { HYPERLOCAL_DOMAIN, INTERCITY_DOMAIN } from '@fulfil/ondc';
import type { LogisticsCategory, LogisticsDomain, ShipmentType } from '@fulfil/ondc';
import type { PartnerName } from '../sandbox-options';

/** One line of a partner's rate card: a category it serves in a domain, its price rule and its TAT. */
export interface RateCard {
  domain: LogisticsDomain;
  category: LogisticsCategory;
  /** Price, tax included: base + per started kilogram + per started kilometre. */
  basePaise: number;
  perKgPaise: number;
  perKmPaise: number;
  /** Ship-to-delivery TAT, ISO 8601. */
  tat: string;
  /** Days after the search the TAT refers to (0 same day, 1 next day). */
  tatDayOffset: number;
}

export interface PartnerProfile {
  name: PartnerName;
  displayName: string;
  rates: RateCard[];
  /** Straight-line distance beyond which it does not serve (hyperlocal riders). */
  maxDistanceKm?: number;
  /** Average time for a rider to reach the pickup point, ISO 8601. */
  pickupTime: string;
  /** Never sends a callback (ACKs everything, then silence). */
  silent?: boolean;
}

export const shipmentTypeOf = (domain: LogisticsDomain): ShipmentType => (domain === HYPERLOCAL_DOMAIN ? 'P2P' : 'P2H2P');

const rate = (domain: LogisticsDomain, category: LogisticsCategory, basePaise: number, perKgPaise: number, perKmPaise: number, tat: string, tatDayOffset = 0): RateCard => ({
  domain,
  category,
  basePaise,
  perKgPaise,
  perKmPaise,
  tat,
  tatDayOffset,
});

/**
 * Seven partners with distinct habits, so that choosing among them, falling back, and coping with
 * silence, refusals, cancellations and returns can all be exercised.
 */
export const PARTNER_PROFILES: Readonly<Record<PartnerName, PartnerProfile>> = {
  'cheap-slow': {
    name: 'cheap-slow',
    displayName: 'Cheap & Slow Logistics',
    pickupTime: 'PT2H',
    rates: [rate(HYPERLOCAL_DOMAIN, 'Standard Delivery', 3_500, 500, 200, 'PT8H'), rate(INTERCITY_DOMAIN, 'Standard Delivery', 5_000, 1_500, 20, 'P4D', 4)],
  },
  'fast-dear': {
    name: 'fast-dear',
    displayName: 'Fast & Dear Couriers',
    pickupTime: 'PT10M',
    rates: [
      rate(HYPERLOCAL_DOMAIN, 'Immediate Delivery', 12_000, 1_000, 1_500, 'PT45M'),
      rate(HYPERLOCAL_DOMAIN, 'Same Day Delivery', 9_000, 1_000, 1_000, 'PT4H'),
      rate(INTERCITY_DOMAIN, 'Express Delivery', 25_000, 4_000, 50, 'P1D', 1),
    ],
  },
  hyperlocal: {
    name: 'hyperlocal',
    displayName: 'Hyperlocal Riders',
    pickupTime: 'PT15M',
    maxDistanceKm: 15,
    rates: [rate(HYPERLOCAL_DOMAIN, 'Immediate Delivery', 6_000, 500, 800, 'PT60M'), rate(HYPERLOCAL_DOMAIN, 'Same Day Delivery', 4_500, 500, 500, 'PT5H')],
  },
  intercity: {
    name: 'intercity',
    displayName: 'Intercity Express Cargo',
    pickupTime: 'PT4H',
    rates: [rate(INTERCITY_DOMAIN, 'Standard Delivery', 6_500, 1_800, 25, 'P3D', 3), rate(INTERCITY_DOMAIN, 'Express Delivery', 14_000, 3_000, 40, 'P2D', 2)],
  },
  nacker: {
    name: 'nacker',
    displayName: 'Nacker Logistics',
    pickupTime: 'PT1H',
    // The cheapest on the network, so that a buyer choosing by price tries it first and must fall back.
    rates: [rate(HYPERLOCAL_DOMAIN, 'Standard Delivery', 2_000, 300, 100, 'PT6H'), rate(INTERCITY_DOMAIN, 'Standard Delivery', 3_000, 1_000, 10, 'P5D', 5)],
  },
  silent: {
    name: 'silent',
    displayName: 'Silent Carriers',
    pickupTime: 'PT1H',
    silent: true,
    rates: [rate(HYPERLOCAL_DOMAIN, 'Standard Delivery', 1_000, 100, 100, 'PT6H'), rate(INTERCITY_DOMAIN, 'Standard Delivery', 1_500, 500, 5, 'P5D', 5)],
  },
  troublemaker: {
    name: 'troublemaker',
    displayName: 'Troublemaker Transport',
    pickupTime: 'PT30M',
    rates: [rate(HYPERLOCAL_DOMAIN, 'Same Day Delivery', 4_000, 600, 600, 'PT3H'), rate(INTERCITY_DOMAIN, 'Standard Delivery', 4_500, 1_200, 15, 'P3D', 3)],
  },
};

export const servesDomain = (profile: PartnerProfile, domain: string): boolean => profile.rates.some((r) => r.domain === domain);

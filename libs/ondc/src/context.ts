import { randomUUID } from 'node:crypto';
import { CORE_VERSION, HYPERLOCAL_DOMAIN, IGM_CORE_VERSION, INTERCITY_DOMAIN, LEGACY_LOGISTICS_DOMAIN, RSF_DOMAIN, RSF_VERSION } from './types';
import type { ContextOf, LogisticsDomain, RequestAction, ShipmentType } from './types';

export interface GeoPoint {
  lat: number;
  lng: number;
}

/** `{12.9716, 77.5946}` → `"12.971600,77.594600"`: the contract asks for at least six decimals. */
export const formatGps = (point: GeoPoint): string => `${point.lat.toFixed(6)},${point.lng.toFixed(6)}`;

export function parseGps(value: string): GeoPoint | undefined {
  const match = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$/.exec(value);
  if (!match) return undefined;
  const point = { lat: Number(match[1]), lng: Number(match[2]) };
  return Math.abs(point.lat) <= 90 && Math.abs(point.lng) <= 180 ? point : undefined;
}

const EARTH_RADIUS_KM = 6371;
const radians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle (haversine) distance; road distance is longer, which the hyperlocal limit allows for. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = radians(b.lat - a.lat);
  const dLng = radians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
}

/** Straight-line distance up to which a shipment goes hyperlocal (P2P) unless told otherwise. */
export const DEFAULT_HYPERLOCAL_MAX_KM = 15;

/**
 * ONDC:LOG10 (P2P hyperlocal) for short trips, ONDC:LOG11 (P2H2P intercity) otherwise; an explicit
 * choice, by shipment type or domain, wins.
 */
export function chooseDomain(
  route: { pickup: GeoPoint; drop: GeoPoint },
  options: { explicit?: ShipmentType | LogisticsDomain; hyperlocalMaxKm?: number } = {},
): LogisticsDomain {
  if (options.explicit === 'P2P' || options.explicit === HYPERLOCAL_DOMAIN) return HYPERLOCAL_DOMAIN;
  if (options.explicit === 'P2H2P' || options.explicit === INTERCITY_DOMAIN) return INTERCITY_DOMAIN;
  return distanceKm(route.pickup, route.drop) <= (options.hyperlocalMaxKm ?? DEFAULT_HYPERLOCAL_MAX_KM) ? HYPERLOCAL_DOMAIN : INTERCITY_DOMAIN;
}

/** Logistics domains accepted on input; the pre-1.2.5 `nic2004:60232` counts as intercity-or-hyperlocal logistics. */
export const ACCEPTED_DOMAINS: readonly string[] = [HYPERLOCAL_DOMAIN, INTERCITY_DOMAIN, LEGACY_LOGISTICS_DOMAIN];

/**
 * STD codes of the major cities by the first three digits of their PIN codes (the postal circle
 * and district). Approximate at the edges of a district: exact PIN codes can be overridden.
 */
const STD_BY_PIN_PREFIX: Readonly<Record<string, string>> = {
  '110': '011', // Delhi
  '122': '0124', // Gurugram
  '160': '0172', // Chandigarh
  '201': '0120', // Noida, Ghaziabad
  '226': '0522', // Lucknow
  '302': '0141', // Jaipur
  '380': '079', // Ahmedabad
  '400': '022', // Mumbai
  '411': '020', // Pune
  '500': '040', // Hyderabad
  '560': '080', // Bengaluru
  '600': '044', // Chennai
  '682': '0484', // Kochi
  '700': '033', // Kolkata
};

export interface CityCodeOptions {
  /** City code when the PIN code is not one we know, e.g. `std:080`. */
  defaultCityCode: string;
  /** Extra mappings by full PIN code or three-digit prefix, to `std:<code>`; they win over ours. */
  overrides?: Readonly<Record<string, string>>;
}

/** `context.city` for a pickup PIN code: `560041` → `std:080`. */
export function cityCodeForPincode(pincode: string, options: CityCodeOptions): string {
  const prefix = pincode.slice(0, 3);
  const override = options.overrides?.[pincode] ?? options.overrides?.[prefix];
  if (override) return override;
  const std = STD_BY_PIN_PREFIX[prefix];
  return std ? `std:${std}` : options.defaultCityCode;
}

/** RFC 3339 in UTC with milliseconds, as ONDC timestamps are written. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString();

/** Our order id on the network: unique, alphanumeric, 32 characters (the contract's limit). */
export const newNetworkOrderId = (): string => randomUUID().replace(/-/g, '');
export const isNetworkOrderId = (value: string): boolean => /^[A-Za-z0-9]{1,32}$/.test(value);

export const CONTEXT_TTL = 'PT30S';
/** RSF 2.0 asks for a ttl in whole days; a counterparty has a day to answer a /recon. */
export const RECON_TTL = 'P1D';

export interface ContextBuilderOptions {
  bapId: string;
  /** Where partners send callbacks: `{bap_uri}/on_search` and so on. */
  bapUri: string;
  nowMs?: () => number;
  newId?: () => string;
}

export type ContextInput<A extends RequestAction> = {
  domain: LogisticsDomain;
  city: string;
  transactionId: string;
  /** A fresh one when omitted; give one only to resend the very same request. */
  messageId?: string;
} & (A extends 'search' ? { bpp?: never } : { bpp: { id: string; uri: string } });

/** Contexts of the requests we send: our bap identity, core version 1.2.5, country IND, ttl PT30S. */
export class ContextBuilder {
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(private readonly options: ContextBuilderOptions) {
    this.now = options.nowMs ?? Date.now;
    this.newId = options.newId ?? randomUUID;
  }

  /** One transaction id spans a shipment's search and every later call with the partner chosen. */
  newTransactionId(): string {
    return this.newId();
  }

  build<A extends RequestAction>(action: A, input: ContextInput<A>): ContextOf<A> {
    const context = this.envelope(action, {
      domain: input.domain,
      city: input.city,
      coreVersion: action === 'issue' ? IGM_CORE_VERSION : CORE_VERSION,
      transactionId: input.transactionId,
      ttl: CONTEXT_TTL,
      ...(input.messageId ? { messageId: input.messageId } : {}),
    });
    if (action === 'issue') context.location = { country: { code: 'IND' }, city: { code: input.city } };
    if (input.bpp) {
      context.bpp_id = input.bpp.id;
      context.bpp_uri = input.bpp.uri;
    }
    return context;
  }

  /**
   * A /recon's context (RSF 2.0): domain ONDC:NTS10, version 2.0.0, the location of every city
   * (`*`), in the logistics transaction whose COD it reconciles. The envelope's country, city and
   * core_version stay beside RSF's own fields (its schema allows them), so one context type serves.
   */
  buildRecon(input: { transactionId: string; bpp: { id: string; uri: string }; messageId?: string }): ContextOf<'recon'> {
    const context = this.envelope('recon', {
      domain: RSF_DOMAIN,
      city: '*',
      coreVersion: RSF_VERSION,
      transactionId: input.transactionId,
      ttl: RECON_TTL,
      ...(input.messageId ? { messageId: input.messageId } : {}),
    });
    return { ...context, location: { country: { code: 'IND' }, city: { code: '*' } }, version: RSF_VERSION, bpp_id: input.bpp.id, bpp_uri: input.bpp.uri };
  }

  /** What every context of ours carries: our bap identity, country IND, a message id and the time of sending. */
  private envelope<A extends RequestAction>(
    action: A,
    input: { domain: string; city: string; coreVersion: string; transactionId: string; ttl: string; messageId?: string },
  ): ContextOf<A> {
    return {
      domain: input.domain,
      country: 'IND',
      city: input.city,
      action,
      core_version: input.coreVersion,
      bap_id: this.options.bapId,
      bap_uri: this.options.bapUri,
      transaction_id: input.transactionId,
      message_id: input.messageId ?? this.newId(),
      timestamp: rfc3339(this.now()),
      ttl: input.ttl,
    };
  }
}

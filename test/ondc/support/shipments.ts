import { randomUUID } from 'node:crypto';
import type { BuyerBilling, CatalogOffer, ShipmentDescription, ShipmentStop } from '@fulfil/ondc';

/** A Bengaluru seller and buyers near and far; gps with real coordinates of the localities named. */
export const KORAMANGALA_STORE: ShipmentStop = {
  name: 'Kaveri Handlooms',
  phone: '9876543210',
  email: 'dispatch@kaveri.example',
  line1: 'No. 12, 3rd Cross',
  line2: 'Koramangala 4th Block',
  city: 'Bengaluru',
  state: 'Karnataka',
  pincode: '560034',
  gps: { lat: 12.9352, lng: 77.6245 },
};

/** About 5 km from the store, straight line. */
export const INDIRANAGAR_BUYER: ShipmentStop = {
  name: 'Ananya Rao',
  phone: '9845012345',
  line1: 'Flat 4B, Lakeview Residency',
  line2: '80 Feet Road, Indiranagar',
  city: 'Bengaluru',
  state: 'Karnataka',
  pincode: '560038',
  gps: { lat: 12.9784, lng: 77.6408 },
};

/** About 840 km from the store, straight line. */
export const DADAR_BUYER: ShipmentStop = {
  name: 'Rohan Deshmukh',
  phone: '9123456780',
  line1: '12 Shivaji Park Road',
  line2: 'Dadar West',
  city: 'Mumbai',
  state: 'Maharashtra',
  pincode: '400028',
  gps: { lat: 19.0269, lng: 72.8383 },
};

export const BUYER_BILLING: BuyerBilling = {
  name: 'Fulfilment Engine Logistics Buyer',
  gstin: '29AABCT1332L1ZA',
  phone: '9000000001',
  email: 'logistics@fulfilment-engine.example',
  address: { line1: 'No. 5, Residency Road', line2: 'Shanthala Nagar', city: 'Bengaluru', state: 'Karnataka', pincode: '560025' },
  updatedAt: '2026-01-01T00:00:00.000Z',
};

export function hyperlocalShipment(overrides: Partial<ShipmentDescription> = {}): ShipmentDescription {
  return {
    shipmentId: `shp-${randomUUID().slice(0, 8)}`,
    orderId: `ord${randomUUID().replace(/-/g, '').slice(0, 10)}`,
    sellerId: 'seller-kaveri',
    pickup: KORAMANGALA_STORE,
    drop: INDIRANAGAR_BUYER,
    package: { weightGrams: 1_200, lengthCm: 30, widthCm: 20, heightCm: 8 },
    valuePaise: 450_000,
    category: 'Standard Delivery',
    readyToShip: true,
    pickupCode: 'PKP4821',
    goodsCategory: 'Fashion',
    ...overrides,
  };
}

export const intercityShipment = (overrides: Partial<ShipmentDescription> = {}): ShipmentDescription =>
  hyperlocalShipment({ drop: DADAR_BUYER, ...overrides });

/** An offer as parseCatalog reads it from a partner's catalog. */
export function sampleOffer(overrides: Partial<CatalogOffer> = {}): CatalogOffer {
  return {
    bppId: 'lsp.example',
    bppUri: 'https://lsp.example/ondc',
    domain: 'ONDC:LOG10',
    providerId: 'P1',
    providerName: 'LSP Courier',
    itemId: 'I1',
    fulfillmentId: '1',
    category: 'Same Day Delivery',
    type: 'P2P',
    pricePaise: 5_900,
    tatMinutes: 45,
    tat: { duration: 'PT45M', timestamp: '2026-03-02' },
    pickupMinutes: 15,
    rto: { itemId: 'I2', pricePaise: 2_360 },
    locationIds: [],
    ...overrides,
  };
}

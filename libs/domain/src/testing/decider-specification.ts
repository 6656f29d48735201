/**
 * Given / when / then for deciders, in the style of Emmett's DeciderSpecification:
 *
 *   const spec = DeciderSpecification.for({ decide: decideOrder, evolve: evolveOrder, initialState: initialOrderState, context });
 *   spec.given([orderReceived(ids)]).when({ type: 'CancelOrder', ... }).then([{ type: 'OrderCancelled', data: { ... } }]);
 *   spec.given([]).when(command).thenThrows(ValidationError, 'VALIDATION_FAILED');
 *
 * The decision context (clock, seller, OTP matcher, policy) comes from the specification, so a
 * test is repeatable: the same history and command always give the same events. A `when` may
 * override parts of the context (a later clock, another seller). Meant for jest tests only.
 *
 * The second half of the file holds fixtures for the order and seller deciders (a fixed clock,
 * a registered seller, one factory per order event and the usual histories), so that each spec
 * states only what its rule is about.
 */

import { DeliveryOtpGenerator, DeliveryOtpRef } from '../otp/hotp';
import { invoiceTotals } from '../order/invoice-decisions';
import type { DeliveryOtpPolicy, OrderContext, RegisteredSeller } from '../order/order-context';
import type { OrderCommand, OrderCommandOf } from '../order/order-commands';
import { decideOrder } from '../order/order-decider';
import type { GpsDerivedAddress, InvoiceSnapshot, OrderEvent, OrderEventOf, PartnerReport, StoredImage } from '../order/order-events';
import { evolveOrder, initialOrderState } from '../order/order-state';
import type { OrderState } from '../order/order-state';
import { DEFAULT_SELLER_SETTINGS, SellerCommand, SellerContext, SellerEvent, SellerProfile, SellerSettings, SellerState, decideSeller, evolveSeller, initialSellerState } from '../seller/seller';
import type { Address, GeoPoint, PackageDetails, ShippingMode } from '../shared/values';

/** What the specification runs: a decider plus the context it decides in. */
export interface DeciderUnderTest<Command, Event, State, Context extends object> {
  decide(command: Command, state: State, context: Context): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
  /** The context of every `when`, or a factory that builds it from the command (e.g. the seller it names). */
  context: Context | ((command: Command) => Context);
}

/** An error class (`ValidationError`) or a test of the thrown value. */
export type ErrorClassOrPredicate = (abstract new (...args: never[]) => Error) | ((error: unknown) => boolean);

/** The expected shape of an event for `thenMatches`: any subset of its fields, at any depth. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

const isErrorClass = (candidate: ErrorClassOrPredicate): candidate is abstract new (...args: never[]) => Error =>
  candidate === Error || candidate.prototype instanceof Error;

const describeValue = (value: unknown): string => {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return `${value.name}${code !== undefined ? ` [${String(code)}]` : ''}: ${value.message}`;
  }
  return JSON.stringify(value, null, 2);
};

export class DeciderSpecification<Command, Event, State, Context extends object> {
  private constructor(private readonly decider: DeciderUnderTest<Command, Event, State, Context>) {}

  static for<Command, Event, State, Context extends object>(
    decider: DeciderUnderTest<Command, Event, State, Context>,
  ): DeciderSpecification<Command, Event, State, Context> {
    return new DeciderSpecification(decider);
  }

  /** The facts already in the stream, oldest first. */
  given(events: readonly Event[]): GivenHistory<Command, Event, State, Context> {
    return new GivenHistory(this.decider, events);
  }

  /** The state the decider rebuilds from these events (for read-side checks such as a derived status). */
  stateAfter(events: readonly Event[]): State {
    return events.reduce((state, event) => this.decider.evolve(state, event), this.decider.initialState());
  }
}

export class GivenHistory<Command, Event, State, Context extends object> {
  constructor(
    private readonly decider: DeciderUnderTest<Command, Event, State, Context>,
    private readonly history: readonly Event[],
  ) {}

  /** The command under test; `context` replaces parts of the specification's context for this one decision. */
  when(command: Command, context?: Partial<Context>): Decision<Command, Event, State, Context> {
    return new Decision(this.decider, this.history, command, context);
  }
}

type Outcome<Event> = { threw: false; events: Event[] } | { threw: true; error: unknown };

export class Decision<Command, Event, State, Context extends object> {
  constructor(
    private readonly decider: DeciderUnderTest<Command, Event, State, Context>,
    private readonly history: readonly Event[],
    private readonly command: Command,
    private readonly contextOverride: Partial<Context> | undefined,
  ) {}

  /** Exactly these events, in this order. Returns them for further checks. */
  then(expected: readonly Event[]): Event[] {
    const events = this.decidedEvents();
    expect(events).toEqual(expected);
    return events;
  }

  /** As many events as expected, each containing the expected fields (other fields may be anything). */
  thenMatches(expected: ReadonlyArray<DeepPartial<Event>>): Event[] {
    const events = this.decidedEvents();
    expect(events).toHaveLength(expected.length);
    expect(events).toMatchObject(expected as unknown as Record<string, unknown>[]);
    return events;
  }

  /** The decision is accepted, whatever it emits; returns the events (to build the next `given` from real decisions). */
  thenAccepted(): Event[] {
    return this.decidedEvents();
  }

  /** The decision is accepted and changes nothing (a repeat, an idempotent no-op). */
  thenNothingHappens(): void {
    expect(this.decidedEvents()).toEqual([]);
  }

  /**
   * The decision is refused with an error of this class (or one the predicate accepts) and, when
   * given, this `code`. A refusal writes nothing: there are no events to check. Returns the error.
   */
  thenThrows<E extends Error = Error>(expected: ErrorClassOrPredicate, code?: string): E {
    const outcome = this.run();
    if (!outcome.threw) {
      throw new Error(`Expected the decision to be refused, but it emitted:\n${describeValue(outcome.events)}`);
    }
    const { error } = outcome;
    if (isErrorClass(expected)) {
      if (!(error instanceof expected)) throw new Error(`Expected a ${expected.name}, but got ${describeValue(error)}`);
    } else if (!expected(error)) {
      throw new Error(`The thrown error did not satisfy the predicate: ${describeValue(error)}`);
    }
    if (code !== undefined) expect({ code: (error as { code?: unknown }).code, message: (error as Error).message }).toMatchObject({ code });
    return error as E;
  }

  /** The state after the history and the decided events, for checks of what the events mean. */
  thenState(): State {
    const events = this.decidedEvents();
    return [...this.history, ...events].reduce((state, event) => this.decider.evolve(state, event), this.decider.initialState());
  }

  private decidedEvents(): Event[] {
    const outcome = this.run();
    if (outcome.threw) throw new Error(`Expected events, but the decision was refused with ${describeValue(outcome.error)}`);
    return outcome.events;
  }

  private run(): Outcome<Event> {
    const { decider } = this;
    const state = this.history.reduce((s, event) => decider.evolve(s, event), decider.initialState());
    const base = typeof decider.context === 'function' ? (decider.context as (command: Command) => Context)(this.command) : decider.context;
    const context = this.contextOverride ? { ...base, ...this.contextOverride } : base;
    let events: Event[];
    try {
      events = decider.decide(this.command, state, context);
    } catch (error) {
      return { threw: true, error };
    }
    // Whatever is decided must also be replayable: evolve every event once.
    events.reduce((s, event) => decider.evolve(s, event), state);
    return { threw: false, events };
  }
}

/* ------------------------------------------------------------------------------------------------
 * Fixtures for the order and seller deciders: a fixed clock, a registered seller, valid orders and
 * one factory per order event, so a test's `given` reads as the seller's story.
 * ---------------------------------------------------------------------------------------------- */

/** The clock of every decision unless a test moves it. */
export const NOW = new Date('2026-05-04T09:00:00.000Z');
export const NOW_ISO = NOW.toISOString();
/** When the facts of a `given` happened. */
export const EARLIER = '2026-05-03T10:00:00.000Z';
export const minutesAfterNow = (minutes: number): Date => new Date(NOW.getTime() + minutes * 60_000);

let lastId = 0;
/** A new id for every test (deterministic within a test file, so failures repeat). */
export const freshId = (prefix: string): string => `${prefix}-${++lastId}`;

export interface OrderIds {
  sellerId: string;
  orderId: string;
  shipmentId: string;
}

export const freshOrderIds = (): OrderIds => ({ sellerId: freshId('seller'), orderId: freshId('order'), shipmentId: freshId('shp') });

export const KARNATAKA_GSTIN = '29AAICA3918J1ZE';

export const bengaluruPickup: Address = {
  name: 'Kaveri Handlooms Dispatch',
  phone: '9876543210',
  line1: '12 MG Road',
  city: 'Bengaluru',
  stateCode: '29',
  pincode: '560001',
};

export const puneDelivery: Address = {
  name: 'Asha Kulkarni',
  phone: '9123456780',
  line1: 'Flat 4B, Lotus Residency',
  line2: 'Baner Road',
  city: 'Pune',
  stateCode: '27',
  pincode: '411045',
};

export const mysuruDelivery: Address = {
  name: 'Ravi Shankar',
  phone: '9988776655',
  line1: '7 Sayyaji Rao Road',
  city: 'Mysuru',
  stateCode: '29',
  pincode: '570001',
};

export const sellerDefaultPackage: PackageDetails = { weightGrams: 500, lengthCm: 20, widthCm: 15, heightCm: 10 };

export const sellerProfile = (overrides: Partial<SellerProfile> = {}): SellerProfile => ({
  legalName: 'Kaveri Handlooms Private Limited',
  gstin: KARNATAKA_GSTIN,
  stateCode: '29',
  pickupAddress: bengaluruPickup,
  ...overrides,
});

export const registeredSeller = (sellerId: string, settings: Partial<SellerSettings> = {}): RegisteredSeller => ({
  sellerId,
  profile: sellerProfile(),
  settings: { ...DEFAULT_SELLER_SETTINGS, defaultPackage: sellerDefaultPackage, ...settings },
});

/** Delivery OTPs derived from a fixed test secret, so a test can compute the code the buyer got. */
export const deliveryOtp = new DeliveryOtpGenerator(Buffer.from('unit-test-delivery-otp-secret-32b'));
export const OTP_POLICY: DeliveryOtpPolicy = { ttlMs: 24 * 3600 * 1000, maxAttempts: 3, lockoutMs: 3600 * 1000, maxReissues: 3, reissueWindowMs: 3600 * 1000 };

export const otpFor = (ids: OrderIds, sequence = 1): string => deliveryOtp.otpFor({ sellerId: ids.sellerId, orderId: ids.orderId, shipmentId: ids.shipmentId, sequence });

/** A code of the right shape that is not the buyer's. */
export const wrongOtpFor = (ids: OrderIds, sequence = 1): string => {
  const right = otpFor(ids, sequence);
  return right.slice(0, -1) + String((Number(right.slice(-1)) + 1) % 10);
};

/** A PIN code directory of two entries: the fixtures' Bengaluru pickup and Pune delivery. */
export const PINCODE_POINTS: Readonly<Record<string, GeoPoint>> = { '560001': { lat: 12.9756, lng: 77.6066 }, '411045': { lat: 18.5586, lng: 73.7794 } };
export const testPincodes = (pincode: string): GeoPoint | undefined => PINCODE_POINTS[pincode];

/** The context of an order decision: the fixed clock, the seller the command names, the test OTPs. */
export const orderContext = (sellerId: string, overrides: Partial<OrderContext> = {}): OrderContext => ({
  now: NOW,
  seller: registeredSeller(sellerId),
  otp: { matches: (ref: DeliveryOtpRef, candidate: string) => deliveryOtp.matches(ref, candidate) },
  otpPolicy: OTP_POLICY,
  locatePincode: testPincodes,
  ...overrides,
});

export const orderSpecification = (): DeciderSpecification<OrderCommand, OrderEvent, OrderState, OrderContext> =>
  DeciderSpecification.for({
    decide: decideOrder,
    evolve: evolveOrder,
    initialState: initialOrderState,
    context: (command: OrderCommand) => orderContext(command.sellerId),
  });

export const sellerSpecification = (): DeciderSpecification<SellerCommand, SellerEvent, SellerState, SellerContext> =>
  DeciderSpecification.for({ decide: decideSeller, evolve: evolveSeller, initialState: initialSellerState, context: sellerContext() });

/** What seller decisions consult: the clock, and the WhatsApp codes derived like the delivery OTP. */
export const sellerContext = (overrides: Partial<SellerContext> = {}): SellerContext => ({
  now: NOW,
  whatsappCodes: { matches: (ref, candidate) => deliveryOtp.whatsappNumberCodeMatches(ref, candidate) },
  ...overrides,
});

export const whatsappCodeFor = (sellerId: string, number: string, sequence = 1): string => deliveryOtp.whatsappNumberCodeFor({ sellerId, number, sequence });

export const image = (seed: number): StoredImage => ({
  sha256: seed.toString(16).padStart(64, 'a'),
  contentType: 'image/jpeg',
  sizeBytes: 48_213 + seed,
});

/** A valid order as the storefront sends it: one saree and shipping, cash on delivery, to Pune. */
export const receiveOrder = (ids: OrderIds, overrides: Partial<OrderCommandOf<'ReceiveOrder'>> = {}): OrderCommandOf<'ReceiveOrder'> => ({
  type: 'ReceiveOrder',
  sellerId: ids.sellerId,
  orderId: ids.orderId,
  salesChannel: 'storefront',
  items: [{ sku: 'SAREE-SILK-01', name: 'Mysore silk saree', hsnCode: '5007', quantity: 1, unit: 'NOS', unitPricePaise: 450_000, discountPaise: 50_000, taxRatePercent: 5 }],
  charges: [{ description: 'Shipping', sacCode: '9965', amountPaise: 5_000, taxRatePercent: 18 }],
  buyer: { name: 'Asha Kulkarni', phone: '9123456780' },
  deliveryAddress: puneDelivery,
  paymentMethod: 'cod',
  ...overrides,
});

/* --- one factory per order event; each fact happened at EARLIER ------------------------------- */

type Data<T extends OrderEvent['type']> = OrderEventOf<T>['data'];
const ref = (ids: OrderIds) => ({ orderId: ids.orderId, shipmentId: ids.shipmentId });

export function orderReceived(ids: OrderIds, overrides: Partial<Data<'OrderReceived'>> = {}): OrderEventOf<'OrderReceived'> {
  const { type: _type, ...command } = receiveOrder(ids);
  const { package: _package, ...rest } = command;
  const data: Data<'OrderReceived'> = { ...rest, totalPaise: 0, receivedAt: EARLIER, ...overrides };
  const totals = invoiceTotals({ supplier: sellerSnapshotParty(), placeOfSupplyStateCode: data.deliveryAddress.stateCode, items: data.items, charges: data.charges });
  return { type: 'OrderReceived', data: { ...data, totalPaise: overrides.totalPaise ?? totals.grandTotalPaise } };
}

const sellerSnapshotParty = (): InvoiceSnapshot['supplier'] => {
  const profile = sellerProfile();
  return { legalName: profile.legalName, gstin: profile.gstin, stateCode: profile.stateCode, address: profile.pickupAddress };
};

/** The invoice of an order received with `orderReceived(ids, received)` (same items, buyer and address). */
export function invoiceGenerated(
  ids: OrderIds,
  options: { invoiceNumber?: string; received?: Partial<Data<'OrderReceived'>> } = {},
): OrderEventOf<'InvoiceGenerated'> {
  const order = orderReceived(ids, options.received ?? {}).data;
  const snapshot: InvoiceSnapshot = {
    supplier: sellerSnapshotParty(),
    buyer: order.buyer,
    deliveryAddress: order.deliveryAddress,
    placeOfSupplyStateCode: order.deliveryAddress.stateCode,
    items: order.items,
    charges: order.charges,
    paymentMethod: order.paymentMethod,
  };
  return {
    type: 'InvoiceGenerated',
    data: {
      orderId: ids.orderId,
      sellerId: ids.sellerId,
      invoiceNumber: options.invoiceNumber ?? 'INV/00001',
      financialYear: '2026-27',
      invoiceDate: EARLIER,
      revision: 1,
      numberSource: 'sequence',
      auto: false,
      snapshot,
      totals: invoiceTotals(snapshot),
    },
  };
}

export function shipmentCreated(ids: OrderIds, options: { mode?: ShippingMode; package?: PackageDetails; reshipOf?: string } = {}): OrderEventOf<'ShipmentCreated'> {
  const order = orderReceived(ids).data;
  return {
    type: 'ShipmentCreated',
    data: {
      ...ref(ids),
      sellerId: ids.sellerId,
      mode: options.mode ?? 'on-network',
      package: options.package ?? sellerDefaultPackage,
      // Both ends located as ONDC searches need them (an off-network shipment keeps the addresses as given).
      ...((options.mode ?? 'on-network') === 'on-network'
        ? {
            pickupAddress: { ...bengaluruPickup, gps: PINCODE_POINTS['560001']! },
            deliveryAddress: { ...order.deliveryAddress, gps: PINCODE_POINTS['411045']! },
          }
        : { pickupAddress: bengaluruPickup, deliveryAddress: order.deliveryAddress }),
      paymentMethod: order.paymentMethod,
      codAmountPaise: order.totalPaise,
      ...(options.reshipOf ? { reshipOf: options.reshipOf } : {}),
      ...((options.mode ?? 'on-network') === 'on-network' ? { gpsFromPincode: ['pickupAddress', 'deliveryAddress'] as GpsDerivedAddress[] } : {}),
      createdAt: EARLIER,
    },
  };
}

export const shippingLabelGenerated = (ids: OrderIds, labelVersion = 1, carrier?: { awb: string; carrierName: string }): OrderEventOf<'ShippingLabelGenerated'> => ({
  type: 'ShippingLabelGenerated',
  data: { ...ref(ids), labelVersion, ...(carrier ?? {}), generatedAt: EARLIER },
});

export const shipmentMarkedReadyToShip = (ids: OrderIds, attempt = 1, mode: ShippingMode = 'on-network'): OrderEventOf<'ShipmentMarkedReadyToShip'> => ({
  type: 'ShipmentMarkedReadyToShip',
  data: { ...ref(ids), sellerId: ids.sellerId, mode, attempt, bulk: false, markedAt: EARLIER },
});

export const packageImageRecorded = (ids: OrderIds, seed: number): OrderEventOf<'PackageImageRecorded'> => ({
  type: 'PackageImageRecorded',
  data: { ...ref(ids), image: image(seed), recordedAt: EARLIER },
});

export const PARTNER = { partnerId: 'lsp.example.in', partnerName: 'Swift Logistics', networkOrderId: 'NO12345', awb: 'AWB900001' };

export const logisticsPartnerAssigned = (ids: OrderIds, partner: Partial<typeof PARTNER> = {}): OrderEventOf<'LogisticsPartnerAssigned'> => ({
  type: 'LogisticsPartnerAssigned',
  data: { ...ref(ids), ...PARTNER, ...partner, assignedAt: EARLIER },
});

export const noLogisticsPartnerFound = (ids: OrderIds): OrderEventOf<'NoLogisticsPartnerFound'> => ({
  type: 'NoLogisticsPartnerFound',
  data: { ...ref(ids), reason: 'No partner serves pincode 411045', candidatesTried: 3, reportedAt: EARLIER },
});

export const shipmentModeSwitched = (ids: OrderIds): OrderEventOf<'ShipmentModeSwitched'> => ({
  type: 'ShipmentModeSwitched',
  data: { ...ref(ids), from: 'on-network', to: 'off-network', switchedAt: EARLIER },
});

/** The status event a partner report becomes, as `decidePartnerReport` writes it. */
export function partnerReported(ids: OrderIds, report: PartnerReport, reportedAt = EARLIER): OrderEvent {
  const r = ref(ids);
  switch (report) {
    case 'agent_assigned':
      return { type: 'DeliveryAgentAssigned', data: { ...r, agentName: 'Ramesh', agentPhone: '9000000001', reportedAt } };
    case 'picked_up':
      return { type: 'ShipmentPickedUp', data: { ...r, reportedAt } };
    case 'in_transit':
      return { type: 'ShipmentInTransit', data: { ...r, reportedAt } };
    case 'out_for_delivery':
      return { type: 'ShipmentOutForDelivery', data: { ...r, reportedAt } };
    case 'delivered':
      return { type: 'ShipmentDelivered', data: { ...r, via: 'partner', deliveredAt: reportedAt } };
    case 'cancelled':
      return { type: 'ShipmentCancelledByPartner', data: { ...r, reason: 'Cancelled by the logistics partner', reportedAt } };
    case 'rto_initiated':
      return { type: 'ShipmentRtoInitiated', data: { ...r, reportedAt } };
    case 'rto_delivered':
      return { type: 'ShipmentRtoDelivered', data: { ...r, reportedAt } };
    case 'rto_disposed':
      return { type: 'ShipmentRtoDisposed', data: { ...r, reportedAt } };
    case 'pickup_failed':
    case 'delivery_failed':
      return {
        type: 'ShipmentAttemptFailed',
        data: { ...r, stage: report === 'pickup_failed' ? 'pickup' : 'delivery', attempt: 1, reason: 'ONDC delay reason 005', reasonCode: '005', by: 'partner', reportedAt },
      };
    case 'pickup_rescheduled':
    case 'delivery_rescheduled':
      return { type: 'ShipmentAttemptRescheduled', data: { ...r, stage: report === 'pickup_rescheduled' ? 'pickup' : 'delivery', reportedAt } };
  }
}

export const COURIER = { courierName: 'DTDC', trackingNumber: 'D12345678' };

export const shipmentMarkedShipped = (ids: OrderIds, images: StoredImage[] = []): OrderEventOf<'ShipmentMarkedShipped'> => ({
  type: 'ShipmentMarkedShipped',
  data: { ...ref(ids), ...COURIER, images, shippedAt: EARLIER },
});

/** Issued at EARLIER, valid for OTP_POLICY.ttlMs from then unless `expiresAt` says otherwise. */
export const deliveryOtpIssued = (ids: OrderIds, expiresAt = new Date(Date.parse(EARLIER) + OTP_POLICY.ttlMs).toISOString()): OrderEventOf<'DeliveryOtpIssued'> => ({
  type: 'DeliveryOtpIssued',
  data: { ...ref(ids), otpSequence: 1, issuedAt: EARLIER, expiresAt },
});

export const deliveryOtpRejected = (ids: OrderIds, failedAttempts: number, otpSequence = 1): OrderEventOf<'DeliveryOtpRejected'> => ({
  type: 'DeliveryOtpRejected',
  data: { ...ref(ids), otpSequence, failedAttempts, attemptsLeft: Math.max(0, OTP_POLICY.maxAttempts - failedAttempts), rejectedAt: EARLIER },
});

export const deliveryOtpLocked = (ids: OrderIds, otpSequence = 1, lockedAt = EARLIER): OrderEventOf<'DeliveryOtpLocked'> => ({
  type: 'DeliveryOtpLocked',
  data: { ...ref(ids), otpSequence, failedAttempts: OTP_POLICY.maxAttempts, lockedAt },
});

export const deliveryOtpReissued = (ids: OrderIds, otpSequence: number, issuedAt = EARLIER): OrderEventOf<'DeliveryOtpReissued'> => ({
  type: 'DeliveryOtpReissued',
  data: { ...ref(ids), otpSequence, issuedAt, expiresAt: new Date(Date.parse(issuedAt) + OTP_POLICY.ttlMs).toISOString() },
});

export const shipmentCancelled = (ids: OrderIds, partnerAssigned = false): OrderEventOf<'ShipmentCancelled'> => ({
  type: 'ShipmentCancelled',
  data: { ...ref(ids), reason: 'Buyer changed their mind', partnerAssigned, cancelledAt: EARLIER },
});

export const orderCancelled = (ids: OrderIds): OrderEventOf<'OrderCancelled'> => ({
  type: 'OrderCancelled',
  data: { orderId: ids.orderId, sellerId: ids.sellerId, reason: 'Buyer changed their mind', cancelledAt: EARLIER },
});

/* --- the usual histories ----------------------------------------------------------------------- */

/** Received and invoiced; no shipment yet. */
export const invoicedOrder = (ids: OrderIds): OrderEvent[] => [orderReceived(ids), invoiceGenerated(ids)];

/** Invoiced, with a shipment created and its first label ("ship now"). */
export const packedOrder = (ids: OrderIds, mode: ShippingMode = 'on-network'): OrderEvent[] => [
  ...invoicedOrder(ids),
  shipmentCreated(ids, { mode }),
  shippingLabelGenerated(ids),
];

/** An on-network shipment marked ready to ship, waiting for the ONDC adapter to find a partner. */
export const readyForPickup = (ids: OrderIds): OrderEvent[] => [...packedOrder(ids), shipmentMarkedReadyToShip(ids)];

/** A partner confirmed the shipment and its AWB is on label version 2. */
export const partnerConfirmed = (ids: OrderIds): OrderEvent[] => [
  ...readyForPickup(ids),
  logisticsPartnerAssigned(ids),
  shippingLabelGenerated(ids, 2, { awb: PARTNER.awb, carrierName: PARTNER.partnerName }),
];

const DELIVERY_ROUTE: readonly PartnerReport[] = ['agent_assigned', 'picked_up', 'in_transit', 'out_for_delivery', 'delivered'];
const RETURN_ROUTE: readonly PartnerReport[] = ['agent_assigned', 'picked_up', 'in_transit', 'rto_initiated'];

/** A confirmed partner's reports up to and including `last`, in the order a journey goes. */
export function partnerJourney(ids: OrderIds, last: PartnerReport): OrderEvent[] {
  const route: readonly PartnerReport[] =
    last === 'cancelled'
      ? ['agent_assigned', 'cancelled']
      : last === 'rto_delivered' || last === 'rto_disposed'
        ? [...RETURN_ROUTE, last]
        : last === 'rto_initiated'
          ? RETURN_ROUTE
          : DELIVERY_ROUTE.slice(0, DELIVERY_ROUTE.indexOf(last) + 1);
  return [...partnerConfirmed(ids), ...route.map((report) => partnerReported(ids, report))];
}

/** An off-network shipment the seller marked shipped with their courier; OTP 1 sent to the buyer. */
export const shippedOffNetwork = (ids: OrderIds, otpExpiresAt?: string): OrderEvent[] => [
  ...packedOrder(ids, 'off-network'),
  shipmentMarkedShipped(ids),
  shippingLabelGenerated(ids, 2, { awb: COURIER.trackingNumber, carrierName: COURIER.courierName }),
  otpExpiresAt === undefined ? deliveryOtpIssued(ids) : deliveryOtpIssued(ids, otpExpiresAt),
];

/**
 * A mixed, repeatable workload of order lifecycles for tests and benchmarks. Every event is made
 * by the domain's own decider (`decideOrder` on the state folded with `evolveOrder`), so the
 * stream holds exactly what the command side would write; only invoice numbers are handed out
 * here instead of by the number-series streams.
 */
import {
  DEFAULT_DELIVERY_OTP_POLICY,
  DeliveryOtpGenerator,
  decideIssue,
  decideOrder,
  evolveIssue,
  evolveOrder,
  initialIssueState,
  initialOrderState,
  issueStream,
  orderStream,
  type ActiveOrder,
  type EventMetadata,
  type GeoPoint,
  type IssueCommand,
  type IssueState,
  type OrderCommand,
  type OrderContext,
  type OrderState,
  type PartnerReport,
  type RegisteredSeller,
} from '@fulfil/domain';
import type { EventStore, JsonObject, NewEvent, Position } from '@fulfil/event-store';

export type ScenarioName =
  | 'received'
  | 'invoiced'
  | 'on_network_delivered'
  | 'off_network_delivered'
  | 'no_partner_then_courier'
  | 'returned_and_reshipped'
  | 'cancelled_before_pickup'
  | 'corrected_invoice_otp_locked'
  | 'partner_cancelled_reshipped'
  | 'rto_disposed'
  | 'seller_cancelled_shipment'
  | 'failed_attempts_returned';

export const SCENARIOS: readonly ScenarioName[] = [
  'received',
  'invoiced',
  'on_network_delivered',
  'off_network_delivered',
  'no_partner_then_courier',
  'returned_and_reshipped',
  'cancelled_before_pickup',
  'corrected_invoice_otp_locked',
  'partner_cancelled_reshipped',
  'rto_disposed',
  'seller_cancelled_shipment',
  'failed_attempts_returned',
];

export interface WorkloadOptions {
  sellerIds: readonly string[];
  /** Stop once at least this many events are appended (the last order's lifecycle completes). */
  events?: number;
  /** Or a number of orders. */
  orders?: number;
  /** Scenarios to draw from, all by default; the first `SCENARIOS.length` orders take each one once. */
  scenarios?: readonly ScenarioName[];
  seed?: number;
  /** Simulated clock start; every command moves it 37 seconds on. */
  start?: Date;
  /** Order ids are `${orderIdPrefix}${n}`; vary it to append a second workload to the same store. */
  orderIdPrefix?: string;
  /** Invoice numbers are `${numberPrefix}00001` on, credit notes `${numberPrefix}CN/00001`: vary it too (numbers are unique per seller). */
  numberPrefix?: string;
  /** Orders moved forward together, a few commands each per round, so their events interleave in the store. */
  concurrentOrders?: number;
  /** Commands of one order whose events go into one append (default 1, as the command side does); more fills a large store faster. */
  commandsPerAppend?: number;
}

export interface WorkloadResult {
  orders: number;
  events: number;
  lastPosition: Position;
  eventTypes: Set<string>;
  /** Final folded state of every order, by order id. */
  states: Map<string, ActiveOrder>;
}

const OTP_SECRET = Buffer.from('read-models-workload-otp-secret!');

/** mulberry32: small, fast and repeatable. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const workloadSeller = (sellerId: string): RegisteredSeller => ({
  sellerId,
  profile: {
    legalName: `Seller ${sellerId}`,
    gstin: '29ABCDE1234F1ZW',
    stateCode: '29',
    pickupAddress: { name: 'Dispatch', phone: '9876543210', line1: '12 MG Road', city: 'Bengaluru', stateCode: '29', pincode: '560001' },
  },
  settings: { autoInvoice: false, autoManifest: false, invoicePrefix: 'INV/', defaultShippingMode: 'on-network' },
});

const BUYER_STATES = [
  { stateCode: '27', city: 'Pune', pincode: '411045' },
  { stateCode: '29', city: 'Mysuru', pincode: '570001' },
  { stateCode: '07', city: 'New Delhi', pincode: '110001' },
];

/** Where the workload's PIN codes lie (the pickup and each buyer city), so on-network shipments can be searched. */
const WORKLOAD_PINCODES: Readonly<Record<string, GeoPoint>> = {
  '560001': { lat: 12.9756, lng: 77.6066 },
  '411045': { lat: 18.5586, lng: 73.7794 },
  '570001': { lat: 12.3072, lng: 76.6497 },
  '110001': { lat: 28.6328, lng: 77.2197 },
};
const workloadPincodes = (pincode: string): GeoPoint | undefined => WORKLOAD_PINCODES[pincode];

/** The next command of a lifecycle, given the order as folded so far and the simulated time. */
type Step = (order: OrderInProgress, now: Date) => OrderCommand;

interface OrderInProgress {
  orderId: string;
  sellerId: string;
  scenario: ScenarioName;
  state: OrderState;
  revision: bigint | undefined;
  step: number;
  variant: number;
}

const active = (order: OrderInProgress): ActiveOrder => order.state as ActiveOrder;
const shipmentId = (order: OrderInProgress, n: number) => `${order.orderId}-s${n}`;
const current = (order: OrderInProgress) => active(order).shipments[active(order).shipments.length - 1]!;

class CommandFactory {
  private readonly invoiceSequences = new Map<string, number>();
  private readonly otp = new DeliveryOtpGenerator(OTP_SECRET);

  constructor(readonly numberPrefix: string) {}

  nextNumber(sellerId: string, prefix: string): string {
    const next = (this.invoiceSequences.get(`${sellerId}${prefix}`) ?? 0) + 1;
    this.invoiceSequences.set(`${sellerId}${prefix}`, next);
    return `${prefix}${String(next).padStart(5, '0')}`;
  }

  otpFor(order: OrderInProgress, valid: boolean): string {
    const shipment = current(order);
    const right = this.otp.otpFor({ sellerId: order.sellerId, orderId: order.orderId, shipmentId: shipment.shipmentId, sequence: shipment.otp?.sequence ?? 1 });
    if (valid) return right;
    return right === '000000' ? '111111' : '000000';
  }

  get otpGenerator(): DeliveryOtpGenerator {
    return this.otp;
  }

  receive(order: OrderInProgress): OrderCommand {
    const place = BUYER_STATES[order.variant % BUYER_STATES.length]!;
    return {
      type: 'ReceiveOrder',
      sellerId: order.sellerId,
      orderId: order.orderId,
      salesChannel: order.variant % 2 ? 'storefront' : 'whatsapp',
      ...(order.variant % 3 === 0 ? { externalRef: `EXT-${order.orderId}` } : {}),
      items: [
        { sku: 'SAREE-01', name: 'Mysore silk saree', hsnCode: '5007', quantity: 1 + (order.variant % 2), unit: 'NOS', unitPricePaise: 450000, discountPaise: 50000, taxRatePercent: 5 },
        { sku: 'STOLE-02', name: 'Cotton stole', hsnCode: '6214', quantity: 2, unit: 'NOS', unitPricePaise: 60000 + order.variant * 100, discountPaise: 0, taxRatePercent: 5 },
      ],
      charges: [{ description: 'Shipping', sacCode: '9965', amountPaise: 5000, taxRatePercent: 18 }],
      buyer: { name: `Buyer ${order.variant}`, phone: '9123456780' },
      deliveryAddress: { name: `Buyer ${order.variant}`, phone: '9123456780', line1: 'Flat 4B, Lotus Residency', city: place.city, stateCode: place.stateCode, pincode: place.pincode },
      paymentMethod: order.variant % 4 === 0 ? 'prepaid' : 'cod',
      package: { weightGrams: 800, lengthCm: 30, widthCm: 25, heightCm: 5 },
    };
  }
}

type Base = { sellerId: string; orderId: string };
const base = (o: OrderInProgress): Base => ({ sellerId: o.sellerId, orderId: o.orderId });
const partnerId = 'lsp.swift';

function steps(factory: CommandFactory): Record<ScenarioName, Step[]> {
  const receive: Step = (o) => factory.receive(o);
  const invoiceNumber = (o: OrderInProgress) => factory.nextNumber(o.sellerId, factory.numberPrefix);
  const invoice: Step = (o) => ({ type: 'GenerateInvoice', ...base(o), invoiceNumber: invoiceNumber(o), numberSource: 'sequence', auto: false });
  const ship =
    (mode: 'on-network' | 'off-network', n = 1): Step =>
    (o) => ({ type: 'CreateShipment', ...base(o), shipmentId: shipmentId(o, n), mode });
  const rts: Step = (o) => ({ type: 'MarkShipmentReadyToShip', ...base(o), shipmentId: current(o).shipmentId, bulk: o.variant % 2 === 0 });
  const assign: Step = (o) => ({
    type: 'AssignLogisticsPartner',
    ...base(o),
    shipmentId: current(o).shipmentId,
    partnerId,
    partnerName: 'Swift Couriers',
    networkOrderId: `NO${o.variant}x${active(o).shipments.length}`,
    awb: `AWB${o.variant}${active(o).shipments.length}`,
  });
  const report =
    (kind: PartnerReport): Step =>
    (o, now) => ({ type: 'RecordPartnerReport', ...base(o), shipmentId: current(o).shipmentId, partnerId, report: kind, reportedAt: now.toISOString(), agentName: 'Ravi' });
  const attempt =
    (kind: 'pickup_failed' | 'pickup_rescheduled' | 'delivery_failed' | 'delivery_rescheduled', reasonCode: string): Step =>
    (o, now) => ({ ...(report(kind)(o, now) as Extract<OrderCommand, { type: 'RecordPartnerReport' }>), reasonCode, nextAttemptAt: new Date(now.getTime() + 86_400_000).toISOString() });
  const reattempt: Step = (o) => ({ type: 'RequestReattempt', ...base(o), shipmentId: current(o).shipmentId });
  const shipped: Step = (o) => ({ type: 'MarkShipmentShipped', ...base(o), shipmentId: current(o).shipmentId, courierName: 'Blue Dart', trackingNumber: `BD${o.variant}000` });
  const verify =
    (valid: boolean): Step =>
    (o) => ({ type: 'VerifyDeliveryOtp', ...base(o), shipmentId: current(o).shipmentId, otp: factory.otpFor(o, valid) });
  const reissue: Step = (o) => ({ type: 'ReissueDeliveryOtp', ...base(o), shipmentId: current(o).shipmentId });
  const reship =
    (reason: 'returned' | 'cancelled', n: number): Step =>
    (o) => ({ type: 'ReshipOrder', ...base(o), shipmentId: shipmentId(o, n), reason, mode: 'on-network' });
  const wrongFive = Array.from({ length: DEFAULT_DELIVERY_OTP_POLICY.maxAttempts }, () => verify(false));
  const delivered = [report('agent_assigned'), report('picked_up'), report('in_transit'), report('out_for_delivery'), report('delivered')];
  return {
    received: [receive],
    invoiced: [receive, invoice],
    on_network_delivered: [receive, invoice, ship('on-network'), rts, assign, ...delivered, report('in_transit')],
    off_network_delivered: [receive, invoice, ship('off-network'), shipped, verify(false), verify(true)],
    no_partner_then_courier: [
      receive,
      invoice,
      ship('on-network'),
      rts,
      (o) => ({ type: 'RecordNoPartnerFound', ...base(o), shipmentId: current(o).shipmentId, reason: 'No partner serves this pincode', candidatesTried: 3 }),
      (o) => ({ type: 'SwitchShipmentToOffNetwork', ...base(o), shipmentId: current(o).shipmentId }),
      shipped,
      reissue,
      verify(true),
    ],
    returned_and_reshipped: [
      receive,
      invoice,
      ship('on-network'),
      rts,
      assign,
      report('picked_up'),
      report('rto_initiated'),
      report('rto_delivered'),
      reship('returned', 2),
      rts,
      assign,
      report('picked_up'),
      report('delivered'),
    ],
    cancelled_before_pickup: [
      receive,
      invoice,
      ship('on-network'),
      rts,
      (o) => ({
        type: 'RecordPackageImage',
        ...base(o),
        shipmentId: current(o).shipmentId,
        image: { sha256: 'a'.repeat(63) + (o.variant % 10), contentType: 'image/jpeg', sizeBytes: 2048 },
      }),
      // An invoiced order is cancelled with a credit note for its invoice, as the command side numbers it.
      (o) => ({ type: 'CancelOrder', ...base(o), reason: 'Buyer changed their mind', creditNoteNumber: factory.nextNumber(o.sellerId, `${factory.numberPrefix}CN/`) }),
    ],
    corrected_invoice_otp_locked: [
      receive,
      invoice,
      (o) => ({ type: 'RegenerateInvoice', ...base(o), reason: 'Typo in the address', corrections: { deliveryAddress: { line1: 'Flat 4B, Lotus Residency, Baner' } } }),
      (o) => ({
        type: 'RegenerateInvoice',
        ...base(o),
        reason: 'Price corrected',
        corrections: { items: active(o).items.map((item) => ({ ...item, unitPricePaise: item.unitPricePaise - 1000 })) },
        newInvoiceNumber: invoiceNumber(o),
        creditNoteNumber: factory.nextNumber(o.sellerId, `${factory.numberPrefix}CN/`),
      }),
      ship('off-network'),
      shipped,
      ...wrongFive,
      reissue,
      verify(true),
    ],
    partner_cancelled_reshipped: [receive, invoice, ship('on-network'), rts, assign, report('cancelled'), reship('cancelled', 2), rts],
    rto_disposed: [receive, invoice, ship('on-network'), rts, assign, report('picked_up'), report('rto_initiated'), report('rto_disposed')],
    failed_attempts_returned: [
      receive,
      invoice,
      ship('on-network'),
      rts,
      assign,
      report('agent_assigned'),
      attempt('pickup_failed', '004'),
      reattempt,
      attempt('pickup_rescheduled', '004'),
      report('picked_up'),
      report('out_for_delivery'),
      attempt('delivery_failed', '005'),
      reattempt,
      report('out_for_delivery'),
      attempt('delivery_failed', '005'),
      (o) => ({ type: 'RequestReturnToOrigin', ...base(o), shipmentId: current(o).shipmentId, note: 'Buyer unreachable' }),
      report('rto_initiated'),
      report('rto_delivered'),
    ],
    seller_cancelled_shipment: [
      receive,
      invoice,
      ship('on-network'),
      (o) => ({ type: 'CancelShipment', ...base(o), shipmentId: current(o).shipmentId, reason: 'Wrong package size' }),
      ship('off-network', 2),
    ],
  };
}

/** Appends the workload to the store; returns what it wrote. */
export async function appendOrderWorkload(store: EventStore, options: WorkloadOptions): Promise<WorkloadResult> {
  const factory = new CommandFactory(options.numberPrefix ?? 'INV/');
  const scenarioSteps = steps(factory);
  const scenarios = options.scenarios ?? SCENARIOS;
  const random = seededRandom(options.seed ?? 42);
  const start = (options.start ?? new Date('2026-04-01T04:30:00.000Z')).getTime();
  const prefix = options.orderIdPrefix ?? 'wl-';
  const concurrency = options.concurrentOrders ?? 16;
  const commandsPerAppend = options.commandsPerAppend ?? 1;
  const result: WorkloadResult = { orders: 0, events: 0, lastPosition: 0n, eventTypes: new Set(), states: new Map() };
  const wantMore = () => (options.events !== undefined ? result.events < options.events : result.orders < (options.orders ?? 0));
  let commands = 0;
  const inProgress: OrderInProgress[] = [];

  const startOrder = () => {
    const n = result.orders++;
    const scenario = n < scenarios.length ? scenarios[n]! : scenarios[Math.floor(random() * scenarios.length)]!;
    inProgress.push({ orderId: `${prefix}${n}`, sellerId: options.sellerIds[n % options.sellerIds.length]!, scenario, state: initialOrderState(), revision: undefined, step: 0, variant: n });
  };

  while (inProgress.length > 0 || wantMore()) {
    while (inProgress.length < concurrency && wantMore()) startOrder();
    for (const order of [...inProgress]) {
      const lifecycle = scenarioSteps[order.scenario];
      const pending: NewEvent[] = [];
      for (let taken = 0; taken < commandsPerAppend && order.step < lifecycle.length; taken++) {
        const now = new Date(start + commands++ * 37_000);
        pending.push(...decideStep(order, lifecycle[order.step++]!(order, now), now, factory, result));
      }
      if (pending.length > 0) await appendEvents(store, order, pending, result);
      if (order.step >= lifecycle.length) {
        inProgress.splice(inProgress.indexOf(order), 1);
        result.states.set(order.orderId, active(order));
      }
    }
  }
  return result;
}

/** Decides one command on the order as folded so far and folds its events in; returns them ready to append. */
/** Workload clocks move seconds per command, so the lock lifts at once: scenarios lock and reissue in a row. */
const WORKLOAD_OTP_POLICY = { ...DEFAULT_DELIVERY_OTP_POLICY, lockoutMs: 0 };

function decideStep(order: OrderInProgress, command: OrderCommand, now: Date, factory: CommandFactory, result: WorkloadResult): NewEvent[] {
  const context: OrderContext = { now, seller: workloadSeller(order.sellerId), otp: factory.otpGenerator, otpPolicy: WORKLOAD_OTP_POLICY, locatePincode: workloadPincodes };
  const events = decideOrder(command, order.state, context);
  const partner = command.type === 'RecordPartnerReport' || command.type === 'AssignLogisticsPartner' || command.type === 'RecordNoPartnerFound';
  const metadata: EventMetadata = {
    actor: partner ? { type: 'ondc-logistics', id: 'ondc-adapter' } : { type: 'seller', id: order.sellerId },
    channel: partner ? 'ondc' : 'api',
    correlationId: `${order.orderId}-${order.step}`,
    causationId: `${order.orderId}-${order.step}`,
  };
  order.state = events.reduce(evolveOrder, order.state);
  result.events += events.length;
  for (const e of events) result.eventTypes.add(e.type);
  return events.map((e) => ({ type: e.type, data: e.data as unknown as JsonObject, metadata: metadata as unknown as JsonObject }));
}

async function appendEvents(store: EventStore, order: OrderInProgress, events: NewEvent[], result: WorkloadResult): Promise<void> {
  const appended = await store.append(orderStream(order.sellerId, order.orderId), events, { expectedRevision: order.revision ?? 'no_stream' });
  order.revision = appended.nextExpectedRevision;
  result.lastPosition = appended.position;
}

/**
 * Issues about the workload's on-network shipments that have a partner, one per order up to
 * `count`, each driven through a refund proposed and accepted, resolved and closed (six events):
 * so rebuilds and reads meet issue streams too. Returns the last position appended.
 */
export async function appendIssueWorkload(store: EventStore, workload: WorkloadResult, count: number): Promise<Position> {
  let last = workload.lastPosition;
  const withPartner = [...workload.states.values()].filter((o) => o.shipments.some((s) => s.partner)).slice(0, count);
  for (const [n, order] of withPartner.entries()) {
    const shipment = order.shipments.find((s) => s.partner)!;
    const issueId = `wl-iss-${n}`;
    const at = (minutes: number) => new Date(Date.parse('2026-04-20T04:30:00.000Z') + (n * 10 + minutes) * 60_000);
    const resolution = { resolutionId: `R-${n}`, kind: 'refund' as const, text: 'Refund of the delivery charge', refundPaise: 5_000 };
    const steps: Array<{ command: IssueCommand; now: Date }> = [
      { command: { type: 'RaiseIssue', sellerId: order.sellerId, issueId, orderId: order.orderId, shipmentId: shipment.shipmentId, kind: n % 2 ? 'delayed' : 'damaged', description: 'Workload issue' }, now: at(0) },
      { command: { type: 'RecordIssueResponse', sellerId: order.sellerId, issueId, actionId: `P-${n}-1`, response: 'processing', text: 'Looking into it', level: 'issue', respondedAt: at(1).toISOString() }, now: at(1) },
      { command: { type: 'RecordIssueResponse', sellerId: order.sellerId, issueId, actionId: `P-${n}-2`, response: 'resolution_proposed', text: 'Refund', level: 'issue', resolution, respondedAt: at(2).toISOString() }, now: at(2) },
      { command: { type: 'AcceptIssueResolution', sellerId: order.sellerId, issueId }, now: at(3) },
      { command: { type: 'RecordIssueResponse', sellerId: order.sellerId, issueId, actionId: `P-${n}-3`, response: 'resolved', text: 'Refunded', level: 'issue', resolution, respondedAt: at(4).toISOString() }, now: at(4) },
      { command: { type: 'CloseIssue', sellerId: order.sellerId, issueId, satisfied: true }, now: at(5) },
    ];
    let state: IssueState = initialIssueState();
    const events: NewEvent[] = [];
    for (const { command, now } of steps) {
      const decided = decideIssue(command, state, { now, order });
      state = decided.reduce(evolveIssue, state);
      const metadata: EventMetadata = { actor: { type: 'seller', id: order.sellerId }, channel: 'api', correlationId: `${issueId}-${events.length}`, causationId: `${issueId}-${events.length}` };
      events.push(...decided.map((e) => ({ type: e.type, data: e.data as unknown as JsonObject, metadata: metadata as unknown as JsonObject })));
    }
    last = (await store.append(issueStream(order.sellerId, issueId), events, { expectedRevision: 'no_stream' })).position;
  }
  return last;
}

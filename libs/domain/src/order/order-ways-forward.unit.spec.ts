/**
 * No order is ever stuck. Starting from a received order, every command is tried with
 * representative inputs in every state reached, breadth first, until no new state appears. Then:
 *
 * - every state that is not final has an allowed command that changes it (a way forward), and
 *   from every state some final state can be reached: no dead end, no trap of states that only
 *   lead to one another;
 * - the final states are the intended ones: cancelled (a return to origin included); delivered
 *   with no return under way; returned with every unit credited.
 *
 * The inputs come from `WAYS`, typed by the command union: a command added to `OrderCommand`
 * does not compile until it is given inputs here, and new states it leads to are explored.
 */
import { DomainError } from '../shared/domain-error';
import { DeliveryOtpGenerator } from '../otp/hotp';
import { NOW, registeredSeller } from '../testing/decider-specification';
import type { DeliveryOtpPolicy, OrderContext } from './order-context';
import { OrderCommand, OrderCommandOf, OrderCommandType, PARTNER_REPORTS } from './order-commands';
import { decideOrder } from './order-decider';
import type { OrderEvent } from './order-events';
import {
  ActiveOrder,
  DISPATCHED_SHIPMENT_STATUSES,
  OPEN_RETURN_STATUSES,
  OrderState,
  currentShipment,
  evolveOrder,
  initialOrderState,
  isTerminal,
  returnsOf,
} from './order-state';
import { activeOrderStatus } from './order-status';
import { orderWaysForward, type OrderWayForward } from './ways-forward';

const SELLER = 'seller-ways';
const ORDER = 'order-ways';
const otp = new DeliveryOtpGenerator(Buffer.from('ways-forward-delivery-otp-secret'));
// The production default: a fresh code may lift a lock at once. Reissues are bounded by the inputs below instead.
const otpPolicy: DeliveryOtpPolicy = { ttlMs: 7 * 24 * 3600 * 1000, maxAttempts: 2, lockoutMs: 0, maxReissues: 100, reissueWindowMs: 3600 * 1000 };
// Every PIN code is found: the refusal of an unknown one writes nothing and is proven beside its decision.
const context: OrderContext = { now: NOW, seller: registeredSeller(SELLER), otp, otpPolicy, locatePincode: () => ({ lat: 18.59, lng: 73.77 }) };

/** Returns an order may gather here: enough to explore a second one, finite. */
const MAX_RETURNS = 2;
/** A guard against inputs that repeat without end (a counter in the state that grows each time). */
const MAX_STATES = 100_000;

const base = { sellerId: SELLER, orderId: ORDER };
type Ways = { [T in OrderCommandType]: (order: ActiveOrder) => OrderCommandOf<T>[] };

const receiveOrder: OrderCommandOf<'ReceiveOrder'> = {
  type: 'ReceiveOrder',
  ...base,
  salesChannel: 'storefront',
  items: [
    { sku: 'SAREE-SILK-01', name: 'Mysore silk saree', hsnCode: '5007', quantity: 1, unit: 'NOS', unitPricePaise: 450_000, discountPaise: 50_000, taxRatePercent: 5 },
    { sku: 'STOLE-02', name: 'Cotton stole', hsnCode: '6214', quantity: 2, unit: 'NOS', unitPricePaise: 60_000, discountPaise: 0, taxRatePercent: 5 },
  ],
  charges: [{ description: 'Shipping', sacCode: '9965', amountPaise: 5_000, taxRatePercent: 18 }],
  buyer: { name: 'Asha Kulkarni', phone: '9123456780' },
  deliveryAddress: { name: 'Asha Kulkarni', phone: '9123456780', line1: 'Flat 4B', city: 'Pune', stateCode: '27', pincode: '411045' },
  paymentMethod: 'cod',
};

const current = (order: ActiveOrder) => currentShipment(order);
/** Shipment commands name the current shipment: the one the order's status follows and the seller acts on. */
const currentShipments = (order: ActiveOrder) => order.shipments.slice(-1);
const shipmentIds = (order: ActiveOrder) => currentShipments(order).map((s) => s.shipmentId);
const nextShipmentId = (order: ActiveOrder) => `shp-${order.shipments.length + 1}`;
const nextCreditNote = (order: ActiveOrder) => `CN/${String((order.invoice?.creditNotes.length ?? 0) + 1).padStart(5, '0')}`;
const openReturns = (order: ActiveOrder) => returnsOf(order).filter((r) => OPEN_RETURN_STATUSES.includes(r.status));
const otpOf = (order: ActiveOrder, shipmentId: string) => order.shipments.find((s) => s.shipmentId === shipmentId)?.otp;

/**
 * Facts beside the journey (an invoice correction, a package photo) are tried on a delivered order
 * only: anywhere earlier they would double every state after them and tell nothing new.
 */
const isDelivered = (order: ActiveOrder) => current(order)?.status === 'delivered' && returnsOf(order).length === 0;

/** Representative inputs for each command in a state; a command that does not apply there is refused, which is fine. */
const WAYS: Ways = {
  ReceiveOrder: () => [receiveOrder],
  GenerateInvoice: () => [{ type: 'GenerateInvoice', ...base, invoiceNumber: 'INV/00001', numberSource: 'sequence', auto: false }],
  RegenerateInvoice: (order) =>
    isDelivered(order) && (order.invoice?.revisions.length ?? 0) < 2 ? [{ type: 'RegenerateInvoice', ...base, reason: 'E-mail added', corrections: { buyer: { email: 'asha@example.in' } } }] : [],
  CreateShipment: (order) => (['on-network', 'off-network'] as const).map((mode) => ({ type: 'CreateShipment' as const, ...base, shipmentId: nextShipmentId(order), mode })),
  // A retry after "no partner found" counts its attempt: one retry is enough to explore it.
  MarkShipmentReadyToShip: (order) =>
    currentShipments(order).filter((s) => s.readyAttempts < 2).map((s) => ({ type: 'MarkShipmentReadyToShip', ...base, shipmentId: s.shipmentId })),
  RecordPackageImage: (order) =>
    currentShipments(order)
      .filter((s) => isDelivered(order) && s.images.length === 0)
      .map((s) => ({ type: 'RecordPackageImage', ...base, shipmentId: s.shipmentId, image: { sha256: 'a'.repeat(64), contentType: 'image/jpeg', sizeBytes: 1000 } })),
  // A retry after no partner found counts as a ready-to-ship attempt, bounded like them.
  RetryPartnerSearch: (order) =>
    currentShipments(order).filter((s) => s.readyAttempts < 2).map((s) => ({ type: 'RetryPartnerSearch', ...base, shipmentId: s.shipmentId })),
  SwitchShipmentToOffNetwork: (order) => shipmentIds(order).map((shipmentId) => ({ type: 'SwitchShipmentToOffNetwork', ...base, shipmentId })),
  MarkShipmentShipped: (order) => shipmentIds(order).map((shipmentId) => ({ type: 'MarkShipmentShipped', ...base, shipmentId, courierName: 'DTDC', trackingNumber: 'D12345678' })),
  VerifyDeliveryOtp: (order) =>
    shipmentIds(order).flatMap((shipmentId) => {
      const sequence = otpOf(order, shipmentId)?.sequence ?? 1;
      const right = otp.otpFor({ ...base, shipmentId, sequence });
      // Wrong codes on the first OTP only: enough to reach the lock and the reissue that lifts it.
      const wrong = right === '000000' ? '111111' : '000000';
      return [right, ...(sequence === 1 ? [wrong] : [])].map((code) => ({ type: 'VerifyDeliveryOtp' as const, ...base, shipmentId, otp: code }));
    }),
  ReissueDeliveryOtp: (order) =>
    shipmentIds(order)
      .filter((id) => (otpOf(order, id)?.sequence ?? 1) === 1)
      .map((shipmentId) => ({ type: 'ReissueDeliveryOtp', ...base, shipmentId })),
  AssignLogisticsPartner: (order) =>
    shipmentIds(order).map((shipmentId) => ({
      type: 'AssignLogisticsPartner',
      ...base,
      shipmentId,
      partnerId: 'lsp.example.in',
      partnerName: 'Swift Logistics',
      networkOrderId: `NO${shipmentId.replace(/\D/g, '')}`,
      awb: 'AWB900001',
    })),
  RecordNoPartnerFound: (order) => shipmentIds(order).map((shipmentId) => ({ type: 'RecordNoPartnerFound', ...base, shipmentId, reason: 'No partner serves 411045', candidatesTried: 3 })),
  RecordPartnerReport: (order) =>
    shipmentIds(order).flatMap((shipmentId) =>
      PARTNER_REPORTS.map((report) => ({ type: 'RecordPartnerReport' as const, ...base, shipmentId, partnerId: 'lsp.example.in', report, reportedAt: NOW.toISOString() })),
    ),
  CancelShipment: (order) => shipmentIds(order).map((shipmentId) => ({ type: 'CancelShipment', ...base, shipmentId, reason: 'Buyer asked' })),
  // Late partner facts are tried once, right after the assignment: elsewhere they would only double the states after them.
  RecordPartnerDetails: (order) =>
    currentShipments(order)
      .filter((s) => s.status === 'partner_assigned' && s.partner?.labelUrl === undefined)
      .map((s) => ({ type: 'RecordPartnerDetails', ...base, shipmentId: s.shipmentId, partnerId: 'lsp.example.in', reportedAt: NOW.toISOString(), awb: 'AWB900002', labelUrl: 'https://lsp.example.in/label.pdf' })),
  RecordPartnerCancellationOutcome: (order) =>
    currentShipments(order)
      .filter((s) => s.status === 'cancelled' && s.partner !== undefined && s.partner.cancellation === undefined)
      .flatMap((s) => (['confirmed', 'failed'] as const).map((outcome) => ({ type: 'RecordPartnerCancellationOutcome' as const, ...base, shipmentId: s.shipmentId, partnerId: 'lsp.example.in', outcome, attempts: 1, reason: 'NACK', reportedAt: NOW.toISOString() }))),
  // A weight differential is tried once, out for delivery (a final state is not explored further), then answered.
  RecordWeightDifferential: (order) =>
    currentShipments(order)
      .filter((s) => s.status === 'out_for_delivery' && s.partner !== undefined && s.weightDifferential === undefined && returnsOf(order).length === 0)
      .map((s) => ({
        type: 'RecordWeightDifferential',
        ...base,
        shipmentId: s.shipmentId,
        partnerId: s.partner!.id,
        measuredWeightGrams: 2500,
        amountPaise: 4000,
        taxPaise: 720,
        reportedAt: NOW.toISOString(),
      })),
  AcceptWeightDifferential: (order) =>
    currentShipments(order).filter((s) => s.weightDifferential?.status === 'pending').map((s) => ({ type: 'AcceptWeightDifferential', ...base, shipmentId: s.shipmentId })),
  DisputeWeightDifferential: (order) =>
    currentShipments(order).filter((s) => s.weightDifferential?.status === 'pending').map((s) => ({ type: 'DisputeWeightDifferential', ...base, shipmentId: s.shipmentId, reason: 'Weighed 1.2 kg at dispatch' })),
  // COD settles after delivery, a fact beside the journey: a mismatch first, then the reconciliation that clears it.
  RecordCodSettlement: (order) =>
    currentShipments(order)
      .filter((s) => isDelivered(order) && s.partner !== undefined && s.codAmountPaise > 0 && s.codSettlement?.outcome !== 'reconciled')
      .map((s) => ({
        type: 'RecordCodSettlement',
        ...base,
        shipmentId: s.shipmentId,
        partnerId: s.partner!.id,
        claimedPaise: s.codAmountPaise,
        partnerPaise: s.codSettlement ? s.codAmountPaise : s.codAmountPaise - 1000,
        status: 'settled',
        settlementRef: 'UTR000123456789',
        accord: s.codSettlement !== undefined,
      })),
  RequestReattempt: (order) => shipmentIds(order).map((shipmentId) => ({ type: 'RequestReattempt', ...base, shipmentId })),
  RequestReturnToOrigin: (order) => shipmentIds(order).map((shipmentId) => ({ type: 'RequestReturnToOrigin', ...base, shipmentId })),
  // Two failed attempts per stage are enough to explore the repeats; each one adds to a counter in the state.
  RecordFailedAttempt: (order) =>
    currentShipments(order)
      .filter((s) => (s.failedAttempts?.pickup ?? 0) + (s.failedAttempts?.delivery ?? 0) < 2)
      .map((s) => ({ type: 'RecordFailedAttempt', ...base, shipmentId: s.shipmentId, reason: 'Buyer not at home' })),
  RecordReturnToOrigin: (order) => shipmentIds(order).map((shipmentId) => ({ type: 'RecordReturnToOrigin', ...base, shipmentId, reason: 'Buyer refused the parcel' })),
  // Returns are explored on the order's last shipment; a reship beside them would multiply the two.
  ReshipOrder: (order) =>
    returnsOf(order).length === 0 ? (['returned', 'lost'] as const).map((reason) => ({ type: 'ReshipOrder' as const, ...base, shipmentId: nextShipmentId(order), reason })) : [],
  CancelOrder: (order) => [{ type: 'CancelOrder', ...base, reason: 'Buyer cancelled', creditNoteNumber: nextCreditNote(order) }],
  RequestReturn: (order) =>
    returnsOf(order).length < MAX_RETURNS
      ? [
          [{ sku: 'STOLE-02', quantity: 1 }],
          [
            { sku: 'SAREE-SILK-01', quantity: 1 },
            { sku: 'STOLE-02', quantity: 2 },
          ],
        ].map((lines) => ({ type: 'RequestReturn' as const, ...base, returnId: `ret-${returnsOf(order).length + 1}`, lines, reason: 'Wrong size' }))
      : [],
  MarkReturnShipped: (order) => openReturns(order).map((r) => ({ type: 'MarkReturnShipped', ...base, returnId: r.returnId, courierName: 'Blue Dart', trackingNumber: 'BD998877' })),
  ReceiveReturn: (order) =>
    openReturns(order).flatMap((r) => [
      { type: 'ReceiveReturn' as const, ...base, returnId: r.returnId, accepted: r.lines, rejected: [], creditNoteNumber: nextCreditNote(order) },
      { type: 'ReceiveReturn' as const, ...base, returnId: r.returnId, accepted: [], rejected: r.lines.map((l) => ({ ...l, note: 'Worn' })) },
    ]),
  CancelReturn: (order) => openReturns(order).map((r) => ({ type: 'CancelReturn', ...base, returnId: r.returnId, reason: 'Buyer kept it' })),
};

const COMMAND_TYPES = Object.keys(WAYS) as OrderCommandType[];

type Final = 'cancelled' | 'delivered, nothing pending' | 'returned and credited';

/** The intended end states; anything else must have a way on. */
function finalState(order: ActiveOrder): Final | undefined {
  if (order.cancelled) return 'cancelled';
  const status = activeOrderStatus(order);
  if (status === 'delivered' && openReturns(order).length === 0) return 'delivered, nothing pending';
  // Every unit back from the buyer and a credit note for it (a parcel back to origin closes the order as cancelled, credited).
  if (status === 'returned' && current(order)?.status === 'delivered') return 'returned and credited';
  return undefined;
}

/** What a state looks like for the report: the order's status and each shipment's and return's. */
const describeState = (order: ActiveOrder): string =>
  [
    activeOrderStatus(order),
    ...order.shipments.map((s) => `${s.shipmentId}:${s.mode}:${s.status}${s.otp?.locked ? ':otp-locked' : ''}`),
    ...returnsOf(order).map((r) => `${r.returnId}:${r.status}`),
  ].join(' ');

interface Node {
  order: ActiveOrder;
  /** Keys of the states each allowed, state-changing command leads to. */
  forward: Set<string>;
}

interface Exploration {
  nodes: Map<string, Node>;
  /** Command types that changed some state at least once. */
  used: Set<OrderCommandType>;
}

/**
 * Two states are the same when they differ only in names and in how earlier shipments got where
 * they are: commands act on the current shipment, and decisions ask three things of the others
 * (one still under way blocks a new shipment, one delivered asks for reship instead, one out with
 * the buyer blocks cancelling). So reship after reship folds back onto states already seen, and
 * the exploration ends without a cap on shipments.
 */
function keyOf(state: OrderState): string {
  if (state.status !== 'active') return JSON.stringify(state);
  const latest = state.shipments[state.shipments.length - 1];
  const others = state.shipments.slice(0, -1);
  const earlier = {
    underWay: others.some((s) => !isTerminal(s)),
    delivered: others.some((s) => s.status === 'delivered'),
    withBuyer: others.some((s) => DISPATCHED_SHIPMENT_STATUSES.includes(s.status) && !['rto_delivered', 'rto_disposed'].includes(s.status)),
  };
  const { shipmentId: _id, reshipOf: _of, ...shipment } = latest ?? { shipmentId: '', reshipOf: '' };
  // Once it ends, how the current shipment got there no longer matters either; its mode, package and photos still do (reship, photos), what the partner made of its cancellation, and how its COD settled.
  const settled =
    latest && isTerminal(latest)
      ? {
          status: latest.status,
          mode: latest.mode,
          package: latest.package,
          images: latest.images,
          deliveredAt: latest.deliveredAt,
          partner: latest.partner && (latest.partner.cancellation ?? 'held'),
          codSettlement: latest.codSettlement?.outcome,
        }
      : shipment;
  const returns = returnsOf(state).map(({ shipmentId: _shipment, ...r }) => r);
  return JSON.stringify({ ...state, shipments: latest ? [earlier, settled] : [], returns });
}

function decide(command: OrderCommand, state: OrderState): OrderEvent[] | undefined {
  try {
    return decideOrder(command, state, context);
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

function explore(): Exploration {
  const start = decideOrder(receiveOrder, initialOrderState(), context).reduce(evolveOrder, initialOrderState());
  const nodes = new Map<string, Node>();
  const used = new Set<OrderCommandType>(['ReceiveOrder']);
  const queue: OrderState[] = [start];
  nodes.set(keyOf(start), { order: start as ActiveOrder, forward: new Set() });
  while (queue.length > 0) {
    const state = queue.shift()!;
    const stateKey = keyOf(state);
    const node = nodes.get(stateKey)!;
    for (const type of COMMAND_TYPES) {
      // The generator of each type gets the order it is typed for; the union cannot follow the mapped type.
      for (const command of (WAYS[type] as (order: ActiveOrder) => OrderCommand[])(node.order)) {
        const events = decide(command, state);
        if (!events || events.length === 0) continue;
        const next = events.reduce(evolveOrder, state);
        const key = keyOf(next);
        if (key === stateKey) continue;
        used.add(type);
        node.forward.add(key);
        if (!nodes.has(key)) {
          if (nodes.size >= MAX_STATES) throw new Error(`More than ${MAX_STATES} states: some input repeats without end (last: ${describeState(next as ActiveOrder)})`);
          nodes.set(key, { order: next as ActiveOrder, forward: new Set() });
          queue.push(next);
        }
      }
    }
  }
  return { nodes, used };
}

/** States from which a final state can be reached: the finals, then every state with a way into the set, until it stops growing. */
function reachingFinal(nodes: Map<string, Node>): Set<string> {
  const reach = new Set([...nodes].filter(([, n]) => finalState(n.order) !== undefined).map(([k]) => k));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [key, node] of nodes) {
      if (!reach.has(key) && [...node.forward].some((k) => reach.has(k))) {
        reach.add(key);
        grew = true;
      }
    }
  }
  return reach;
}

/** One command per order-level way forward, tried in every state to see whether the decisions take it. */
const ORDER_STEPS: Record<OrderWayForward, (order: ActiveOrder) => OrderCommand> = {
  'generate-invoice': () => ({ type: 'GenerateInvoice', ...base, invoiceNumber: 'INV/00009', numberSource: 'sequence', auto: false }),
  'regenerate-invoice': () => ({ type: 'RegenerateInvoice', ...base, reason: 'E-mail added', corrections: { buyer: { email: 'asha@example.in' } } }),
  'create-shipment': (order) => ({ type: 'CreateShipment', ...base, shipmentId: nextShipmentId(order), mode: 'off-network' }),
  'cancel-order': (order) => ({ type: 'CancelOrder', ...base, reason: 'Buyer cancelled', creditNoteNumber: nextCreditNote(order) }),
};

describe('No order is left without a way forward', () => {
  const { nodes, used } = explore();

  it('explores a state space that exercises every command', () => {
    expect(nodes.size).toBeGreaterThan(100);
    expect(COMMAND_TYPES.filter((t) => !used.has(t))).toEqual([]);
  });

  it('gives every state that is not final an allowed command that moves it', () => {
    const stuck = [...nodes.values()].filter((n) => finalState(n.order) === undefined && n.forward.size === 0).map((n) => describeState(n.order));
    expect([...new Set(stuck)]).toEqual([]);
  });

  it('leads from every state to a final one (no trap of states that only lead to one another)', () => {
    const reach = reachingFinal(nodes);
    const trapped = [...nodes].filter(([key]) => !reach.has(key)).map(([, n]) => describeState(n.order));
    expect([...new Set(trapped)]).toEqual([]);
  });

  it("names as the order's ways forward exactly the order steps its decisions take, in every state", () => {
    const differing = [...nodes.values()].flatMap(({ order }) => {
      const taken = (Object.keys(ORDER_STEPS) as OrderWayForward[]).filter((way) => (decide(ORDER_STEPS[way](order), order)?.length ?? 0) > 0);
      const named = orderWaysForward(order);
      return [...taken].sort().join() === [...named].sort().join() ? [] : [`${describeState(order)}: decisions take ${taken.join(', ')}; named ${named.join(', ')}`];
    });
    expect([...new Set(differing)]).toEqual([]);
  });

  it('ends only in the intended final states, and reaches each of them', () => {
    const deadEnds = [...nodes.values()].filter((n) => n.forward.size === 0);
    expect(deadEnds.filter((n) => finalState(n.order) === undefined).map((n) => describeState(n.order))).toEqual([]);
    const reached = new Set([...nodes.values()].map((n) => finalState(n.order)).filter((f) => f !== undefined));
    expect([...reached].sort()).toEqual(['cancelled', 'delivered, nothing pending', 'returned and credited']);
  });
});

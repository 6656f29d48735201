import { IllegalStepError, NotFoundError } from '../shared/domain-error';
import { Validator } from '../shared/validation';
import { returnWindowDaysOf } from '../seller/seller';
import { creditNoteForReturn } from './invoice-decisions';
import type { RegisteredSeller } from './order-context';
import type { OrderCommandOf } from './order-commands';
import type { OrderEvent, OrderItem, ReturnLine } from './order-events';
import { ActiveOrder, OPEN_RETURN_STATUSES, ReturnState, ShipmentState, currentShipment, returnsOf } from './order-state';

const RETURN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_RETURN_LINES = 100;
const DAY_MS = 24 * 3600 * 1000;

function requireReturn(order: ActiveOrder, returnId: string): ReturnState {
  const found = returnsOf(order).find((r) => r.returnId === returnId);
  if (!found) throw new NotFoundError('RETURN_NOT_FOUND', `Order ${order.orderId} has no return ${returnId}`, { returnId });
  return found;
}

/** The invoiced lines: what was sold, and so what can come back. */
const invoicedItems = (order: ActiveOrder): OrderItem[] => order.invoice?.current.snapshot.items ?? order.items;

/** Units of a SKU accepted back by earlier inspections. */
function acceptedBefore(order: ActiveOrder, sku: string): number {
  return returnsOf(order).reduce((sum, r) => sum + (r.accepted ?? []).filter((l) => l.sku === sku).reduce((n, l) => n + l.quantity, 0), 0);
}

/**
 * Units of a SKU that may still be returned: those sold, less those accepted back and those named
 * by returns still under way. Units rejected on inspection went back to the buyer, so they count
 * as delivered again.
 */
export function returnableQuantity(order: ActiveOrder, sku: string): number {
  const sold = invoicedItems(order).filter((i) => i.sku === sku).reduce((n, i) => n + i.quantity, 0);
  const pending = returnsOf(order)
    .filter((r) => OPEN_RETURN_STATUSES.includes(r.status))
    .reduce((sum, r) => sum + r.lines.filter((l) => l.sku === sku).reduce((n, l) => n + l.quantity, 0), 0);
  return sold - acceptedBefore(order, sku) - pending;
}

/** Every unit sold has been accepted back: the order is returned. */
export function fullyReturned(order: ActiveOrder): boolean {
  const items = invoicedItems(order);
  return returnsOf(order).length > 0 && items.every((i) => acceptedBefore(order, i.sku) >= items.filter((j) => j.sku === i.sku).reduce((n, j) => n + j.quantity, 0));
}

/** Lines of a request or an inspection: known SKUs, each once, whole positive quantities. */
function validateLines(v: Validator, lines: unknown, field: string, allowEmpty: boolean): lines is ReturnLine[] {
  if (!Array.isArray(lines) || (!allowEmpty && lines.length === 0) || lines.length > MAX_RETURN_LINES) {
    v.check(false, field, `must list ${allowEmpty ? 0 : 1} to ${MAX_RETURN_LINES} lines`);
    return false;
  }
  const seen = new Set<string>();
  lines.forEach((line: Partial<ReturnLine> | undefined, i) => {
    v.nonEmptyString(line?.sku, `${field}.${i}.sku`, 64).integer(line?.quantity, `${field}.${i}.quantity`, 1, 10_000);
    if (typeof line?.sku === 'string') {
      v.check(!seen.has(line.sku), `${field}.${i}.sku`, `names ${line.sku} twice: give one line per SKU`);
      seen.add(line.sku);
    }
  });
  return true;
}

/** The shipment that delivered the goods, and when the return window closes. */
function deliveredShipment(order: ActiveOrder): ShipmentState {
  const shipment = currentShipment(order);
  if (!shipment || shipment.status !== 'delivered') {
    throw new IllegalStepError('ORDER_NOT_DELIVERED', `Order ${order.orderId} has not been delivered: only delivered goods can be returned`, {
      ...(shipment ? { shipmentId: shipment.shipmentId, shipmentStatus: shipment.status } : {}),
    });
  }
  return shipment;
}

export function decideRequestReturn(order: ActiveOrder, command: OrderCommandOf<'RequestReturn'>, seller: RegisteredSeller, now: Date): OrderEvent[] {
  const v = new Validator()
    .matches(command.returnId, RETURN_ID, 'returnId', 'must be 1 to 64 letters, digits, "_" or "-"')
    .nonEmptyString(command.reason, 'reason', 300);
  const shaped = validateLines(v, command.lines, 'lines', false);
  v.throwIfInvalid();
  if (order.cancelled) throw new IllegalStepError('ORDER_CANCELLED', `Order ${order.orderId} is cancelled`);
  const shipment = deliveredShipment(order);
  const days = returnWindowDaysOf(seller.settings);
  const deliveredAt = Date.parse(shipment.deliveredAt ?? shipment.createdAt);
  const windowEndsAt = new Date(deliveredAt + days * DAY_MS).toISOString();
  if (now.getTime() > deliveredAt + days * DAY_MS) {
    throw new IllegalStepError('RETURN_WINDOW_CLOSED', `Order ${order.orderId} was delivered more than ${days} days ago: the return window closed at ${windowEndsAt}`, {
      windowEndsAt,
      returnWindowDays: days,
    });
  }
  if (returnsOf(order).some((r) => r.returnId === command.returnId)) {
    throw new IllegalStepError('RETURN_ID_IN_USE', `Return ${command.returnId} already exists`, { returnId: command.returnId });
  }
  if (shaped) {
    const items = invoicedItems(order);
    command.lines.forEach((line, i) => {
      const onOrder = items.filter((item) => item.sku === line.sku).length;
      if (onOrder === 0) {
        v.check(false, `lines.${i}.sku`, `${line.sku} is not a line of order ${order.orderId}`);
        return;
      }
      const left = returnableQuantity(order, line.sku);
      v.check(line.quantity <= left, `lines.${i}.quantity`, `at most ${left} of ${line.sku} can be returned (delivered, less returned or being returned)`);
    });
    v.throwIfInvalid();
  }
  return [
    {
      type: 'ReturnRequested',
      data: {
        orderId: order.orderId,
        sellerId: order.sellerId,
        returnId: command.returnId,
        shipmentId: shipment.shipmentId,
        lines: command.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        reason: command.reason,
        windowEndsAt,
        requestedAt: now.toISOString(),
      },
    },
  ];
}

export function decideMarkReturnShipped(order: ActiveOrder, command: OrderCommandOf<'MarkReturnShipped'>, now: Date): OrderEvent[] {
  const v = new Validator()
    .nonEmptyString(command.courierName, 'courierName', 100)
    .matches(command.trackingNumber, /^[A-Za-z0-9/-]{3,40}$/, 'trackingNumber', 'must be 3 to 40 letters, digits, "/" or "-"');
  if (command.trackingUrl !== undefined) v.matches(command.trackingUrl, /^https?:\/\/[^\s]{1,500}$/, 'trackingUrl', 'must be an http(s) URL');
  v.throwIfInvalid();
  const found = requireReturn(order, command.returnId);
  if (found.status !== 'requested') {
    throw new IllegalStepError('RETURN_NOT_AWAITING_SHIPMENT', `Return ${found.returnId} is ${found.status}: only a requested return is shipped`, { returnStatus: found.status });
  }
  return [
    {
      type: 'ReturnShipped',
      data: {
        orderId: order.orderId,
        returnId: found.returnId,
        courierName: command.courierName,
        trackingNumber: command.trackingNumber,
        ...(command.trackingUrl ? { trackingUrl: command.trackingUrl } : {}),
        shippedAt: now.toISOString(),
      },
    },
  ];
}

/**
 * Checks an inspection before a credit note number is allocated, so a refused one takes none.
 * Answers whether any unit was accepted (and so a credit note is due).
 */
export function planReturnReceipt(order: ActiveOrder, command: Pick<OrderCommandOf<'ReceiveReturn'>, 'returnId' | 'accepted' | 'rejected'>): { creditDue: boolean } {
  const v = new Validator();
  const acceptedShaped = validateLines(v, command.accepted, 'accepted', true);
  const rejectedShaped = validateLines(v, command.rejected, 'rejected', true);
  if (rejectedShaped) command.rejected.forEach((line, i) => v.nonEmptyString(line?.note, `rejected.${i}.note`, 300));
  v.throwIfInvalid();
  const found = requireReturn(order, command.returnId);
  if (!OPEN_RETURN_STATUSES.includes(found.status)) {
    throw new IllegalStepError('RETURN_NOT_OPEN', `Return ${found.returnId} is ${found.status}`, { returnStatus: found.status });
  }
  if (acceptedShaped && rejectedShaped) {
    const counted = (lines: ReturnLine[], sku: string) => lines.filter((l) => l.sku === sku).reduce((n, l) => n + l.quantity, 0);
    const named = new Set(found.lines.map((l) => l.sku));
    (['accepted', 'rejected'] as const).forEach((field) =>
      command[field].forEach((line, i) => v.check(named.has(line.sku), `${field}.${i}.sku`, `${line.sku} is not in return ${found.returnId}`)),
    );
    for (const line of found.lines) {
      const total = counted(command.accepted, line.sku) + counted(command.rejected, line.sku);
      v.check(total === line.quantity, 'accepted', `${line.sku}: accepted and rejected must add up to the ${line.quantity} returned, not ${total}`);
    }
    v.throwIfInvalid();
  }
  return { creditDue: command.accepted.length > 0 };
}

/**
 * The accepted lines as credit-note lines: the invoice's line at the accepted quantity, with its
 * share of the line's discount. Shares are cumulative (rounded total so far, less rounded total
 * before), so every unit returned over several returns credits the whole discount exactly.
 */
function creditedItems(order: ActiveOrder, accepted: readonly ReturnLine[]): OrderItem[] {
  const share = (discount: number, of: number, units: number) => Math.round((discount * units) / of);
  return accepted.map((line) => {
    const item = invoicedItems(order).find((i) => i.sku === line.sku)!;
    const before = acceptedBefore(order, line.sku);
    const discountPaise = share(item.discountPaise, item.quantity, before + line.quantity) - share(item.discountPaise, item.quantity, before);
    return { ...item, quantity: line.quantity, discountPaise };
  });
}

export function decideReceiveReturn(order: ActiveOrder, command: OrderCommandOf<'ReceiveReturn'>, now: Date): OrderEvent[] {
  const { creditDue } = planReturnReceipt(order, command);
  const found = requireReturn(order, command.returnId);
  const received: OrderEvent = {
    type: 'ReturnReceived',
    data: {
      orderId: order.orderId,
      returnId: found.returnId,
      accepted: command.accepted.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      rejected: command.rejected.map((l) => ({ sku: l.sku, quantity: l.quantity, note: l.note })),
      receivedAt: now.toISOString(),
    },
  };
  if (!creditDue) return [received];
  if (!order.invoice) throw new IllegalStepError('INVOICE_REQUIRED', `Order ${order.orderId} has no invoice to credit`);
  if (!command.creditNoteNumber) {
    throw new IllegalStepError('CREDIT_NOTE_NUMBER_REQUIRED', `Accepting returned goods of order ${order.orderId} needs a credit note number`);
  }
  const reason = `Goods returned (return ${found.returnId}): ${found.reason}`;
  return [received, creditNoteForReturn(order, found.returnId, creditedItems(order, command.accepted), command.creditNoteNumber, reason, now)];
}

export function decideCancelReturn(order: ActiveOrder, command: OrderCommandOf<'CancelReturn'>, now: Date): OrderEvent[] {
  new Validator().nonEmptyString(command.reason, 'reason', 300).throwIfInvalid();
  const found = requireReturn(order, command.returnId);
  if (found.status === 'cancelled') return [];
  if (found.status !== 'requested') {
    throw new IllegalStepError('RETURN_ALREADY_SHIPPED', `Return ${found.returnId} is ${found.status}: receive it instead`, { returnStatus: found.status });
  }
  return [{ type: 'ReturnCancelled', data: { orderId: order.orderId, returnId: found.returnId, reason: command.reason, cancelledAt: now.toISOString() } }];
}

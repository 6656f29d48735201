import { randomUUID } from 'node:crypto';
import type { OndcMessage } from '@fulfil/ondc';

type OnStatus = OndcMessage<'on_status'>;

const ORDER_STATE: Readonly<Record<string, 'In-progress' | 'Completed' | 'Cancelled'>> = {
  'Agent-assigned': 'In-progress',
  'Order-picked-up': 'In-progress',
  'Out-for-delivery': 'In-progress',
  'Order-delivered': 'Completed',
  Cancelled: 'Cancelled',
};
const PICKED_UP = ['Order-picked-up', 'In-transit', 'Out-for-delivery', 'Order-delivered'];

/**
 * An on_status a partner could send about a confirmed order (`template`, its on_confirm) reporting
 * `state` as 1.2.5 asks: the order state that goes with it, the pickup time once picked up, the
 * delivery time once delivered, the payment's status, dates not after the message. The adapter is strict in tests, so a
 * test about something else must not trip over these rules.
 */
export function partnerReport(template: OnStatus, state: string, overrides: { messageId?: string; timestampMs?: number; context?: Record<string, string> } = {}): OnStatus {
  const body = structuredClone(template);
  const sentMs = overrides.timestampMs ?? Date.now();
  const at = (ms: number) => new Date(ms).toISOString();
  body.context = { ...body.context, action: 'on_status', message_id: overrides.messageId ?? randomUUID(), timestamp: at(sentMs), ...overrides.context };
  const { order } = body.message;
  order.state = ORDER_STATE[state] ?? order.state;
  // An hour before the confirmation: before any timestamp a test gives (staleness allows ten minutes), the same in every report.
  order.created_at = at(Date.parse(template.message.order.created_at ?? at(sentMs)) - 3_600_000);
  order.updated_at = at(sentMs);
  const delivery = order.fulfillments?.find((f) => f.type === 'Delivery');
  if (delivery) {
    delivery.state = { descriptor: { code: state } };
    // One pickup time for every report about the order: 1.2.5 does not let it move once given.
    const pickedUpMs = Date.parse(order.created_at) + 1_000;
    if (PICKED_UP.includes(state)) delivery.start = { ...delivery.start, time: { ...delivery.start?.time, timestamp: at(pickedUpMs) } };
    if (state === 'Order-delivered') delivery.end = { ...delivery.end, time: { timestamp: at(Math.max(pickedUpMs + 1_000, sentMs - 1_000)) } };
    // A COD delivery says what was collected (1.2.5's COD flow): here all of it.
    const due = order.payment?.['@ondc/org/collection_amount'];
    if (state === 'Order-delivered' && order.payment?.type === 'ON-FULFILLMENT' && due !== undefined) {
      const collected = { code: 'cod_collection_detail', list: [{ code: 'currency', value: 'INR' }, { code: 'value', value: due }, { code: 'timestamp', value: at(sentMs - 1_000) }] };
      delivery.tags = [...(delivery.tags ?? []).filter((t) => t.code !== 'cod_collection_detail'), collected];
    }
  }
  // Where the payment stands: a delivered COD order is paid when the cash was taken, anything else not yet.
  if (order.payment) {
    const paid = state === 'Order-delivered' && order.payment.type === 'ON-FULFILLMENT';
    order.payment = paid ? { ...order.payment, status: 'PAID', time: { timestamp: at(sentMs - 1_000) } } : { ...order.payment, status: 'NOT-PAID' };
  }
  return body;
}

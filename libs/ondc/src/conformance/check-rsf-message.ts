import { FindingList, arrayAt, at, textAt } from './conformance-finding';
import { RSF_DOMAIN, RSF_VERSION } from '../types';
import type { TransactionMessage } from './check-transaction';

/**
 * The RSF 2.0 rules for the COD reconciliation of a shipment (recon, on_recon), as ONDC's log
 * validation states them for RSF 2.0 (its RSF_v2 schemas and recon, on_recon checks), with the
 * rules they imply for an answer: one that disagrees says where (diff_value), one that agrees has
 * nothing to add, a settlement made names its reference, one still to come its due date. Pure.
 */

const TWO_DECIMALS = /^(0|[1-9][0-9]*)\.[0-9]{2}$/;
const AMOUNTS = ['amount', 'commission', 'withholding_amount', 'tcs', 'tds'] as const;
const STATUSES = ['PENDING', 'SETTLED'];

const time = (value: string | undefined): number => (value === undefined ? NaN : Date.parse(value));

function checkContext(f: FindingList, body: unknown): void {
  f.require('rsf.context', 'context', ['domain', 'location.country.code', 'location.city.code', 'version', 'action', 'bap_id', 'bap_uri', 'bpp_id', 'bpp_uri', 'transaction_id', 'message_id', 'timestamp', 'ttl']);
  f.check('rsf.context', 'context.domain', textAt(body, 'context.domain') === RSF_DOMAIN, `domain must be ${RSF_DOMAIN}`);
  f.check('rsf.context', 'context.version', textAt(body, 'context.version') === RSF_VERSION, `version must be ${RSF_VERSION}`);
  f.check('rsf.context', 'context.location.country.code', textAt(body, 'context.location.country.code') === 'IND', 'country code must be IND');
  f.check('rsf.context', 'context.location.city.code', textAt(body, 'context.location.city.code') === '*', 'city code must be * (reconciliation spans cities)');
  f.check('rsf.context', 'context.ttl', /^P[0-9]+D$/.test(textAt(body, 'context.ttl') ?? ''), 'ttl must be whole days, e.g. P1D');
}

function checkAmount(f: FindingList, amount: unknown, path: string, answer: boolean): void {
  f.check('rsf.amount', `${path}.currency`, textAt(amount, 'currency') === 'INR', 'currency must be INR');
  f.check('rsf.amount', `${path}.value`, TWO_DECIMALS.test(textAt(amount, 'value') ?? ''), 'value must be rupees with two decimals');
  const diff = at(amount, 'diff_value');
  if (diff === undefined) return;
  f.check('rsf.amount', `${path}.diff_value`, answer, 'diff_value belongs in an answer (on_recon)');
  f.check('rsf.amount', `${path}.diff_value`, typeof diff === 'string' && TWO_DECIMALS.test(diff), 'diff_value must be rupees with two decimals');
}

/** The rules of one RSF message on its own. */
export function checkRsfMessage(f: FindingList, body: unknown, action: 'recon' | 'on_recon'): void {
  checkContext(f, body);
  const answer = action === 'on_recon';
  const stamped = time(textAt(body, 'context.timestamp'));
  const orders = arrayAt(body, 'message.orders');
  f.check('rsf.orders', 'message.orders', orders.length > 0, 'a reconciliation names its orders');
  orders.forEach((order, i) => {
    const base = `message.orders[${i}]`;
    f.require('rsf.orders', base, ['id', 'amount.currency', 'amount.value']);
    checkAmount(f, at(order, 'amount'), `${base}.amount`, false);
    const accord = at(order, 'recon_accord');
    if (answer) f.check('rsf.accord', `${base}.recon_accord`, typeof accord === 'boolean', 'an answer says whether it agrees (recon_accord)');
    const settlements = arrayAt(order, 'settlements');
    f.check('rsf.settlements', `${base}.settlements`, settlements.length > 0, 'an order names its settlements');
    let differs = false;
    settlements.forEach((s, j) => {
      const path = `${base}.settlements[${j}]`;
      f.require('rsf.settlements', path, ['id', 'payment_id', 'status', 'updated_at']);
      f.check('rsf.settlements', `${path}.status`, STATUSES.includes(textAt(s, 'status') ?? ''), `status is one of ${STATUSES.join(', ')}`);
      for (const name of AMOUNTS) {
        f.require('rsf.settlements', path, [`${name}.currency`, `${name}.value`]);
        checkAmount(f, at(s, name), `${path}.${name}`, answer);
        if (at(s, `${name}.diff_value`) !== undefined) differs = true;
      }
      f.check('rsf.timestamps', `${path}.updated_at`, !(time(textAt(s, 'updated_at')) > stamped), 'updated_at is after the context timestamp');
      if (answer && textAt(s, 'status') === 'SETTLED') f.require('rsf.settled', path, ['settlement_ref_no']);
      // ONDC's on_recon check: agreeing to a settlement still to come says when it is due.
      if (answer && accord === true && textAt(s, 'status') === 'PENDING') f.check('rsf.due-date', `${path}.due_date`, /^\d{4}-\d{2}-\d{2}$/.test(textAt(s, 'due_date') ?? ''), 'a pending settlement agreed to names its due_date (YYYY-MM-DD)');
    });
    if (answer && accord === true) f.check('rsf.accord', `${base}.settlements`, !differs, 'an answer in accord gives no figures of its own (diff_value)');
    if (answer && accord === false) f.check('rsf.accord', `${base}.settlements`, differs, 'an answer not in accord says where it differs (diff_value)');
  });
}

/** A /recon reconciles the transaction's confirmed order; an /on_recon answers one of our /recon, naming only its orders and settlements. */
export function checkRsfAgainstTransaction(f: FindingList, body: unknown, before: readonly TransactionMessage[]): void {
  const action = textAt(body, 'context.action');
  const bppId = textAt(body, 'context.bpp_id');
  const sent = (name: string) => before.filter((m) => m.direction === 'sent' && textAt(m.body, 'context.action') === name && textAt(m.body, 'context.bpp_id') === bppId);
  if (action === 'recon') {
    const confirm = sent('confirm').pop();
    if (!confirm) return f.add('rsf.transaction', 'message.orders', '/recon to a partner without a /confirm of ours');
    const orderId = textAt(confirm.body, 'message.order.id');
    arrayAt(body, 'message.orders').forEach((o, i) => f.check('transaction.stable-ids', `message.orders[${i}].id`, textAt(o, 'id') === orderId, 'order id differs from the /confirm'));
    f.check('transaction.context', 'context.transaction_id', textAt(body, 'context.transaction_id') === textAt(confirm.body, 'context.transaction_id'), 'transaction_id differs from the /confirm');
    return;
  }
  const recon = sent('recon').find((m) => textAt(m.body, 'context.message_id') === textAt(body, 'context.message_id'));
  f.check('transaction.message-id', 'context.message_id', recon !== undefined, 'an on_recon repeats the message_id of our /recon');
  if (!recon) return;
  for (const field of ['transaction_id', 'bap_id', 'bap_uri', 'bpp_uri']) {
    f.check('transaction.context', `context.${field}`, textAt(body, `context.${field}`) === textAt(recon.body, `context.${field}`), `context.${field} differs from the /recon`);
  }
  f.check('transaction.context', 'context.timestamp', time(textAt(body, 'context.timestamp')) > time(textAt(recon.body, 'context.timestamp')), 'an on_recon is later than the /recon it answers');
  const ours = arrayAt(recon.body, 'message.orders');
  arrayAt(body, 'message.orders').forEach((o, i) => {
    const asked = ours.find((x) => textAt(x, 'id') === textAt(o, 'id'));
    f.check('rsf.transaction', `message.orders[${i}].id`, asked !== undefined, 'an order our /recon did not name');
    if (!asked) return;
    const settlementIds = new Set(arrayAt(asked, 'settlements').map((s) => textAt(s, 'id')));
    arrayAt(o, 'settlements').forEach((s, j) => f.check('rsf.transaction', `message.orders[${i}].settlements[${j}].id`, settlementIds.has(textAt(s, 'id')), 'a settlement our /recon did not name'));
  });
}

import { ContextBuilder, buildRecon, checkReceivedMessage, checkSentMessage, checkTransaction, readOnRecon, validateOndcMessage } from '@fulfil/ondc';
import type { OndcMessage, TransactionMessage } from '@fulfil/ondc';

const NOW = Date.UTC(2026, 2, 3, 10, 0, 0, 123);
const at = (minutes: number): string => new Date(NOW + minutes * 60_000).toISOString();
const contexts = new ContextBuilder({ bapId: 'buyer.fulfilment-engine.example', bapUri: 'https://buyer.fulfilment-engine.example/ondc', nowMs: () => NOW });
const bpp = { id: 'lsp.example', uri: 'https://lsp.example/ondc' };
const recon = buildRecon(contexts.buildRecon({ transactionId: 'T1', bpp, messageId: 'M1' }), { networkOrderId: 'NO1', claimedPaise: 49_900, collectedAt: at(-60) });

/** The partner's answer to our recon, edited by `change`. */
function onRecon(change: (order: OndcMessage<'on_recon'>['message']['orders'][number]) => void = () => undefined): OndcMessage<'on_recon'> {
  const [order] = recon.message.orders;
  const answered = { ...structuredClone(order!), recon_accord: true };
  answered.settlements[0] = { ...answered.settlements[0]!, status: 'SETTLED', settlement_ref_no: 'UTR0001', updated_at: at(5) };
  change(answered);
  return { context: { ...recon.context, action: 'on_recon', timestamp: at(10) }, message: { orders: [answered] } };
}
const sentRecon: TransactionMessage = { direction: 'sent', body: recon };
const checkTransactionOf = (messages: TransactionMessage[]) => checkTransaction(messages).filter((f) => f.action === 'recon').map((f) => `${f.rule} at ${f.path}`);
const rules = (body: unknown, before: TransactionMessage[] = [sentRecon]) => checkReceivedMessage(body, before).map((f) => `${f.rule} at ${f.path}`);

describe('COD reconciliation messages (RSF 2.0)', () => {
  it('our /recon claims the COD in RSF 2.0’s context and passes its schema and rules', () => {
    expect(recon.context).toMatchObject({ domain: 'ONDC:NTS10', version: '2.0.0', location: { country: { code: 'IND' }, city: { code: '*' } }, ttl: 'P1D', action: 'recon' });
    expect(recon.message.orders[0]).toMatchObject({ id: 'NO1', amount: { currency: 'INR', value: '499.00' }, settlements: [{ status: 'PENDING', amount: { value: '499.00' }, tcs: { value: '0.00' } }] });
    expect(validateOndcMessage('recon', recon)).toEqual({ valid: true, errors: [] });
    expect(checkSentMessage(recon)).toEqual([]);
  });

  it('an answer in accord reads as settled with its reference; one with diff_value gives the partner’s own figure', () => {
    const agreed = onRecon();
    expect(validateOndcMessage('on_recon', agreed).valid).toBe(true);
    expect(rules(agreed)).toEqual([]);
    expect(readOnRecon(agreed, 'NO1')).toEqual({ accord: true, partnerPaise: 49_900, status: 'settled', settlementRef: 'UTR0001' });
    const short = onRecon((o) => {
      o.recon_accord = false;
      o.settlements[0]!.amount = { currency: 'INR', value: '499.00', diff_value: '474.00' };
    });
    expect(rules(short)).toEqual([]);
    expect(readOnRecon(short, 'NO1')).toMatchObject({ accord: false, partnerPaise: 47_400 });
    expect(readOnRecon(agreed, 'OTHER')).toEqual({ problem: 'no order OTHER in the on_recon' });
  });

  it('finds an answer that contradicts itself, misses a settled reference, or speaks another domain or version', () => {
    expect(rules(onRecon((o) => (o.settlements[0]!.amount = { currency: 'INR', value: '499.00', diff_value: '474.00' })))).toContain('rsf.accord at message.orders[0].settlements');
    expect(rules(onRecon((o) => (o.recon_accord = false)))).toContain('rsf.accord at message.orders[0].settlements');
    expect(rules(onRecon((o) => delete o.settlements[0]!.settlement_ref_no))).toContain('rsf.settled at message.orders[0].settlements[0].settlement_ref_no');
    expect(rules(onRecon((o) => (o.settlements[0]!.amount = { currency: 'INR', value: '499' })))).toContain('rsf.amount at message.orders[0].settlements[0].amount.value');
    const pending = (dueDate?: string) =>
      onRecon((o) => {
        const { settlement_ref_no: _ref, ...rest } = o.settlements[0]!;
        o.settlements[0] = { ...rest, status: 'PENDING', ...(dueDate ? { due_date: dueDate } : {}) };
      });
    expect(rules(pending())).toContain('rsf.due-date at message.orders[0].settlements[0].due_date');
    expect(rules(pending('2026-03-04'))).toEqual([]);
    const early = { ...onRecon(), context: { ...onRecon().context, timestamp: recon.context.timestamp } };
    expect(rules(early)).toContain('transaction.context at context.timestamp');
    const elsewhere = { ...onRecon(), context: { ...onRecon().context, domain: 'ONDC:LOG10', version: '1.2.5' } };
    expect(rules(elsewhere)).toEqual(expect.arrayContaining(['rsf.context at context.domain', 'rsf.context at context.version']));
    expect(validateOndcMessage('on_recon', elsewhere).valid).toBe(false);
  });

  it('finds an answer to no /recon of ours, and orders or settlements our /recon did not name', () => {
    const unasked = { ...onRecon(), context: { ...onRecon().context, message_id: 'M2' } };
    expect(rules(unasked)).toContain('transaction.message-id at context.message_id');
    expect(rules(onRecon((o) => (o.id = 'NO2')))).toContain('rsf.transaction at message.orders[0].id');
    expect(rules(onRecon((o) => (o.settlements[0]!.id = 'S9')))).toContain('rsf.transaction at message.orders[0].settlements[0].id');
  });

  it('our /recon must reconcile the order we confirmed, in its transaction', () => {
    const confirm: TransactionMessage = { direction: 'sent', body: { context: { action: 'confirm', bpp_id: bpp.id, transaction_id: 'T1' }, message: { order: { id: 'NO9' } } } };
    const findings = checkTransactionOf([confirm, { direction: 'sent', body: recon }]);
    expect(findings).toContain('transaction.stable-ids at message.orders[0].id');
  });
});

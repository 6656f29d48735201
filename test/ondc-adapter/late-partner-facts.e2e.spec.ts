import { pdfText } from '../documents/pdf-tools';
import { AdapterHarness, DADAR_DROP } from './support/adapter-harness';
import { SellerHttp } from './support/seller-http';

/** The whole engine starts in beforeAll; on a busy machine that alone can take a minute. */
const START_TIMEOUT_MS = 180_000;

describe('ONDC: partner facts that arrive after the confirmation (deferred AWB)', () => {
  let harness: AdapterHarness;
  beforeAll(async () => {
    // An intercity courier that confirms without an AWB and sends one in an on_update later (1.2.5: only P2H2P shipments have one).
    harness = await AdapterHarness.start({ participants: [{ name: 'intercity', lateAwb: true }], stepMs: 150 });
  }, START_TIMEOUT_MS);
  afterAll(async () => harness.close());

  it('an AWB sent in an on_update after on_confirm reaches the shipment, and the reissued label prints it instead of "AWB pending"', async () => {
    const seller = await SellerHttp.register(harness);
    const order = await seller.shipOnNetwork(DADAR_DROP);

    const delivered = await seller.shipmentWhere(order, (s) => s.status === 'delivered', 'the shipment delivered');

    const awb = delivered.partner?.awb;
    expect(awb).toMatch(/^[1-9][0-9]{13}$/);
    expect(delivered.partner).toMatchObject({ id: harness.partnerId('intercity'), pickupSlot: { start: expect.any(String), end: expect.any(String) }, agent: { name: expect.any(String) } });
    // The partner's on_confirm had no AWB: it came with a callback of its own, and the label was made again with it.
    const conversation = await harness.conversationEvents(order.shipmentId);
    expect(conversation.find((e) => e.type === 'OrderConfirmed')?.data['awb']).toBeUndefined();
    const forwarded = conversation.find((e) => e.type === 'DomainNotified' && e.data['command'] === 'RecordPartnerDetails');
    expect(forwarded?.data).toMatchObject({ result: 'applied', details: { awb } });
    const types = delivered.tracking.map((e) => e.eventType);
    expect(types.indexOf('PartnerDetailsUpdated')).toBeGreaterThan(types.indexOf('LogisticsPartnerAssigned'));
    expect(delivered.tracking.find((e) => e.eventType === 'PartnerDetailsUpdated')?.detail).toMatchObject({ awb });
    const reissued = delivered.tracking.filter((e) => e.eventType === 'ShippingLabelGenerated').at(-1);
    expect(reissued?.detail).toMatchObject({ awb, labelVersion: delivered.labelVersion });
    expect(delivered.labelVersion).toBe(2);

    const text = pdfText(await seller.labelPdf(order));
    expect(text).toContain(awb);
    expect(text).toContain('Intercity Express Cargo');
    expect(text).not.toContain('AWB pending');
    expect(await harness.invalidSentMessages(order.shipmentId)).toEqual([]);
  });
});

/**
 * Every order event, driven through the real command handlers, and what a seller, the API and an
 * analytics consumer then read: order list and detail, shipments and tracking, the dashboard, the
 * invoice register and the fulfilment SLA facts.
 */
import {
  AssignLogisticsPartnerCommand,
  CancelOrderCommand,
  CancelReturnCommand,
  CancelShipmentCommand,
  CreateShipmentCommand,
  GenerateInvoiceCommand,
  MarkShipmentReadyToShipCommand,
  MarkReturnShippedCommand,
  MarkShipmentShippedCommand,
  ReceiveOrderCommand,
  ReceiveReturnCommand,
  RecordNoPartnerFoundCommand,
  RecordPackageImageCommand,
  RecordPartnerCancellationOutcomeCommand,
  RecordPartnerDetailsCommand,
  RecordPartnerReportCommand,
  RecordWeightDifferentialCommand,
  AcceptWeightDifferentialCommand,
  RecordCodSettlementCommand,
  DisputeWeightDifferentialCommand,
  RegenerateInvoiceCommand,
  ReissueDeliveryOtpCommand,
  RequestReturnCommand,
  RequestReattemptCommand,
  RequestReturnToOriginCommand,
  ReshipOrderCommand,
  RetryPartnerSearchCommand,
  SwitchShipmentToOffNetworkCommand,
  VerifyDeliveryOtpCommand,
} from '@fulfil/commands';
import { DEFAULT_DELIVERY_OTP_POLICY, DOMAIN_EVENT_TYPES, ISSUE_EVENT_TYPES, type PartnerReport } from '@fulfil/domain';
import { qualifiedName, type OrderDetail as OrderDetailView } from '@fulfil/read-models';
import { chandigarhAddress, chandigarhSellerProfile, freshId, orderInput } from '../support/fixtures';
import { asPartner, asSeller, startCommandHarness, type CommandHarness } from './support/command-harness';
import { environments, type ReadModelEnvironment } from './support/read-model-environments';

const NOT_ORDER_EVENTS = new Set([
  ...ISSUE_EVENT_TYPES,
  'SellerRegistered',
  'SellerProfileUpdated',
  'SellerSettingsChanged',
  'SellerApiKeyIssued',
  'SellerApiKeyRevoked',
  'SellerWhatsAppNumberVerificationRequested',
  'SellerWhatsAppNumberCodeRejected',
  'SellerWhatsAppNumberVerified',
  'WhatsAppNumberClaimed',
  'WhatsAppNumberReleased',
  'DocumentNumberAllocated',
  'InvoiceNumberReserved',
]);

describe.each(environments())('order read models on %s', (_name, openEnvironment) => {
  let env: ReadModelEnvironment;
  let h: CommandHarness;

  beforeAll(async () => {
    env = await openEnvironment();
    h = await startCommandHarness(env);
  });

  afterAll(async () => {
    await h.close();
    await env.dispose();
  });

  const detail = async (sellerId: string, orderId: string): Promise<OrderDetailView> => (await h.queries.getOrder(sellerId, orderId))!;
  const types = (d: OrderDetailView) => d.timeline.map((e) => e.eventType);
  const analytics = (view: string) => qualifiedName(h.readModels.schemas.analytics, view);
  const shipment = (d: OrderDetailView, shipmentId: string) => d.shipments.find((s) => s.shipmentId === shipmentId)!;

  async function invoicedOrder(sellerId: string) {
    const input = orderInput(sellerId);
    await h.run(new ReceiveOrderCommand(input, asSeller(sellerId)));
    await h.run(new GenerateInvoiceCommand({ sellerId, orderId: input.orderId }, asSeller(sellerId)));
    return input.orderId;
  }

  async function shipped(sellerId: string, orderId: string, mode: 'on-network' | 'off-network', shipmentId = freshId('shp')) {
    await h.run(new CreateShipmentCommand({ sellerId, orderId, shipmentId, mode }, asSeller(sellerId)));
    return shipmentId;
  }

  async function onNetworkPickedUp(sellerId: string, orderId: string, shipmentId: string) {
    await h.run(new MarkShipmentReadyToShipCommand({ sellerId, orderId, shipmentId }, asSeller(sellerId)));
    await h.run(
      new AssignLogisticsPartnerCommand(
        { sellerId, orderId, shipmentId, partnerId: 'lsp.swift', partnerName: 'Swift Couriers', networkOrderId: `NO${shipmentId.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 32), awb: 'AWB0001' },
        asPartner,
      ),
    );
    await report(sellerId, orderId, shipmentId, 'picked_up');
  }

  const report = (sellerId: string, orderId: string, shipmentId: string, kind: PartnerReport) =>
    h.run(new RecordPartnerReportCommand({ sellerId, orderId, shipmentId, partnerId: 'lsp.swift', report: kind, reportedAt: h.clock.now().toISOString(), agentName: 'Ravi' }, asPartner));

  it('follows an on-network order from receipt to delivery, a late partner report changing nothing', async () => {
    const sellerId = await h.newSeller();
    const input = orderInput(sellerId);
    await h.run(new ReceiveOrderCommand(input, asSeller(sellerId)));
    const orderId = input.orderId;
    let order = await detail(sellerId, orderId);
    expect(order).toMatchObject({ status: 'received', buyerName: 'Asha Kulkarni', deliveryStateCode: '27', deliveryPincode: '411045', paymentMethod: 'cod', itemCount: 3 });
    expect(order.invoice).toBeNull();
    expect(types(order)).toEqual(['OrderReceived']);
    expect((await h.queries.dashboard(sellerId, { overdueHours: 24 })).awaitingInvoice).toBe(1);

    await h.run(new GenerateInvoiceCommand({ sellerId, orderId }, asSeller(sellerId)));
    order = await detail(sellerId, orderId);
    expect(order).toMatchObject({ status: 'invoiced', invoiceNumber: 'INV/00001', invoiceTotalPaise: order.invoice!.current.totals.grandTotalPaise });
    expect(order.invoice!.current.totals).toMatchObject({ intraState: false, cgstPaise: 0, sgstPaise: 0 });

    const shipmentId = await shipped(sellerId, orderId, 'on-network');
    order = await detail(sellerId, orderId);
    expect(order).toMatchObject({ status: 'packed', shippingMode: 'on-network', currentShipmentId: shipmentId, currentShipmentStatus: 'created' });
    expect(shipment(order, shipmentId)).toMatchObject({ status: 'created', labelVersion: 1, weightGrams: 800, codAmountPaise: order.invoiceTotalPaise });
    expect((await h.queries.dashboard(sellerId, { overdueHours: 24 })).awaitingReadyToShip).toBe(1);

    await h.run(new MarkShipmentReadyToShipCommand({ sellerId, orderId, shipmentId }, asSeller(sellerId)));
    await h.run(new RecordPackageImageCommand({ sellerId, orderId, shipmentId, image: { sha256: 'b'.repeat(64), contentType: 'image/jpeg', sizeBytes: 4096 } }, asSeller(sellerId)));
    order = await detail(sellerId, orderId);
    expect(order.status).toBe('ready_for_pickup');
    expect(shipment(order, shipmentId)).toMatchObject({ status: 'ready_to_ship', readyAttempts: 1, imageCount: 1 });
    expect(shipment(order, shipmentId).readyAt).not.toBeNull();

    await h.run(
      new AssignLogisticsPartnerCommand({ sellerId, orderId, shipmentId, partnerId: 'lsp.swift', partnerName: 'Swift Couriers', networkOrderId: 'NO123', awb: 'AWB0001' }, asPartner),
    );
    order = await detail(sellerId, orderId);
    expect(shipment(order, shipmentId)).toMatchObject({ status: 'partner_assigned', labelVersion: 2, partner: { id: 'lsp.swift', name: 'Swift Couriers', networkOrderId: 'NO123', awb: 'AWB0001' } });

    const expectations: Array<[PartnerReport, string, string]> = [
      ['agent_assigned', 'agent_assigned', 'ready_for_pickup'],
      ['picked_up', 'picked_up', 'shipped'],
      ['in_transit', 'in_transit', 'shipped'],
      ['out_for_delivery', 'out_for_delivery', 'out_for_delivery'],
      ['delivered', 'delivered', 'delivered'],
    ];
    for (const [kind, shipmentStatus, orderStatus] of expectations) {
      await report(sellerId, orderId, shipmentId, kind);
      order = await detail(sellerId, orderId);
      expect([shipment(order, shipmentId).status, order.status]).toEqual([shipmentStatus, orderStatus]);
    }
    await report(sellerId, orderId, shipmentId, 'in_transit');
    order = await detail(sellerId, orderId);
    expect(order.status).toBe('delivered');
    const tracking = shipment(order, shipmentId).tracking;
    expect(tracking[tracking.length - 1]).toMatchObject({ eventType: 'LatePartnerReportRecorded', shipmentStatus: 'delivered', detail: { report: 'in_transit' } });
    expect(tracking.map((t) => t.eventType)).toEqual([
      'ShipmentCreated',
      'ShippingLabelGenerated',
      'ShipmentMarkedReadyToShip',
      'PackageImageRecorded',
      'LogisticsPartnerAssigned',
      'ShippingLabelGenerated',
      'DeliveryAgentAssigned',
      'ShipmentPickedUp',
      'ShipmentInTransit',
      'ShipmentOutForDelivery',
      'ShipmentDelivered',
      'LatePartnerReportRecorded',
    ]);
    expect(order.timeline.find((e) => e.eventType === 'ShipmentPickedUp')).toMatchObject({ actorType: 'ondc-logistics', channel: 'ondc', orderStatus: 'shipped' });

    const { rows } = await h.readModels.db.query<Record<string, unknown>>(
      `SELECT * FROM ${analytics('fulfilment_sla_v1')} WHERE seller_id = $1 AND order_id = $2`,
      [sellerId, orderId],
    );
    expect(rows[0]).toMatchObject({ shipping_mode: 'on-network', partner_name: 'Swift Couriers', shipment_count: 1 });
    for (const column of ['received_to_invoiced_seconds', 'invoiced_to_ready_seconds', 'ready_to_picked_up_seconds', 'picked_up_to_delivered_seconds']) {
      expect(Number(rows[0]![column])).toBeGreaterThan(0);
    }
    const dashboard = await h.queries.dashboard(sellerId, { overdueHours: 24 });
    expect(dashboard).toMatchObject({ ordersTotal: 1, awaitingInvoice: 0, awaitingReadyToShip: 0, ordersByStatus: { delivered: 1, received: 0 } });
  });

  it('delivers an off-network order with the OTP after wrong tries, a lock and a fresh OTP', async () => {
    const sellerId = await h.newSeller();
    const orderId = await invoicedOrder(sellerId);
    const shipmentId = await shipped(sellerId, orderId, 'off-network');
    await h.run(new MarkShipmentShippedCommand({ sellerId, orderId, shipmentId, courierName: 'Blue Dart', trackingNumber: 'BD123456789', trackingUrl: 'https://bluedart.example/t/BD123456789' }, asSeller(sellerId)));
    let order = await detail(sellerId, orderId);
    expect(order.status).toBe('shipped');
    expect(shipment(order, shipmentId)).toMatchObject({ courier: { name: 'Blue Dart', trackingNumber: 'BD123456789' }, trackingUrl: 'https://bluedart.example/t/BD123456789' });
    expect(shipment(order, shipmentId).pickedUpAt).not.toBeNull();

    const right = (sequence: number) => h.otp.otpFor({ sellerId, orderId, shipmentId, sequence });
    const wrong = right(1) === '000000' ? '111111' : '000000';
    for (let i = 0; i < DEFAULT_DELIVERY_OTP_POLICY.maxAttempts; i++) {
      await h.refused(new VerifyDeliveryOtpCommand({ sellerId, orderId, shipmentId, otp: wrong }, asSeller(sellerId)));
    }
    h.clock.advance(DEFAULT_DELIVERY_OTP_POLICY.lockoutMs / 60_000);
    await h.run(new ReissueDeliveryOtpCommand({ sellerId, orderId, shipmentId }, asSeller(sellerId)));
    await h.run(new VerifyDeliveryOtpCommand({ sellerId, orderId, shipmentId, otp: right(2) }, asSeller(sellerId)));
    order = await detail(sellerId, orderId);
    expect(order.status).toBe('delivered');
    const otpEvents = shipment(order, shipmentId).tracking.map((t) => t.eventType).filter((t) => t.startsWith('DeliveryOtp'));
    expect(otpEvents).toEqual(['DeliveryOtpIssued', ...Array(5).fill('DeliveryOtpRejected'), 'DeliveryOtpLocked', 'DeliveryOtpReissued', 'DeliveryOtpVerified']);
    expect(JSON.stringify(order)).not.toContain(right(2));
  });

  it('keeps every invoice revision; a tax-relevant correction cancels the number with a credit note', async () => {
    const sellerId = await h.newSeller();
    const orderId = await invoicedOrder(sellerId);
    await h.run(new RegenerateInvoiceCommand({ sellerId, orderId, reason: 'Typo in the address', corrections: { deliveryAddress: { line1: 'Flat 4C, Lotus Residency' } } }, asSeller(sellerId)));
    let order = await detail(sellerId, orderId);
    expect(order.invoice!.revisions.map((r) => [r.invoiceNumber, r.revision])).toEqual([['INV/00001', 1], ['INV/00001', 2]]);
    expect(order.deliveryAddress.line1).toBe('Flat 4C, Lotus Residency');

    const items = order.items.map((item) => ({ ...item, unitPricePaise: item.unitPricePaise - 10_000 }));
    await h.run(new RegenerateInvoiceCommand({ sellerId, orderId, reason: 'Price corrected', corrections: { items } }, asSeller(sellerId)));
    order = await detail(sellerId, orderId);
    expect(order).toMatchObject({ invoiceNumber: 'INV/00002', invoice: { current: { invoiceNumber: 'INV/00002', revision: 3, reason: 'Price corrected' } } });
    expect(order.invoice!.creditNotes).toEqual([expect.objectContaining({ creditNoteNumber: 'CN/00001', originalInvoiceNumber: 'INV/00001', originalRevision: 2 })]);
    expect(types(order)).toEqual(['OrderReceived', 'InvoiceGenerated', 'InvoiceRegenerated', 'CreditNoteIssued', 'InvoiceRegenerated']);

    const register = await h.queries.invoiceRegister(sellerId, { from: '2026-01-01T00:00:00Z', to: '2027-04-01T00:00:00Z' });
    const row = (type: string, number: string, revision: number) => register.find((r) => r.documentType === type && r.documentNumber === number && r.revision === revision);
    expect(row('invoice', 'INV/00001', 1)).toMatchObject({ status: 'cancelled', supersededByRevision: 2, cancelledByCreditNote: 'CN/00001' });
    expect(row('invoice', 'INV/00001', 2)).toMatchObject({ status: 'cancelled', cancelledByCreditNote: 'CN/00001' });
    expect(row('credit_note', 'CN/00001', 2)).toMatchObject({ status: 'issued', originalInvoiceNumber: 'INV/00001', placeOfSupplyStateCode: '27', intraState: false, buyerName: 'Asha Kulkarni' });
    const current = row('invoice', 'INV/00002', 3)!;
    expect(current).toMatchObject({ status: 'current', supplierGstin: '29ABCDE1234F1ZW', placeOfSupplyStateCode: '27' });
    expect(current.igstPaise).toBe(current.taxPaise);
    expect(current.rateSummary.reduce((sum, r) => sum + r.taxablePaise, 0)).toBe(current.taxablePaise);
    expect(register).toHaveLength(4);
  });

  it('carries UTGST, not SGST, for an intra-UT supply in Chandigarh, through the register, its credit note and the analytics views', async () => {
    const sellerId = await h.newSeller(chandigarhSellerProfile());
    const input = { ...orderInput(sellerId), deliveryAddress: chandigarhAddress };
    await h.run(new ReceiveOrderCommand(input, asSeller(sellerId)));
    await h.run(new GenerateInvoiceCommand({ sellerId, orderId: input.orderId }, asSeller(sellerId)));
    const items = input.items.map((item) => ({ ...item, unitPricePaise: item.unitPricePaise - 10_000 }));
    await h.run(new RegenerateInvoiceCommand({ sellerId, orderId: input.orderId, reason: 'Price corrected', corrections: { items } }, asSeller(sellerId)));

    const order = await detail(sellerId, input.orderId);
    const first = order.invoice!.revisions[0]!.totals;
    expect(first).toMatchObject({ intraState: true, sgstPaise: 0, igstPaise: 0 });
    expect(first.utgstPaise).toBeGreaterThan(0);
    expect(first.cgstPaise + first.utgstPaise!).toBe(first.grandTotalPaise - first.taxablePaise);

    const register = await h.queries.invoiceRegister(sellerId, { from: '2026-01-01T00:00:00Z', to: '2027-04-01T00:00:00Z' });
    for (const entry of register) {
      expect(entry).toMatchObject({ placeOfSupplyStateCode: '04', intraState: true, sgstPaise: 0, igstPaise: 0 });
      expect(entry.utgstPaise).toBeGreaterThan(0);
      expect(entry.taxPaise).toBe(entry.cgstPaise + entry.utgstPaise);
      expect(entry.taxPaise).toBe(entry.grandTotalPaise - entry.taxablePaise);
      expect(entry.rateSummary.reduce((sum, r) => sum + r.utgstPaise, 0)).toBe(entry.utgstPaise);
    }
    const creditNote = register.find((r) => r.documentType === 'credit_note')!;
    expect(creditNote).toMatchObject({ utgstPaise: first.utgstPaise, cgstPaise: first.cgstPaise });

    const { rows } = await h.readModels.db.query<{ document_type: string; sgst_paise: unknown; utgst_paise: unknown; tax_paise: unknown; cgst_paise: unknown }>(
      `SELECT document_type, sgst_paise, utgst_paise, tax_paise, cgst_paise FROM ${analytics('invoice_register_v1')} WHERE seller_id = $1`,
      [sellerId],
    );
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(Number(r.sgst_paise)).toBe(0);
      expect(Number(r.tax_paise)).toBe(Number(r.cgst_paise) + Number(r.utgst_paise));
    }
    const ordersView = await h.readModels.db.query<{ invoice_tax_paise: unknown }>(`SELECT invoice_tax_paise FROM ${analytics('orders_v1')} WHERE seller_id = $1`, [sellerId]);
    const current = order.invoice!.current.totals;
    expect(Number(ordersView.rows[0]!.invoice_tax_paise)).toBe(current.grandTotalPaise - current.taxablePaise);
  });

  it('switches a shipment no partner took to the seller’s courier', async () => {
    const sellerId = await h.newSeller();
    const orderId = await invoicedOrder(sellerId);
    const shipmentId = await shipped(sellerId, orderId, 'on-network');
    await h.run(new MarkShipmentReadyToShipCommand({ sellerId, orderId, shipmentId }, asSeller(sellerId)));
    await h.run(new RecordNoPartnerFoundCommand({ sellerId, orderId, shipmentId, reason: 'No partner serves 411045', candidatesTried: 3 }, asPartner));
    let order = await detail(sellerId, orderId);
    expect([order.status, shipment(order, shipmentId).status]).toEqual(['packed', 'no_partner_found']);
    await h.run(new SwitchShipmentToOffNetworkCommand({ sellerId, orderId, shipmentId }, asSeller(sellerId)));
    order = await detail(sellerId, orderId);
    expect(order).toMatchObject({ shippingMode: 'off-network', status: 'packed' });
    expect((await h.queries.listOrders(sellerId, { limit: 10, mode: 'off-network' })).items.map((o) => o.orderId)).toEqual([orderId]);
  });

  it('returns a parcel to origin, reships it, and records a partner cancellation and a disposed return', async () => {
    const sellerId = await h.newSeller();
    const orderId = await invoicedOrder(sellerId);
    const first = await shipped(sellerId, orderId, 'on-network');
    await onNetworkPickedUp(sellerId, orderId, first);
    await report(sellerId, orderId, first, 'rto_initiated');
    expect((await detail(sellerId, orderId)).status).toBe('rto_initiated');
    await report(sellerId, orderId, first, 'rto_delivered');
    expect((await detail(sellerId, orderId)).status).toBe('returned');

    const second = freshId('shp');
    await h.run(new ReshipOrderCommand({ sellerId, orderId, shipmentId: second, reason: 'returned', mode: 'on-network' }, asSeller(sellerId)));
    let order = await detail(sellerId, orderId);
    expect(order).toMatchObject({ status: 'packed', currentShipmentId: second });
    expect(shipment(order, second)).toMatchObject({ reshipOf: first, status: 'created' });
    expect(shipment(order, second).tracking[0]).toMatchObject({ eventType: 'OrderReshipped', detail: { previousShipmentId: first, reason: 'returned' } });

    await h.run(new MarkShipmentReadyToShipCommand({ sellerId, orderId, shipmentId: second }, asSeller(sellerId)));
    await h.run(new AssignLogisticsPartnerCommand({ sellerId, orderId, shipmentId: second, partnerId: 'lsp.swift', partnerName: 'Swift Couriers', networkOrderId: 'NO777' }, asPartner));
    await report(sellerId, orderId, second, 'cancelled');
    order = await detail(sellerId, orderId);
    expect([order.status, shipment(order, second).status]).toEqual(['invoiced', 'cancelled']);
    expect(shipment(order, second).cancelledAt).not.toBeNull();
    expect(shipment(order, second).cancelledBy).toBe('partner');

    const other = await invoicedOrder(sellerId);
    const disposed = await shipped(sellerId, other, 'on-network');
    await onNetworkPickedUp(sellerId, other, disposed);
    await report(sellerId, other, disposed, 'rto_initiated');
    await report(sellerId, other, disposed, 'rto_disposed');
    expect((await detail(sellerId, other)).status).toBe('returned');
    expect((await h.queries.dashboard(sellerId, { overdueHours: 24 })).ordersByStatus).toMatchObject({ returned: 1, invoiced: 1 });

    // Searched for again, the same shipment is in progress once more: the order is ready to ship, nobody's cancellation left on it.
    await h.run(new RetryPartnerSearchCommand({ sellerId, orderId, shipmentId: second }, asSeller(sellerId)));
    const retried = await detail(sellerId, orderId);
    expect([retried.status, shipment(retried, second).status, shipment(retried, second).cancelledBy, shipment(retried, second).partner]).toEqual(['ready_for_pickup', 'ready_to_ship', null, null]);
  });

  it('shows what a COD delivery collected against what was due, and why a partner cancelled (007: the promised time passed)', async () => {
    const sellerId = await h.newSeller();
    const orderId = await invoicedOrder(sellerId);
    const shipmentId = await shipped(sellerId, orderId, 'on-network');
    await onNetworkPickedUp(sellerId, orderId, shipmentId);
    const due = shipment(await detail(sellerId, orderId), shipmentId).codAmountPaise;
    await h.run(
      new RecordPartnerReportCommand({ sellerId, orderId, shipmentId, partnerId: 'lsp.swift', report: 'delivered', reportedAt: h.clock.now().toISOString(), codCollectedPaise: due - 2_000 }, asPartner),
    );
    const order = await detail(sellerId, orderId);
    expect(shipment(order, shipmentId).codCollection).toEqual({ duePaise: due, collectedPaise: due - 2_000, mismatched: true });
    expect(types(order)).toContain('CodCollectionMismatched');
    expect(order.timeline.find((t) => t.eventType === 'CodCollectionMismatched')?.detail).toEqual({ partnerId: 'lsp.swift', duePaise: due, collectedPaise: due - 2_000 });

    const other = await invoicedOrder(sellerId);
    const late = await shipped(sellerId, other, 'on-network');
    await h.run(new MarkShipmentReadyToShipCommand({ sellerId, orderId: other, shipmentId: late }, asSeller(sellerId)));
    await h.run(new AssignLogisticsPartnerCommand({ sellerId, orderId: other, shipmentId: late, partnerId: 'lsp.swift', partnerName: 'Swift Couriers', networkOrderId: 'NOTAT1' }, asPartner));
    const reason = 'TAT breached: not picked up by 2026-05-04T08:00:00.000Z (ONDC cancellation reason 007)';
    await h.run(new RecordPartnerReportCommand({ sellerId, orderId: other, shipmentId: late, partnerId: 'lsp.swift', report: 'cancelled', reportedAt: h.clock.now().toISOString(), reason, reasonCode: '007' }, asPartner));
    const cancelled = shipment(await detail(sellerId, other), late);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledBy: 'partner', cancellationReason: { text: reason, code: '007', side: null }, codCollection: null });
  });

  it("shows the partner's COD settlement after the settlement window, a mismatch then the reconciliation, in the shipment and its timeline", async () => {
    const sellerId = await h.newSeller();
    const orderId = await invoicedOrder(sellerId);
    const shipmentId = await shipped(sellerId, orderId, 'on-network');
    await onNetworkPickedUp(sellerId, orderId, shipmentId);
    const due = shipment(await detail(sellerId, orderId), shipmentId).codAmountPaise;
    await h.run(new RecordPartnerReportCommand({ sellerId, orderId, shipmentId, partnerId: 'lsp.swift', report: 'delivered', reportedAt: h.clock.now().toISOString(), codCollectedPaise: due }, asPartner));
    expect(shipment(await detail(sellerId, orderId), shipmentId).codSettlement).toBeNull();

    const claim = { sellerId, orderId, shipmentId, partnerId: 'lsp.swift', claimedPaise: due };
    await h.run(new RecordCodSettlementCommand({ ...claim, partnerPaise: due - 3_000, status: 'pending', accord: false }, asPartner));
    let order = await detail(sellerId, orderId);
    expect(shipment(order, shipmentId).codSettlement).toEqual({ outcome: 'mismatched', status: null, claimedPaise: due, partnerPaise: due - 3_000, settlementRef: null });
    expect(order.timeline.find((t) => t.eventType === 'CodSettlementMismatched')).toMatchObject({
      shipmentId,
      actorType: 'ondc-logistics',
      detail: { partnerId: 'lsp.swift', claimedPaise: due, partnerPaise: due - 3_000, accord: false },
    });

    await h.run(new RecordCodSettlementCommand({ ...claim, partnerPaise: due, status: 'settled', settlementRef: 'UTIB0000123456789012', accord: true }, asPartner));
    order = await detail(sellerId, orderId);
    expect(shipment(order, shipmentId).codSettlement).toEqual({ outcome: 'reconciled', status: 'settled', claimedPaise: due, partnerPaise: due, settlementRef: 'UTIB0000123456789012' });
    expect(shipment(order, shipmentId).tracking.slice(-2).map((t) => [t.eventType, t.detail])).toEqual([
      ['CodSettlementMismatched', { partnerId: 'lsp.swift', claimedPaise: due, partnerPaise: due - 3_000, accord: false }],
      ['CodSettlementReconciled', { partnerId: 'lsp.swift', amountPaise: due, status: 'settled', settlementRef: 'UTIB0000123456789012' }],
    ]);
    expect(order.status).toBe('delivered');
  });

  it('shows failed attempts with their reason and next attempt, and counts unanswered ones as needing attention', async () => {
    const sellerId = await h.newSeller();
    const orderId = await invoicedOrder(sellerId);
    const shipmentId = await shipped(sellerId, orderId, 'on-network');
    await h.run(new MarkShipmentReadyToShipCommand({ sellerId, orderId, shipmentId }, asSeller(sellerId)));
    await h.run(new AssignLogisticsPartnerCommand({ sellerId, orderId, shipmentId, partnerId: 'lsp.swift', partnerName: 'Swift Couriers', networkOrderId: 'NOFAIL1' }, asPartner));
    const attempt = (kind: PartnerReport, reasonCode: string) =>
      h.run(
        new RecordPartnerReportCommand(
          { sellerId, orderId, shipmentId, partnerId: 'lsp.swift', report: kind, reasonCode, nextAttemptAt: new Date(h.clock.now().getTime() + 86_400_000).toISOString(), reportedAt: h.clock.now().toISOString() },
          asPartner,
        ),
      );
    await attempt('pickup_failed', '004');
    let order = await detail(sellerId, orderId);
    expect([order.status, shipment(order, shipmentId).status]).toEqual(['ready_for_pickup', 'pickup_failed']);
    expect((await h.queries.dashboard(sellerId, { overdueHours: 24 })).needsAttention).toBe(1);
    await h.run(new RequestReattemptCommand({ sellerId, orderId, shipmentId }, asSeller(sellerId)));
    expect((await h.queries.dashboard(sellerId, { overdueHours: 24 })).needsAttention).toBe(0);
    h.clock.advance(60);
    await attempt('pickup_rescheduled', '004');
    await report(sellerId, orderId, shipmentId, 'picked_up');
    await report(sellerId, orderId, shipmentId, 'out_for_delivery');
    h.clock.advance(60);
    await attempt('delivery_failed', '005');
    order = await detail(sellerId, orderId);
    expect([order.status, shipment(order, shipmentId).status]).toEqual(['shipped', 'delivery_failed']);
    expect(order.timeline.at(-1)).toMatchObject({ eventType: 'ShipmentAttemptFailed', detail: { stage: 'delivery', attempt: 1, reasonCode: '005', by: 'partner' } });
    expect((await h.queries.dashboard(sellerId, { overdueHours: 24 })).needsAttention).toBe(1);
    await h.run(new RequestReturnToOriginCommand({ sellerId, orderId, shipmentId, note: 'Buyer unreachable' }, asSeller(sellerId)));
    order = await detail(sellerId, orderId);
    expect(types(order).slice(-1)).toEqual(['ShipmentReturnRequested']);
    expect((await h.queries.dashboard(sellerId, { overdueHours: 24 })).needsAttention).toBe(0);
  });

  it('cancels a shipment, then the whole order', async () => {
    const sellerId = await h.newSeller();
    const orderId = await invoicedOrder(sellerId);
    const first = await shipped(sellerId, orderId, 'on-network');
    await h.run(new CancelShipmentCommand({ sellerId, orderId, shipmentId: first, reason: 'Wrong box' }, asSeller(sellerId)));
    expect((await detail(sellerId, orderId)).status).toBe('invoiced');
    const second = await shipped(sellerId, orderId, 'off-network');
    await h.run(new CancelOrderCommand({ sellerId, orderId, reason: 'Buyer changed their mind' }, asSeller(sellerId)));
    const order = await detail(sellerId, orderId);
    expect(order.status).toBe('cancelled');
    expect(order.shipments.map((s) => [s.shipmentId, s.status, s.cancelledBy])).toEqual([
      [first, 'cancelled', 'seller'],
      [second, 'cancelled', 'seller'],
    ]);
    expect((await h.queries.dashboard(sellerId, { overdueHours: 24 })).ordersByStatus.cancelled).toBe(1);
    const { rows } = await h.readModels.db.query(`SELECT cancelled_at FROM ${analytics('fulfilment_sla_v1')} WHERE seller_id = $1`, [sellerId]);
    expect(rows[0]).toMatchObject({ cancelled_at: expect.any(Date) });
  });

  it('cancelling an invoiced order issues a credit note for it, and the register shows the invoice cancelled by it', async () => {
    const sellerId = await h.newSeller();
    const orderId = await invoicedOrder(sellerId);
    await h.run(new CancelOrderCommand({ sellerId, orderId, reason: 'Out of stock' }, asSeller(sellerId)));

    const order = await detail(sellerId, orderId);
    expect(order.status).toBe('cancelled');
    expect(order.invoice!.creditNotes).toEqual([expect.objectContaining({ creditNoteNumber: 'CN/00001', originalInvoiceNumber: 'INV/00001', reason: 'Order cancelled: Out of stock' })]);
    expect(types(order)).toEqual(['OrderReceived', 'InvoiceGenerated', 'CreditNoteIssued', 'OrderCancelled']);

    const register = await h.queries.invoiceRegister(sellerId, { from: '2026-01-01T00:00:00Z', to: '2027-04-01T00:00:00Z' });
    const invoice = register.find((r) => r.documentType === 'invoice')!;
    const creditNote = register.find((r) => r.documentType === 'credit_note')!;
    expect(invoice).toMatchObject({ documentNumber: 'INV/00001', status: 'cancelled', cancelledByCreditNote: 'CN/00001' });
    expect(creditNote).toMatchObject({ documentNumber: 'CN/00001', status: 'issued', originalInvoiceNumber: 'INV/00001', reason: 'Order cancelled: Out of stock' });
    // The credit note reverses the invoice to the paisa.
    for (const amount of ['taxablePaise', 'cgstPaise', 'sgstPaise', 'utgstPaise', 'igstPaise', 'grandTotalPaise'] as const) expect(creditNote[amount]).toBe(invoice[amount]);

    // Cancelling again changes nothing and takes no second number.
    await h.run(new CancelOrderCommand({ sellerId, orderId, reason: 'Again' }, asSeller(sellerId)));
    expect((await detail(sellerId, orderId)).invoice!.creditNotes).toHaveLength(1);
  });

  it('pages a seller’s orders newest first with a stable cursor and filters by status, mode and date', async () => {
    const sellerId = await h.newSeller();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const input = orderInput(sellerId);
      await h.run(new ReceiveOrderCommand(input, asSeller(sellerId)));
      ids.push(input.orderId);
    }
    await h.run(new GenerateInvoiceCommand({ sellerId, orderId: ids[1]! }, asSeller(sellerId)));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await h.queries.listOrders(sellerId, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((o) => o.orderId));
      cursor = page.nextCursor;
      // New orders arriving between pages do not shift the pages already handed out.
      if (seen.length === 2) await h.run(new ReceiveOrderCommand(orderInput(sellerId), asSeller(sellerId)));
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    expect((await h.queries.listOrders(sellerId, { limit: 10, status: 'invoiced' })).items.map((o) => o.orderId)).toEqual([ids[1]]);
    const all = (await h.queries.listOrders(sellerId, { limit: 10 })).items;
    const middle = all.find((o) => o.orderId === ids[2])!;
    const window = await h.queries.listOrders(sellerId, { limit: 10, receivedFrom: middle.receivedAt, receivedTo: all.find((o) => o.orderId === ids[4])!.receivedAt });
    expect(window.items.map((o) => o.orderId)).toEqual([ids[3], ids[2]]);
    await expect(h.queries.listOrders(sellerId, { limit: 10, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(h.queries.listOrders(sellerId, { limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('counts open orders older than the threshold as overdue, at query time', async () => {
    const sellerId = await h.newSeller();
    const waiting = await invoicedOrder(sellerId);
    const done = await invoicedOrder(sellerId);
    await h.run(new CancelOrderCommand({ sellerId, orderId: done, reason: 'Out of stock' }, asSeller(sellerId)));
    expect((await h.queries.dashboard(sellerId, { overdueHours: 24 })).overdue).toBe(0);
    h.clock.advance(25 * 60);
    const dashboard = await h.queries.dashboard(sellerId, { overdueHours: 24 });
    expect(dashboard).toMatchObject({ overdue: 1, overdueHours: 24, ordersByStatus: { invoiced: 1, cancelled: 1 } });
    expect(waiting).toBeDefined();
  });

  it('shows the surge paid with the partner, and a weight differential pending, accepted or disputed, in the order and its timeline', async () => {
    const sellerId = await h.newSeller();
    const runFor = async (answer: 'accept' | 'dispute') => {
      const orderId = await invoicedOrder(sellerId);
      const shipmentId = await shipped(sellerId, orderId, 'on-network');
      await h.run(new MarkShipmentReadyToShipCommand({ sellerId, orderId, shipmentId }, asSeller(sellerId)));
      const partner = { sellerId, orderId, shipmentId, partnerId: 'lsp.swift' };
      await h.run(new AssignLogisticsPartnerCommand({ ...partner, partnerName: 'Swift Couriers', networkOrderId: `NO${answer === 'accept' ? 1 : 2}`, surgeFeePaise: 1_770 }, asPartner));
      await h.run(new RecordPartnerReportCommand({ ...partner, report: 'picked_up', reportedAt: h.clock.now().toISOString() }, asPartner));
      await h.run(
        new RecordWeightDifferentialCommand(
          { ...partner, measuredWeightGrams: 2_600, measuredDimensionsCm: { length: 30, width: 25, height: 5 }, amountPaise: 4_000, taxPaise: 720, proofUrl: 'https://swift.example/weighing/1.jpg', reportedAt: h.clock.now().toISOString() },
          asPartner,
        ),
      );
      const pending = shipment(await detail(sellerId, orderId), shipmentId);
      expect(pending).toMatchObject({ partner: { surgeFeePaise: 1_770 }, weightDifferential: { status: 'pending', measuredWeightGrams: 2_600, amountPaise: 4_000, taxPaise: 720, answeredAt: null } });
      await h.run(
        answer === 'accept'
          ? new AcceptWeightDifferentialCommand({ sellerId, orderId, shipmentId }, asSeller(sellerId))
          : new DisputeWeightDifferentialCommand({ sellerId, orderId, shipmentId, reason: 'Weighed 800 g' }, asSeller(sellerId)),
      );
      const answered = shipment(await detail(sellerId, orderId), shipmentId);
      expect(answered.weightDifferential).toMatchObject({ status: answer === 'accept' ? 'accepted' : 'disputed', disputeReason: answer === 'accept' ? null : 'Weighed 800 g' });
      expect(answered.tracking.find((e) => e.eventType === 'WeightDifferentialReported')?.detail).toMatchObject({ measuredWeightGrams: 2_600, amountPaise: 4_000 });
    };
    await runFor('accept');
    await runFor('dispute');
  });

  it('shows what a partner sent after its assignment, and what came of the seller\'s cancellation at the partner', async () => {
    const sellerId = await h.newSeller();
    const orderId = await invoicedOrder(sellerId);
    const shipmentId = await shipped(sellerId, orderId, 'on-network');
    await h.run(new MarkShipmentReadyToShipCommand({ sellerId, orderId, shipmentId }, asSeller(sellerId)));
    const partner = { sellerId, orderId, shipmentId, partnerId: 'lsp.swift' };
    await h.run(new AssignLogisticsPartnerCommand({ ...partner, partnerName: 'Swift Couriers', networkOrderId: 'NO4242' }, asPartner));
    const slot = { start: h.clock.now().toISOString(), end: new Date(h.clock.now().getTime() + 3_600_000).toISOString() };
    await h.run(
      new RecordPartnerDetailsCommand(
        { ...partner, reportedAt: h.clock.now().toISOString(), awb: 'AWB4242', labelUrl: 'https://swift.example/labels/NO4242.pdf', pickupSlot: slot, agentName: 'Ravi', agentPhone: '9845012345' },
        asPartner,
      ),
    );
    let order = await detail(sellerId, orderId);
    expect(shipment(order, shipmentId)).toMatchObject({
      labelVersion: 2,
      partner: { awb: 'AWB4242', labelUrl: 'https://swift.example/labels/NO4242.pdf', pickupSlot: slot, agent: { name: 'Ravi', phone: '9845012345' }, cancellation: null },
    });
    expect(shipment(order, shipmentId).tracking.find((e) => e.eventType === 'PartnerDetailsUpdated')?.detail).toEqual({
      awb: 'AWB4242',
      labelUrl: 'https://swift.example/labels/NO4242.pdf',
      pickupSlotStart: slot.start,
      pickupSlotEnd: slot.end,
      agentName: 'Ravi',
    });

    await h.run(new CancelShipmentCommand({ sellerId, orderId, shipmentId, reason: 'buyer changed their mind' }, asSeller(sellerId)));
    const outcome = { ...partner, reportedAt: h.clock.now().toISOString() };
    await h.run(new RecordPartnerCancellationOutcomeCommand({ ...outcome, outcome: 'failed', attempts: 6, reason: '6 /cancel requests, none confirmed' }, asPartner));
    order = await detail(sellerId, orderId);
    expect(shipment(order, shipmentId).partner?.cancellation).toBe('failed');
    await h.run(new RecordPartnerCancellationOutcomeCommand({ ...outcome, outcome: 'confirmed', attempts: 7 }, asPartner));
    order = await detail(sellerId, orderId);
    expect(shipment(order, shipmentId).partner?.cancellation).toBe('confirmed');
    expect(types(order).slice(-3)).toEqual(['ShipmentCancelled', 'PartnerCancellationFailed', 'PartnerCancellationConfirmed']);
  });

  it('keeps a delivered order delivered while its returns are open, and shows each return step in the timeline', async () => {
    const sellerId = await h.newSeller();
    const orderId = await invoicedOrder(sellerId);
    const shipmentId = await shipped(sellerId, orderId, 'off-network');
    await h.run(new MarkShipmentReadyToShipCommand({ sellerId, orderId, shipmentId }, asSeller(sellerId)));
    await h.run(new MarkShipmentShippedCommand({ sellerId, orderId, shipmentId, courierName: 'Blue Dart', trackingNumber: 'BD123456789', images: [] }, asSeller(sellerId)));
    await h.run(new VerifyDeliveryOtpCommand({ sellerId, orderId, shipmentId, otp: h.otp.otpFor({ sellerId, orderId, shipmentId, sequence: 1 }) }, asSeller(sellerId)));
    const ids = { sellerId, orderId };
    await h.run(new RequestReturnCommand({ ...ids, returnId: 'ret-kept', lines: [{ sku: 'SAREE-SILK-01', quantity: 1 }], reason: 'Changed mind' }, asSeller(sellerId)));
    await h.run(new CancelReturnCommand({ ...ids, returnId: 'ret-kept', reason: 'Buyer kept it' }, asSeller(sellerId)));
    await h.run(new RequestReturnCommand({ ...ids, returnId: 'ret-1', lines: [{ sku: 'STOLE-02', quantity: 1 }], reason: 'Wrong colour' }, asSeller(sellerId)));
    await h.run(new MarkReturnShippedCommand({ ...ids, returnId: 'ret-1', courierName: 'DTDC', trackingNumber: 'D99887766' }, asSeller(sellerId)));
    expect((await detail(sellerId, orderId)).status).toBe('delivered');
    await h.run(new ReceiveReturnCommand({ ...ids, returnId: 'ret-1', accepted: [{ sku: 'STOLE-02', quantity: 1 }], rejected: [] }, asSeller(sellerId)));
    const order = await detail(sellerId, orderId);
    expect(order.status).toBe('delivered');
    expect(types(order).slice(-6)).toEqual(['ReturnRequested', 'ReturnCancelled', 'ReturnRequested', 'ReturnShipped', 'ReturnReceived', 'CreditNoteIssued']);
  });

  it('reports every projection live with no lag once caught up', async () => {
    const status = await h.status.status();
    expect(status.map((s) => s.name).sort()).toEqual(['fulfilment_sla', 'invoice_register', 'orders', 'seller_dashboard', 'shipment_issues']);
    for (const projection of status) expect(projection).toMatchObject({ state: 'live', lagEvents: 0, lagSeconds: 0 });
  });

  it('has met every order event type of the domain', async () => {
    const { rows } = await h.readModels.db.query<{ event_type: string }>(`SELECT DISTINCT event_type FROM ${qualifiedName(h.readModels.schemas.internal, 'order_timeline')}`);
    const orderEventTypes = DOMAIN_EVENT_TYPES.filter((t) => !NOT_ORDER_EVENTS.has(t));
    expect(rows.map((r) => r.event_type).sort()).toEqual([...orderEventTypes].sort());
  });
});


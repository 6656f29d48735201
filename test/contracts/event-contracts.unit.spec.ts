import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  DOMAIN_EVENT_TYPES,
  DeliveryOtpGenerator,
  DomainEvent,
  DomainEventType,
  EventMetadata,
  InvoiceNumberReservationEvent,
  IssueCommand,
  IssueState,
  NumberSeriesKind,
  OrderCommand,
  OrderEvent,
  OrderState,
  PartnerReport,
  RegisteredSeller,
  SellerCommand,
  SellerEvent,
  SellerState,
  StoredImage,
  creditNotePrefix,
  decideClaimWhatsAppNumber,
  decideNextNumber,
  decideReleaseWhatsAppNumber,
  decideIssue,
  decideOrder,
  decideSeller,
  eventSchemaVersion,
  evolveNumberSeries,
  evolveIssue,
  evolveOrder,
  evolveSeller,
  evolveWhatsAppNumberClaim,
  financialYearOf,
  initialNumberSeriesState,
  initialIssueState,
  initialOrderState,
  initialSellerState,
  initialWhatsAppNumberClaim,
} from '@fulfil/domain';
import {
  SHARED_SCHEMA_FILES,
  eventSchemaFileName,
  eventSchemaId,
  loadEventSchemas,
  validateDomainEvent,
  validateEventMetadata,
} from '../../libs/domain/src/testing/event-contracts';
import { STREAMS_SCOPED_TO_SELLERS, engineSchemaVersion } from '@fulfil/commands';
import { TRANSACTION_OPENED, type ConversationEventType as OndcConversationEventType } from '@fulfil/ondc';
import type { ConversationEvent as WhatsAppConversationEvent, OutboxEvent } from '@fulfil/whatsapp';
import { bengaluruPickup, orderInput, sellerProfile } from '../support/fixtures';

/**
 * The published event contracts (contracts/events/*.schema.json) against what the domain really
 * emits: the deciders are driven through scenarios that together produce every event type.
 */

type Json = Record<string, unknown>;
type WithoutIds<C> = C extends unknown ? Omit<C, 'sellerId' | 'orderId'> : never;

const schemas = loadEventSchemas();
const emitted: Array<{ scenario: string; event: DomainEvent }> = [];

let clockMs = Date.parse('2026-05-04T09:00:00.000Z');
const tick = (): Date => new Date((clockMs += 60_000));

const otp = new DeliveryOtpGenerator(randomBytes(32));
/** The fixtures' pickup and buyer PIN codes: a shipment whose address has no GPS gets the PIN code's (gpsFromPincode). */
const locatePincode = (pincode: string) => ({ '560001': { lat: 12.9756, lng: 77.6066 }, '411045': { lat: 18.5586, lng: 73.7794 } })[pincode];
// Decisions here are a minute apart, so a one-minute lockout lets the scenario reissue right after the lock.
const otpPolicy = { ttlMs: 24 * 3600 * 1000, maxAttempts: 3, lockoutMs: 60_000, maxReissues: 3, reissueWindowMs: 3600 * 1000 };
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const image = (name: string): StoredImage => ({ sha256: sha256(name), contentType: 'image/jpeg', sizeBytes: 48_213 });
const typesOf = (events: readonly DomainEvent[]): DomainEventType[] => events.map((e) => e.type);

let scenario = 'setup';
function record<E extends DomainEvent>(events: E[], expected: DomainEventType[]): E[] {
  expect({ scenario, types: typesOf(events) }).toEqual({ scenario, types: expected });
  for (const event of events) emitted.push({ scenario, event });
  return events;
}

class SellerWorld {
  state: SellerState = initialSellerState();

  constructor(readonly sellerId: string) {}

  run(command: SellerCommand, expected: DomainEventType[]): SellerEvent[] {
    const events = decideSeller(command, this.state, { now: tick(), whatsappCodes: { matches: (ref, candidate) => otp.whatsappNumberCodeMatches(ref, candidate) } });
    this.state = events.reduce(evolveSeller, this.state);
    return record(events, expected);
  }

  get registered(): RegisteredSeller {
    if (this.state.status !== 'registered') throw new Error('seller not registered');
    return { sellerId: this.state.sellerId, profile: this.state.profile, settings: this.state.settings };
  }
}

/** The series streams and the reservation streams, as the command side's number allocator uses them. */
class Numbering {
  private readonly series = new Map<NumberSeriesKind, ReturnType<typeof initialNumberSeriesState>>();

  constructor(private readonly seller: SellerWorld) {}

  next(kind: NumberSeriesKind, orderId: string): string {
    const now = tick();
    const invoicePrefix = this.seller.registered.settings.invoicePrefix;
    const request = {
      sellerId: this.seller.sellerId,
      financialYear: financialYearOf(now),
      kind,
      prefix: kind === 'invoice' ? invoicePrefix : creditNotePrefix(invoicePrefix),
      orderId,
      now,
    };
    const event = decideNextNumber(this.series.get(kind) ?? initialNumberSeriesState(), request);
    this.series.set(kind, evolveNumberSeries(this.series.get(kind) ?? initialNumberSeriesState(), event));
    record([event], ['DocumentNumberAllocated']);
    return event.data.number;
  }

  /** No decider emits the reservation: InvoiceNumberAllocator appends it as built here. */
  reserve(invoiceNumber: string, orderId: string, source: 'sequence' | 'custom'): string {
    const now = tick();
    const event: InvoiceNumberReservationEvent = {
      type: 'InvoiceNumberReserved',
      data: { sellerId: this.seller.sellerId, financialYear: financialYearOf(now), invoiceNumber, orderId, source, reservedAt: now.toISOString() },
    };
    record([event], ['InvoiceNumberReserved']);
    return invoiceNumber;
  }
}

class OrderWorld {
  state: OrderState = initialOrderState();

  constructor(
    private readonly seller: SellerWorld,
    readonly orderId: string,
  ) {}

  run(command: WithoutIds<OrderCommand>, expected: DomainEventType[]): OrderEvent[] {
    const full = { ...command, sellerId: this.seller.sellerId, orderId: this.orderId } as OrderCommand;
    const events = decideOrder(full, this.state, { now: tick(), seller: this.seller.registered, otp, otpPolicy, locatePincode });
    this.state = events.reduce(evolveOrder, this.state);
    return record(events, expected);
  }

  receive(overrides: Partial<ReturnType<typeof orderInput>> = {}, options: { withoutPackage?: boolean } = {}): void {
    const { sellerId: _s, orderId: _o, package: pkg, ...input } = { ...orderInput(this.seller.sellerId, this.orderId), ...overrides };
    this.run({ type: 'ReceiveOrder', ...input, ...(pkg && !options.withoutPackage ? { package: pkg } : {}) }, ['OrderReceived']);
  }

  invoice(numbers: Numbering): void {
    const invoiceNumber = numbers.reserve(numbers.next('invoice', this.orderId), this.orderId, 'sequence');
    this.run({ type: 'GenerateInvoice', invoiceNumber, numberSource: 'sequence', auto: true }, ['InvoiceGenerated']);
  }

  report(shipmentId: string, report: PartnerReport, expected: DomainEventType[], extra: object = {}): void {
    this.run({ type: 'RecordPartnerReport', shipmentId, partnerId: PARTNER.partnerId, report, reportedAt: tick().toISOString(), ...extra }, expected);
  }

  /** Created, ready, confirmed by the partner (without an AWB). */
  onNetworkShipment(shipmentId: string): void {
    this.run({ type: 'CreateShipment', shipmentId, mode: 'on-network' }, ['ShipmentCreated', 'ShippingLabelGenerated']);
    this.run({ type: 'MarkShipmentReadyToShip', shipmentId }, ['ShipmentMarkedReadyToShip']);
    this.run({ type: 'AssignLogisticsPartner', shipmentId, ...PARTNER, networkOrderId: `N${shipmentId.replace(/[^A-Za-z0-9]/g, '')}` }, ['LogisticsPartnerAssigned']);
  }
}

const PARTNER = { partnerId: 'lsp.shiprocket.example', partnerName: 'Shiprocket' };

type IssueCommandInput = IssueCommand extends infer C ? (C extends IssueCommand ? Omit<C, 'sellerId' | 'issueId'> : never) : never;

/** An issue about one shipment of an order, raised by its seller. */
class IssueWorld {
  state: IssueState = initialIssueState();

  constructor(
    private readonly seller: SellerWorld,
    readonly issueId: string,
    private readonly order: OrderWorld,
  ) {}

  run(command: IssueCommandInput, expected: DomainEventType[]): void {
    const full = { ...command, sellerId: this.seller.sellerId, issueId: this.issueId } as IssueCommand;
    const events = decideIssue(full, this.state, { now: tick(), order: this.order.state });
    this.state = events.reduce(evolveIssue, this.state);
    record(events, expected);
  }
}

/**
 * The events the engine writes beside the domain's: the ONDC adapter's conversation, WhatsApp's
 * outbox, inbox and conversations, and the upgrade record. The unions make the lists exhaustive;
 * test/contracts/stored-events.e2e.spec.ts validates what a whole run writes of them.
 */
const ONDC_ADAPTER_EVENT_TYPES = Object.keys({
  LogisticsSearchStarted: 1,
  SearchSent: 1,
  InitSent: 1,
  ConfirmSent: 1,
  UpdateSent: 1,
  StatusSent: 1,
  TrackSent: 1,
  CancelSent: 1,
  IssueSent: 1,
  ReconSent: 1,
  RequestAnswered: 1,
  CatalogReceived: 1,
  CallbackReceived: 1,
  PartnerChosen: 1,
  QuoteAccepted: 1,
  QuoteRejected: 1,
  CandidateFailed: 1,
  OrderConfirmed: 1,
  PartnerSearchExhausted: 1,
  SellerCancelled: 1,
  TatBreached: 1,
  SellerAnsweredAttempt: 1,
  SellerIssueActed: 1,
  SellerAnsweredWeightDifferential: 1,
  PartnerCancellationAbandoned: 1,
  CodReconciliationAbandoned: 1,
  CallbackProcessed: 1,
  DomainNotified: 1,
} satisfies Record<OndcConversationEventType, 1>);
const WHATSAPP_EVENT_TYPES = Object.keys({
  WhatsAppShippingStarted: 1,
  WhatsAppCourierNamed: 1,
  WhatsAppTrackingNumberGiven: 1,
  WhatsAppShipmentPhotoAdded: 1,
  WhatsAppShipmentMarkedShipped: 1,
  WhatsAppDeliveryConfirmed: 1,
  WhatsAppMessageQueued: 1,
  WhatsAppSendStarted: 1,
  WhatsAppMessageSent: 1,
  WhatsAppSendFailed: 1,
  WhatsAppDeliveryStatusRecorded: 1,
} satisfies Record<WhatsAppConversationEvent['type'] | OutboxEvent['type'], 1>);
/** Written as plain literals (one-event index and inbox streams). */
const INDEX_EVENT_TYPES = [TRANSACTION_OPENED, 'WhatsAppMessageIdAssigned', 'WhatsAppMessageClaimed', 'WhatsAppMessageHandled', 'WhatsAppOrderFocused', STREAMS_SCOPED_TO_SELLERS];
const ENGINE_EVENT_TYPES = [...ONDC_ADAPTER_EVENT_TYPES, ...WHATSAPP_EVENT_TYPES, ...INDEX_EVENT_TYPES];

function runScenarios(): void {
  scenario = 'seller register, profile, settings, API key';
  const seller = new SellerWorld('slr-kaveri');
  seller.run(
    {
      type: 'RegisterSeller',
      sellerId: seller.sellerId,
      profile: sellerProfile(),
      settings: { invoicePrefix: 'INV/', defaultPackage: { weightGrams: 500, lengthCm: 25, widthCm: 20, heightCm: 4.5 }, whatsappNumber: '919876543210' },
    },
    ['SellerRegistered', 'SellerWhatsAppNumberVerificationRequested'],
  );
  seller.run(
    {
      type: 'UpdateSellerProfile',
      sellerId: seller.sellerId,
      profile: { legalName: 'Kaveri Handlooms Pvt Ltd', pickupAddress: { ...bengaluruPickup, line2: 'Near Trinity Metro', gps: { lat: 12.9727, lng: 77.6197 } } },
    },
    ['SellerProfileUpdated'],
  );
  seller.run(
    { type: 'ChangeSellerSettings', sellerId: seller.sellerId, settings: { autoInvoice: true, autoManifest: true, returnWindowDays: 10, deliveryCategory: 'Express Delivery', maxSurgeFeePaise: 3_000 } },
    ['SellerSettingsChanged'],
  );
  seller.run({ type: 'IssueSellerApiKey', sellerId: seller.sellerId, keyId: 'key0001abcd', secretSha256: sha256('the secret') }, ['SellerApiKeyIssued']);
  seller.run({ type: 'RotateSellerApiKey', sellerId: seller.sellerId, keyId: 'key0002abcd', secretSha256: sha256('the new secret') }, ['SellerApiKeyRevoked', 'SellerApiKeyIssued']);
  const numbers = new Numbering(seller);

  scenario = 'WhatsApp number: a wrong code, the right one, the claim; another number verified releases it';
  const first = { sellerId: seller.sellerId, number: '919876543210', sequence: 1 };
  const wrongCode = otp.whatsappNumberCodeFor(first) === '000000' ? '111111' : '000000';
  seller.run({ type: 'ConfirmSellerWhatsAppNumber', sellerId: seller.sellerId, code: wrongCode }, ['SellerWhatsAppNumberCodeRejected']);
  const claimed = record(decideClaimWhatsAppNumber(initialWhatsAppNumberClaim(), { number: first.number, sellerId: seller.sellerId, now: tick() }), ['WhatsAppNumberClaimed']);
  seller.run({ type: 'ConfirmSellerWhatsAppNumber', sellerId: seller.sellerId, code: otp.whatsappNumberCodeFor(first) }, ['SellerWhatsAppNumberVerified']);
  seller.run({ type: 'ChangeSellerSettings', sellerId: seller.sellerId, settings: { whatsappNumber: '919812345678' } }, ['SellerWhatsAppNumberVerificationRequested']);
  const second = { sellerId: seller.sellerId, number: '919812345678', sequence: 2 };
  seller.run({ type: 'ConfirmSellerWhatsAppNumber', sellerId: seller.sellerId, code: otp.whatsappNumberCodeFor(second) }, ['SellerWhatsAppNumberVerified']);
  record(decideReleaseWhatsAppNumber(claimed.reduce(evolveWhatsAppNumberClaim, initialWhatsAppNumberClaim()), { number: first.number, sellerId: seller.sellerId, now: tick() }), ['WhatsAppNumberReleased']);

  scenario = 'on-network lifecycle with AWB, partner reports, late report, non-tax invoice correction';
  const a = new OrderWorld(seller, 'ord-a');
  a.receive({ externalRef: 'SHOP-1001', buyer: { name: 'Asha Kulkarni', phone: '+919123456780' } });
  a.invoice(numbers);
  a.run({ type: 'CreateShipment', shipmentId: 'shp-a1', mode: 'on-network', deliveryCategory: 'Same Day Delivery' }, ['ShipmentCreated', 'ShippingLabelGenerated']);
  a.run({ type: 'MarkShipmentReadyToShip', shipmentId: 'shp-a1', bulk: true }, ['ShipmentMarkedReadyToShip']);
  a.run({ type: 'RecordPackageImage', shipmentId: 'shp-a1', image: image('a1-top') }, ['PackageImageRecorded']);
  const slotStart = tick();
  a.run(
    {
      type: 'AssignLogisticsPartner',
      shipmentId: 'shp-a1',
      ...PARTNER,
      networkOrderId: 'ONDC20260504A1',
      awb: 'SR778899001',
      trackingUrl: 'https://track.example/SR778899001',
      pickupSlot: { start: slotStart.toISOString(), end: new Date(slotStart.getTime() + 2 * 3600_000).toISOString() },
    },
    ['LogisticsPartnerAssigned', 'ShippingLabelGenerated'],
  );
  a.report('shp-a1', 'agent_assigned', ['DeliveryAgentAssigned'], { agentName: 'Ravi', agentPhone: '9845012345' });
  a.report('shp-a1', 'picked_up', ['ShipmentPickedUp']);
  a.report('shp-a1', 'in_transit', ['ShipmentInTransit']);
  a.report('shp-a1', 'out_for_delivery', ['ShipmentOutForDelivery']);
  a.report('shp-a1', 'delivered', ['ShipmentDelivered']);
  a.report('shp-a1', 'in_transit', ['LatePartnerReportRecorded']);
  a.run({ type: 'RegenerateInvoice', reason: 'Buyer asked for the invoice by e-mail', corrections: { buyer: { email: 'asha@example.in' } } }, ['InvoiceRegenerated']);

  scenario = 'an issue about the delivered shipment: photos asked and given, a refund escalated, the better one accepted, resolved, closed';
  const issue = new IssueWorld(seller, 'iss-a1', a);
  const respond = (actionId: string, response: 'info_requested' | 'resolution_proposed' | 'resolved', extra: object = {}) =>
    issue.run({ type: 'RecordIssueResponse', actionId, response, text: response, level: 'issue', respondedAt: tick().toISOString(), ...extra } as IssueCommandInput, ['IssuePartnerResponded']);
  issue.run({ type: 'RaiseIssue', orderId: a.orderId, shipmentId: 'shp-a1', kind: 'damaged', description: 'The box came crushed, the vase inside broken' }, ['IssueRaised']);
  respond('lsp-1', 'info_requested');
  issue.run({ type: 'ProvideIssueInfo', info: 'Photos: https://example.in/box.jpg' }, ['IssueInfoProvided']);
  respond('lsp-2', 'resolution_proposed', { resolution: { resolutionId: 'R1', kind: 'refund', text: 'Rs 50 back', refundPaise: 5_000 } });
  issue.run({ type: 'EscalateIssue', reason: 'Does not cover the vase' }, ['IssueEscalated']);
  respond('lsp-gro-1', 'resolution_proposed', { level: 'grievance', resolution: { resolutionId: 'R2', kind: 'refund', text: 'Rs 1,500 back', refundPaise: 150_000 } });
  issue.run({ type: 'AcceptIssueResolution' }, ['IssueResolutionAccepted']);
  respond('lsp-gro-2', 'resolved', { level: 'grievance' });
  issue.run({ type: 'CloseIssue', satisfied: true }, ['IssueClosed']);

  scenario = 'customer returns: one shipped back, inspected with units accepted (credit note) and refused; one withdrawn';
  a.run({ type: 'RequestReturn', returnId: 'ret-a1', lines: [{ sku: 'STOLE-02', quantity: 2 }, { sku: 'SAREE-SILK-01', quantity: 1 }], reason: 'Colour not as shown' }, ['ReturnRequested']);
  a.run({ type: 'MarkReturnShipped', returnId: 'ret-a1', courierName: 'Blue Dart', trackingNumber: 'BD998877', trackingUrl: 'https://bluedart.example/track/BD998877' }, ['ReturnShipped']);
  a.run(
    {
      type: 'ReceiveReturn',
      returnId: 'ret-a1',
      accepted: [{ sku: 'STOLE-02', quantity: 2 }],
      rejected: [{ sku: 'SAREE-SILK-01', quantity: 1, note: 'Worn, tag removed' }],
      creditNoteNumber: numbers.next('credit-note', a.orderId),
    },
    ['ReturnReceived', 'CreditNoteIssued'],
  );
  a.run({ type: 'RequestReturn', returnId: 'ret-a2', lines: [{ sku: 'SAREE-SILK-01', quantity: 1 }], reason: 'Wrong size' }, ['ReturnRequested']);
  a.run({ type: 'CancelReturn', returnId: 'ret-a2', reason: 'Buyer kept it' }, ['ReturnCancelled']);

  scenario = 'no partner found, own courier, delivery OTP rejected/locked/reissued/verified, reship, tax-relevant correction';
  const b = new OrderWorld(seller, 'ord-b');
  b.receive({ paymentMethod: 'cod' });
  const custom = numbers.reserve('KH/2026/0042', b.orderId, 'custom');
  b.run({ type: 'GenerateInvoice', invoiceNumber: custom, numberSource: 'custom', auto: false }, ['InvoiceGenerated']);
  b.run({ type: 'CreateShipment', shipmentId: 'shp-b1' }, ['ShipmentCreated', 'ShippingLabelGenerated']);
  b.run({ type: 'MarkShipmentReadyToShip', shipmentId: 'shp-b1' }, ['ShipmentMarkedReadyToShip']);
  b.run({ type: 'RecordNoPartnerFound', shipmentId: 'shp-b1', reason: 'No partner serves 411045 for COD today', candidatesTried: 4 }, ['NoLogisticsPartnerFound']);
  b.run({ type: 'SwitchShipmentToOffNetwork', shipmentId: 'shp-b1' }, ['ShipmentModeSwitched']);
  b.run(
    { type: 'MarkShipmentShipped', shipmentId: 'shp-b1', courierName: 'DTDC', trackingNumber: 'D12345678', trackingUrl: 'https://www.dtdc.in/track?D12345678', images: [image('b1-label')] },
    ['ShipmentMarkedShipped', 'ShippingLabelGenerated', 'DeliveryOtpIssued'],
  );
  const ref = { sellerId: seller.sellerId, orderId: b.orderId, shipmentId: 'shp-b1' };
  const wrong = otp.otpFor({ ...ref, sequence: 1 }) === '000000' ? '111111' : '000000';
  b.run({ type: 'VerifyDeliveryOtp', shipmentId: 'shp-b1', otp: wrong }, ['DeliveryOtpRejected']);
  b.run({ type: 'VerifyDeliveryOtp', shipmentId: 'shp-b1', otp: wrong }, ['DeliveryOtpRejected']);
  b.run({ type: 'VerifyDeliveryOtp', shipmentId: 'shp-b1', otp: wrong }, ['DeliveryOtpRejected', 'DeliveryOtpLocked']);
  b.run({ type: 'ReissueDeliveryOtp', shipmentId: 'shp-b1' }, ['DeliveryOtpReissued']);
  b.run({ type: 'VerifyDeliveryOtp', shipmentId: 'shp-b1', otp: otp.otpFor({ ...ref, sequence: 2 }) }, ['DeliveryOtpVerified', 'ShipmentDelivered']);
  b.run(
    { type: 'ReshipOrder', shipmentId: 'shp-b2', reason: 'damaged', note: 'Saree torn in transit', mode: 'off-network' },
    ['OrderReshipped', 'ShipmentCreated', 'ShippingLabelGenerated'],
  );
  const newInvoiceNumber = numbers.reserve(numbers.next('invoice', b.orderId), b.orderId, 'sequence');
  const creditNoteNumber = numbers.next('credit-note', b.orderId);
  b.run(
    { type: 'RegenerateInvoice', reason: 'Buyer is GST-registered: B2B invoice', corrections: { buyer: { gstin: '27AAPFU0939F1ZV' } }, newInvoiceNumber, creditNoteNumber },
    ['CreditNoteIssued', 'InvoiceRegenerated'],
  );
  b.run({ type: 'CancelShipment', shipmentId: 'shp-b2', reason: 'Buyer accepted a refund instead' }, ['ShipmentCancelled']);

  scenario = 'order cancelled after the partner confirmed';
  const c = new OrderWorld(seller, 'ord-c');
  c.receive({ paymentMethod: 'prepaid' }, { withoutPackage: true });
  c.invoice(numbers);
  c.onNetworkShipment('shp-c1');
  c.run({ type: 'CancelOrder', reason: 'Buyer cancelled', creditNoteNumber: numbers.next('credit-note', c.orderId) }, ['CreditNoteIssued', 'ShipmentCancelled', 'OrderCancelled']);
  c.run(
    { type: 'RecordPartnerCancellationOutcome', shipmentId: 'shp-c1', partnerId: PARTNER.partnerId, outcome: 'failed', attempts: 6, reason: '6 /cancel requests, none confirmed; the last: NACK POLICY-ERROR 60007', reportedAt: tick().toISOString() },
    ['PartnerCancellationFailed'],
  );
  c.run({ type: 'RecordPartnerCancellationOutcome', shipmentId: 'shp-c1', partnerId: PARTNER.partnerId, outcome: 'confirmed', attempts: 7, reportedAt: tick().toISOString() }, ['PartnerCancellationConfirmed']);

  scenario = 'a partner that sends its AWB, label and pickup slot after the confirmation';
  const late = new OrderWorld(seller, 'ord-late');
  late.receive();
  late.invoice(numbers);
  late.onNetworkShipment('shp-late1');
  const slot = tick();
  late.run(
    {
      type: 'RecordPartnerDetails',
      shipmentId: 'shp-late1',
      partnerId: PARTNER.partnerId,
      reportedAt: slot.toISOString(),
      awb: '12345678901234',
      labelUrl: 'https://lsp.example/labels/Nshplate1.pdf',
      trackingUrl: 'https://lsp.example/track/Nshplate1',
      pickupSlot: { start: slot.toISOString(), end: new Date(slot.getTime() + 3_600_000).toISOString() },
      agentName: 'Imran Shaikh',
      agentPhone: '9822098220',
    },
    ['PartnerDetailsUpdated', 'ShippingLabelGenerated'],
  );

  scenario = 'return to origin delivered, reship';
  const d = new OrderWorld(seller, 'ord-d');
  d.receive();
  d.invoice(numbers);
  d.onNetworkShipment('shp-d1');
  d.report('shp-d1', 'picked_up', ['ShipmentPickedUp']);
  d.report('shp-d1', 'rto_initiated', ['ShipmentRtoInitiated'], { reason: 'Buyer refused the parcel' });
  d.report('shp-d1', 'rto_delivered', ['ShipmentRtoDelivered']);
  d.run({ type: 'ReshipOrder', shipmentId: 'shp-d2', reason: 'returned' }, ['OrderReshipped', 'ShipmentCreated', 'ShippingLabelGenerated']);

  scenario = 'return to origin disposed';
  const e = new OrderWorld(seller, 'ord-e');
  e.receive();
  e.invoice(numbers);
  e.onNetworkShipment('shp-e1');
  e.report('shp-e1', 'picked_up', ['ShipmentPickedUp']);
  e.report('shp-e1', 'in_transit', ['ShipmentInTransit']);
  e.report('shp-e1', 'rto_initiated', ['ShipmentRtoInitiated']);
  e.report('shp-e1', 'rto_disposed', ['ShipmentRtoDisposed']);

  scenario = 'partner cancels before pickup, reship';
  const f = new OrderWorld(seller, 'ord-f');
  f.receive();
  f.invoice(numbers);
  f.onNetworkShipment('shp-f1');
  f.report('shp-f1', 'cancelled', ['ShipmentCancelledByPartner'], { reason: 'TAT breached: not picked up by 2026-12-04T10:00:00.000Z', reasonCode: '007' });
  f.run({ type: 'ReshipOrder', shipmentId: 'shp-f2', reason: 'cancelled' }, ['OrderReshipped', 'ShipmentCreated', 'ShippingLabelGenerated']);

  scenario = 'COD delivered with less collected than due';
  const cod = new OrderWorld(seller, 'ord-cod');
  cod.receive({ paymentMethod: 'cod' });
  cod.invoice(numbers);
  cod.onNetworkShipment('shp-cod1');
  cod.report('shp-cod1', 'picked_up', ['ShipmentPickedUp']);
  cod.report('shp-cod1', 'delivered', ['ShipmentDelivered', 'CodCollectionMismatched'], { codCollectedPaise: 100 });

  scenario = 'COD reconciled with the partner after the settlement window: a mismatch, then settled in accord';
  const codDue = cod.state.status === 'active' ? cod.state.shipments[0]!.codAmountPaise : 0;
  const settlement = { type: 'RecordCodSettlement' as const, shipmentId: 'shp-cod1', partnerId: PARTNER.partnerId, claimedPaise: codDue };
  cod.run({ ...settlement, partnerPaise: 100, status: 'pending', accord: false }, ['CodSettlementMismatched']);
  cod.run({ ...settlement, partnerPaise: codDue, status: 'settled', settlementRef: 'UTIB0000123456789012', accord: true }, ['CodSettlementReconciled']);

  scenario = 'seller cancels for a merchant-side reason';
  const m = new OrderWorld(seller, 'ord-m');
  m.receive();
  m.invoice(numbers);
  m.onNetworkShipment('shp-m1');
  m.run({ type: 'CancelOrder', reason: 'One or more items are not available', reasonCode: 'item-out-of-stock', creditNoteNumber: numbers.next('credit-note', m.orderId) }, [
    'CreditNoteIssued',
    'ShipmentCancelled',
    'OrderCancelled',
  ]);

  scenario = 'failed pickup, failed deliveries answered with a re-attempt and a return';
  const g = new OrderWorld(seller, 'ord-g');
  g.receive();
  g.invoice(numbers);
  g.onNetworkShipment('shp-g1');
  const nextAttempt = () => new Date(tick().getTime() + 86_400_000).toISOString();
  g.report('shp-g1', 'pickup_failed', ['ShipmentAttemptFailed'], { reasonCode: '004', nextAttemptAt: nextAttempt() });
  g.run({ type: 'RequestReattempt', shipmentId: 'shp-g1', note: 'Parcel is packed now' }, ['ShipmentReattemptRequested']);
  g.report('shp-g1', 'pickup_rescheduled', ['ShipmentAttemptRescheduled'], { reasonCode: '004', nextAttemptAt: nextAttempt() });
  g.report('shp-g1', 'picked_up', ['ShipmentPickedUp']);
  g.report('shp-g1', 'out_for_delivery', ['ShipmentOutForDelivery']);
  g.report('shp-g1', 'delivery_failed', ['ShipmentAttemptFailed'], { reasonCode: '011', nextAttemptAt: nextAttempt() });
  g.run({ type: 'RequestReattempt', shipmentId: 'shp-g1' }, ['ShipmentReattemptRequested']);
  g.report('shp-g1', 'out_for_delivery', ['ShipmentOutForDelivery']);
  g.report('shp-g1', 'delivery_failed', ['ShipmentAttemptFailed'], { reasonCode: '011' });
  g.run({ type: 'RequestReturnToOrigin', shipmentId: 'shp-g1', note: 'Buyer unreachable' }, ['ShipmentReturnRequested']);
  g.report('shp-g1', 'rto_initiated', ['ShipmentRtoInitiated'], { reason: 'Buyer not found or cannot be contacted', reasonCode: '011' });

  scenario = 'a partner with a surge fee; weight differentials accepted and disputed';
  const w = new OrderWorld(seller, 'ord-w');
  w.receive();
  w.invoice(numbers);
  w.run({ type: 'CreateShipment', shipmentId: 'shp-w1', mode: 'on-network' }, ['ShipmentCreated', 'ShippingLabelGenerated']);
  w.run({ type: 'MarkShipmentReadyToShip', shipmentId: 'shp-w1' }, ['ShipmentMarkedReadyToShip']);
  w.run({ type: 'AssignLogisticsPartner', shipmentId: 'shp-w1', ...PARTNER, networkOrderId: 'Nshpw1', surgeFeePaise: 2_360 }, ['LogisticsPartnerAssigned']);
  w.report('shp-w1', 'picked_up', ['ShipmentPickedUp']);
  const differential = {
    type: 'RecordWeightDifferential' as const,
    shipmentId: 'shp-w1',
    partnerId: PARTNER.partnerId,
    measuredWeightGrams: 2_500,
    measuredDimensionsCm: { length: 30, width: 25, height: 12.5 },
    amountPaise: 4_000,
    taxPaise: 720,
    proofUrl: 'https://lsp.example/weighing/Nshpw1.jpg',
    reportedAt: tick().toISOString(),
  };
  w.run(differential, ['WeightDifferentialReported']);
  w.run({ type: 'AcceptWeightDifferential', shipmentId: 'shp-w1' }, ['WeightDifferentialAccepted']);
  const v = new OrderWorld(seller, 'ord-v');
  v.receive();
  v.invoice(numbers);
  v.onNetworkShipment('shp-v1');
  v.report('shp-v1', 'picked_up', ['ShipmentPickedUp']);
  v.run({ ...differential, shipmentId: 'shp-v1', reportedAt: tick().toISOString() }, ['WeightDifferentialReported']);
  v.run({ type: 'DisputeWeightDifferential', shipmentId: 'shp-v1', reason: 'Weighed 1.2 kg at dispatch, photo on file' }, ['WeightDifferentialDisputed']);

  scenario = 'own courier: a failed attempt, a re-attempt, then the parcel brought back';
  const h = new OrderWorld(seller, 'ord-h');
  h.receive();
  h.invoice(numbers);
  h.run({ type: 'CreateShipment', shipmentId: 'shp-h1', mode: 'off-network' }, ['ShipmentCreated', 'ShippingLabelGenerated']);
  h.run({ type: 'MarkShipmentShipped', shipmentId: 'shp-h1', courierName: 'DTDC', trackingNumber: 'D87654321' }, ['ShipmentMarkedShipped', 'ShippingLabelGenerated', 'DeliveryOtpIssued']);
  h.run({ type: 'RecordFailedAttempt', shipmentId: 'shp-h1', reason: 'Door locked', nextAttemptAt: nextAttempt() }, ['ShipmentAttemptFailed']);
  h.run({ type: 'RequestReattempt', shipmentId: 'shp-h1' }, ['ShipmentReattemptRequested']);
  h.run({ type: 'RecordReturnToOrigin', shipmentId: 'shp-h1', reason: 'Buyer refused the parcel' }, ['ShipmentRtoInitiated', 'ShipmentRtoDelivered']);
}

/** Optional properties no decider fills yet (documents are rendered and stored later); checked separately below. */
const NOT_EMITTED_BY_DECIDERS: Partial<Record<DomainEventType, string[]>> = {
  InvoiceGenerated: ['documentSha256'],
  InvoiceRegenerated: ['documentSha256'],
  CreditNoteIssued: ['documentSha256'],
  ShippingLabelGenerated: ['documentSha256'],
};

const CONTRACTS_DIR = schemas.dir;
const readJson = (file: string): Json => JSON.parse(readFileSync(join(CONTRACTS_DIR, file), 'utf8')) as Json;
const schemaOf = (type: DomainEventType): Json => readJson(eventSchemaFileName(type, eventSchemaVersion(type)));
const firstEmitted = <T extends DomainEventType>(type: T): Extract<DomainEvent, { type: T }> => {
  const found = emitted.find((e) => e.event.type === type);
  if (!found) throw new Error(`no ${type} was emitted`);
  return structuredClone(found.event) as Extract<DomainEvent, { type: T }>;
};

beforeAll(() => runScenarios());

describe('event contracts: what the domain emits', () => {
  it('validates every emitted event against the schema of its type and version', () => {
    const failures = emitted.flatMap(({ scenario: s, event }) => {
      const result = validateDomainEvent(event);
      return result.valid ? [] : [{ scenario: s, type: event.type, errors: result.errors }];
    });
    expect(failures).toEqual([]);
    expect(emitted.length).toBeGreaterThanOrEqual(DOMAIN_EVENT_TYPES.length);
  });

  it('emits every domain event type across the scenarios, and nothing else', () => {
    const seen = [...new Set(emitted.map((e) => e.event.type))].sort();
    expect(seen).toEqual([...DOMAIN_EVENT_TYPES].sort());
  });

  it('declares no top-level property that the domain never writes', () => {
    const seen = new Map<string, Set<string>>();
    for (const { event } of emitted) {
      const keys = seen.get(event.type) ?? new Set<string>();
      Object.keys(event.data).forEach((k) => keys.add(k));
      seen.set(event.type, keys);
    }
    const phantom = DOMAIN_EVENT_TYPES.flatMap((type) => {
      const declared = Object.keys(schemaOf(type)['properties'] as Json);
      const allowed = new Set([...(seen.get(type) ?? []), ...(NOT_EMITTED_BY_DECIDERS[type] ?? [])]);
      return declared.filter((p) => !allowed.has(p)).map((p) => `${type}.${p}`);
    });
    expect(phantom).toEqual([]);
  });

  it('accepts the optional properties the deciders do not fill yet', () => {
    for (const [type, props] of Object.entries(NOT_EMITTED_BY_DECIDERS) as Array<[DomainEventType, string[]]>) {
      const event = firstEmitted(type);
      for (const p of props) (event.data as Json)[p] = sha256(`${type}.pdf`);
      expect(validateDomainEvent(event)).toEqual({ valid: true, errors: [] });
    }
  });
});

describe('event contracts: the schema files', () => {
  const eventFiles = readdirSync(CONTRACTS_DIR)
    .filter((f) => f.endsWith('.schema.json') && !SHARED_SCHEMA_FILES.includes(f))
    .sort();

  it('has exactly one schema file per event type the engine writes, at the version it writes', () => {
    const expected = [...DOMAIN_EVENT_TYPES, ...ENGINE_EVENT_TYPES].map((t) => eventSchemaFileName(t, engineSchemaVersion(t))).sort();
    expect(eventFiles).toEqual(expected);
    expect(schemas.files.map((f) => f.file)).toEqual(expected);
  });

  it('keeps only .schema.json files besides the README', () => {
    const others = readdirSync(CONTRACTS_DIR).filter((f) => !f.endsWith('.schema.json') && f !== 'README.md');
    expect(others).toEqual([]);
    for (const shared of SHARED_SCHEMA_FILES) expect(readdirSync(CONTRACTS_DIR)).toContain(shared);
  });

  it.each([...DOMAIN_EVENT_TYPES, ...ENGINE_EVENT_TYPES].map((t) => [t]))('%s: draft 2020-12, $id, title and description', (type) => {
    const schema = readJson(eventSchemaFileName(type, engineSchemaVersion(type)));
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['$id']).toBe(eventSchemaId(type, engineSchemaVersion(type)));
    expect(schema['title']).toBe(type);
    expect(typeof schema['description']).toBe('string');
    expect((schema['description'] as string).length).toBeGreaterThan(20);
    expect(schema['type']).toBe('object');
  });

  it('closes every object but the ONDC wire documents, requires only declared properties and types timestamps and amounts by the shared definitions', () => {
    const problems: string[] = [];
    const walk = (node: unknown, at: string, openRoot: boolean): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`, false));
      if (!node || typeof node !== 'object') return;
      const schema = node as Json;
      const properties = schema['properties'] as Json | undefined;
      if (schema['type'] === 'object') {
        // An ONDC message kept as received is described in full by contracts/ondc; it says so.
        const foreign = String(schema['$comment'] ?? '').startsWith('Open: ');
        if (!openRoot && !foreign && schema['additionalProperties'] !== false) problems.push(`${at}: additionalProperties is not false`);
        const required = (schema['required'] as string[] | undefined) ?? [];
        required.filter((r) => !properties || !(r in properties)).forEach((r) => problems.push(`${at}: requires undeclared "${r}"`));
      }
      for (const [name, prop] of Object.entries(properties ?? {})) {
        const $ref = (prop as Json)['$ref'];
        if (/(At|Date)$/.test(name) && !String($ref).endsWith('/$defs/timestamp')) problems.push(`${at}/${name}: a timestamp must $ref timestamp`);
        if (/Paise$/.test(name) && !String($ref).endsWith('/$defs/paise') && (prop as Json)['const'] === undefined) {
          problems.push(`${at}/${name}: an amount must $ref paise`);
        }
      }
      for (const [key, child] of Object.entries(schema)) walk(child, `${at}/${key}`, false);
    };
    for (const file of readdirSync(CONTRACTS_DIR).filter((f) => f.endsWith('.schema.json'))) {
      walk(readJson(file), file, file === 'event-metadata.v1.schema.json');
    }
    expect(problems).toEqual([]);
  });
});

describe('event contracts: the schemas can fail', () => {
  const orderReceived = () => firstEmitted('OrderReceived');
  const mutated = <T extends DomainEventType>(type: T, change: (data: Json) => void): { type: string; data: unknown } => {
    const event = firstEmitted(type);
    change(event.data as unknown as Json);
    return event;
  };

  it('starts from a valid event', () => {
    expect(validateDomainEvent(orderReceived())).toEqual({ valid: true, errors: [] });
  });

  it.each<[string, () => { type: string; data: unknown }, string]>([
    ['a missing required field', () => mutated('OrderReceived', (d) => delete d['receivedAt']), "OrderReceived.v1 (root): must have required property 'receivedAt'"],
    ['an extra field', () => mutated('OrderReceived', (d) => (d['discountCode'] = 'DIWALI')), 'OrderReceived.v1 (root): must NOT have additional properties ("discountCode")'],
    ['a wrong type', () => mutated('OrderReceived', (d) => (d['totalPaise'] = '511200')), 'OrderReceived.v1 /totalPaise: must be integer'],
    ['fractional paise', () => mutated('OrderReceived', (d) => ((d['items'] as Json[])[0]!['unitPricePaise'] = 4500.5)), 'OrderReceived.v1 /items/0/unitPricePaise: must be integer'],
    ['negative paise', () => mutated('ShipmentCreated', (d) => (d['codAmountPaise'] = -1)), 'ShipmentCreated.v1 /codAmountPaise: must be >= 0'],
    ['a bad pincode in a shared address', () => mutated('OrderReceived', (d) => ((d['deliveryAddress'] as Json)['pincode'] = '041104')), 'OrderReceived.v1 /deliveryAddress/pincode: must match pattern "^[1-9][0-9]{5}$"'],
    ['a bad GST state code', () => mutated('SellerRegistered', (d) => ((d['profile'] as Json)['stateCode'] = 'KA')), 'SellerRegistered.v1 /profile/stateCode: must match pattern "^[0-9]{2}$"'],
    ['a bad HSN code', () => mutated('InvoiceGenerated', (d) => (((d['snapshot'] as Json)['items'] as Json[])[0]!['hsnCode'] = '50071')), 'InvoiceGenerated.v1 /snapshot/items/0/hsnCode: must match pattern'],
    ['a bad GSTIN', () => mutated('InvoiceGenerated', (d) => (((d['snapshot'] as Json)['supplier'] as Json)['gstin'] = '29ABCDE1234F1X5')), 'InvoiceGenerated.v1 /snapshot/supplier/gstin: must match pattern'],
    ['a too long invoice number', () => mutated('InvoiceGenerated', (d) => (d['invoiceNumber'] = 'INV/2026-27/00001')), 'InvoiceGenerated.v1 /invoiceNumber: must match pattern "^[A-Za-z0-9/-]{1,16}$"'],
    ['a timestamp that is not RFC 3339', () => mutated('OrderCancelled', (d) => (d['cancelledAt'] = '04/05/2026 10:00')), 'OrderCancelled.v1 /cancelledAt: must match format "date-time"'],
    ['a value outside an enum', () => mutated('ShipmentDelivered', (d) => (d['via'] = 'drone')), 'ShipmentDelivered.v1 /via: must be equal to one of the allowed values ("partner", "otp")'],
    ['an extra field in a nested object', () => mutated('PackageImageRecorded', (d) => ((d['image'] as Json)['url'] = 'https://x')), 'PackageImageRecorded.v1 /image: must NOT have additional properties ("url")'],
    ['a tax-relevant correction without credit note', () => mutated('InvoiceRegenerated', (d) => ((d['taxRelevantChange'] = true), delete d['creditNoteNumber'])), "must have required property 'creditNoteNumber'"],
    ['cash to collect on a prepaid order', () => mutated('ShipmentCreated', (d) => ((d['paymentMethod'] = 'prepaid'), (d['codAmountPaise'] = 100))), 'ShipmentCreated.v1 /codAmountPaise: must be equal to constant'],
    ['an unknown event type', () => ({ type: 'OrderTeleported', data: {} }), 'OrderTeleported: not a domain event type'],
  ])('rejects %s', (_label, event, expectedError) => {
    const result = validateDomainEvent(event());
    expect(result.valid).toBe(false);
    expect(result.errors.filter((e) => e.includes(expectedError))).not.toEqual([]);
  });

  it('reports a schema version that has no file', () => {
    expect(schemas.validate(orderReceived(), 2)).toEqual({ valid: false, errors: [`OrderReceived: no schema OrderReceived.v2.schema.json in ${CONTRACTS_DIR}`] });
  });

  it('reports every problem of an event at once', () => {
    const event = mutated('OrderCancelled', (d) => {
      delete d['reason'];
      d['cancelledAt'] = 'yesterday';
      d['refundPaise'] = 100;
    });
    expect(validateDomainEvent(event).errors).toHaveLength(3);
  });
});

describe('event contracts: the adapter\'s and WhatsApp\'s events can fail', () => {
  const answered = { transactionId: 't-1', action: 'init', messageId: 'm-1', outcome: 'ack', attempts: 1, answeredAt: '2026-05-04T09:30:00.000Z' };
  const queued = { outboxId: 'a'.repeat(32), to: '919876543210', purpose: 'otp', message: { kind: 'delivery-otp', orderId: 'o-1', shipmentId: 's-1', otpSequence: 1 }, queuedAt: '2026-05-04T09:30:00.000Z' };

  it('starts from valid events', () => {
    expect(schemas.validate({ type: 'RequestAnswered', data: answered }, 1)).toEqual({ valid: true, errors: [] });
    expect(schemas.validate({ type: 'WhatsAppMessageQueued', data: queued }, 1)).toEqual({ valid: true, errors: [] });
  });

  it.each<[string, string, object, string]>([
    ['an unknown outcome', 'RequestAnswered', { ...answered, outcome: 'maybe' }, 'RequestAnswered.v1 /outcome: must be equal to one of the allowed values'],
    ['a callback action as a request', 'RequestAnswered', { ...answered, action: 'on_init' }, 'RequestAnswered.v1 /action: must be equal to one of the allowed values'],
    ['a plain OTP in a queued message', 'WhatsAppMessageQueued', { ...queued, message: { kind: 'text', body: 'Your OTP', otp: '123456' } }, 'WhatsAppMessageQueued.v1 /message: must NOT have additional properties ("otp")'],
    ['a recipient that is not a number', 'WhatsAppMessageQueued', { ...queued, to: '+91 98765' }, 'WhatsAppMessageQueued.v1 /to: must match pattern'],
  ])('rejects %s', (_label, type, data, expectedError) => {
    const result = schemas.validate({ type, data }, 1);
    expect(result.valid).toBe(false);
    expect(result.errors.filter((e) => e.includes(expectedError))).not.toEqual([]);
  });
});

describe('event contracts: metadata', () => {
  const metadata: EventMetadata = { actor: { type: 'seller', id: 'slr-kaveri' }, channel: 'api', correlationId: 'c-1', causationId: 'c-1' };

  it('accepts the metadata the command side writes, with or without an idempotency key, and properties a store adds', () => {
    expect(validateEventMetadata(metadata)).toEqual({ valid: true, errors: [] });
    expect(validateEventMetadata({ ...metadata, idempotencyKey: 'req-42' }).valid).toBe(true);
    expect(validateEventMetadata({ ...metadata, storedBy: 'pglite', schemaVersion: 1 }).valid).toBe(true);
  });

  it.each<[string, unknown]>([
    ['no causation id', { ...metadata, causationId: undefined }],
    ['an unknown actor type', { ...metadata, actor: { type: 'robot', id: 'r2' } }],
    ['an extra property on the actor', { ...metadata, actor: { ...metadata.actor, name: 'Kaveri' } }],
    ['an unknown channel', { ...metadata, channel: 'fax' }],
    ['an empty idempotency key', { ...metadata, idempotencyKey: '' }],
    ['a schema version below 1', { ...metadata, schemaVersion: 0 }],
    ['a partner actor without its id', { ...metadata, actor: { type: 'ondc-partner', id: '' } }],
  ])('rejects metadata with %s', (_label, value) => {
    expect(validateEventMetadata(JSON.parse(JSON.stringify(value))).valid).toBe(false);
  });
});

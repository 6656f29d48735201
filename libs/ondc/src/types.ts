/**
 * The subset of ONDC logistics (v1.2.0 contract, v1.2.5 schemas) messages the engine sends as a
 * logistics buyer (LBNP, the `bap`) and accepts from logistics partners (LSPs, the `bpp`s).
 * Property names are the wire names, so these types describe the JSON exactly; the JSON Schemas in
 * `contracts/ondc/` say the same with formats and cross-field rules.
 */
import { DELIVERY_CATEGORIES, type DeliveryCategory } from '@fulfil/domain';


/** P2P hyperlocal and P2H2P intercity logistics; `nic2004:60232` is the pre-1.2.5 name accepted on input. */
export type LogisticsDomain = 'ONDC:LOG10' | 'ONDC:LOG11';
export const HYPERLOCAL_DOMAIN: LogisticsDomain = 'ONDC:LOG10';
export const INTERCITY_DOMAIN: LogisticsDomain = 'ONDC:LOG11';
export const LEGACY_LOGISTICS_DOMAIN = 'nic2004:60232';
export const CORE_VERSION = '1.2.5';
/** Versions whose callbacks we accept: ours, and 1.2.0 whose shapes 1.2.5 keeps for the calls we use. */
export const ACCEPTED_CORE_VERSIONS: readonly string[] = ['1.2.5', '1.2.0'];

/** IGM 2.0 (issue and grievance management) messages carry their own version, in a logistics transaction's context. */
export const IGM_CORE_VERSION = '2.0.0';

/** RSF 2.0 (reconciliation and settlement) speaks its own domain and version; we reconcile COD in the logistics transaction it settles. */
export const RSF_DOMAIN = 'ONDC:NTS10';
export const RSF_VERSION = '2.0.0';

export const REQUEST_ACTIONS = ['search', 'init', 'confirm', 'update', 'status', 'track', 'cancel', 'issue', 'recon'] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];
export const CALLBACK_ACTIONS = ['on_search', 'on_init', 'on_confirm', 'on_update', 'on_status', 'on_track', 'on_cancel', 'on_issue', 'on_recon'] as const;
export type CallbackAction = (typeof CALLBACK_ACTIONS)[number];
export type OndcAction = RequestAction | CallbackAction;

export const isRequestAction = (value: string): value is RequestAction => (REQUEST_ACTIONS as readonly string[]).includes(value);
export const isCallbackAction = (value: string): value is CallbackAction => (CALLBACK_ACTIONS as readonly string[]).includes(value);

export interface OndcContext {
  domain: string;
  country: string;
  /** Pickup city as `std:<STD code>`. */
  city: string;
  action: OndcAction;
  core_version: string;
  bap_id: string;
  bap_uri: string;
  bpp_id?: string;
  bpp_uri?: string;
  transaction_id: string;
  message_id: string;
  /** RFC 3339 with milliseconds. */
  timestamp: string;
  /** ISO 8601 duration, `PT30S` on our requests. */
  ttl?: string;
  /** IGM 2.0 and RSF 2.0 messages name the place as 2.x contexts do, beside country and city. */
  location?: { country: { code: string }; city: { code: string } };
  /** RSF 2.0 names its version here (core_version says the same, for the envelope all our messages share). */
  version?: string;
}

export type ContextOf<A extends OndcAction> = OndcContext & { action: A };

/** Amounts travel as decimal strings of rupees with at most two decimals, e.g. `"59.00"`. */
export interface Price {
  currency: 'INR';
  value: string;
}

export interface Descriptor {
  name?: string;
  code?: string;
  short_desc?: string;
  long_desc?: string;
}

export interface TagItem {
  code: string;
  value: string;
}

/** ONDC 1.2 tag groups: `{"code":"state","list":[{"code":"ready_to_ship","value":"yes"}]}`. */
export interface TagGroup {
  code: string;
  list: TagItem[];
}

export interface OndcAddress {
  name?: string;
  building?: string;
  locality?: string;
  street?: string;
  city?: string;
  state?: string;
  country?: string;
  /** PIN code. */
  area_code: string;
}

export interface OndcLocation {
  id?: string;
  /** `"lat,lng"`, at least six decimals on what we send. */
  gps: string;
  address?: OndcAddress;
}

export interface Contact {
  phone: string;
  email?: string;
}

/** Pickup and delivery confirmation codes ride in `instructions` (`code` is the code's type, `short_desc` its value). */
export interface Instructions {
  code?: string;
  name?: string;
  short_desc?: string;
  long_desc?: string;
  /** For P2H2P the first image is the shipping label. */
  images?: string[];
}

export interface TimeRange {
  start: string;
  end: string;
}

export interface OndcTime {
  label?: string;
  /** ISO 8601 duration, e.g. `PT45M`. */
  duration?: string;
  /** A date (`2023-06-06`) on TATs, an RFC 3339 instant elsewhere. */
  timestamp?: string;
  range?: TimeRange;
}

export interface Authorization {
  type: 'OTP' | string;
  token?: string;
  valid_from?: string;
  valid_to?: string;
}

export interface FulfillmentStop {
  person?: { name: string };
  location?: OndcLocation;
  contact?: Contact;
  instructions?: Instructions;
  time?: OndcTime;
  authorization?: Authorization;
}

export type FulfillmentType = 'Delivery' | 'RTO' | 'Return';

export interface FulfillmentStateDescriptor {
  descriptor: { code: string; short_desc?: string };
}

export interface Fulfillment {
  id: string;
  type: FulfillmentType;
  state?: FulfillmentStateDescriptor;
  '@ondc/org/awb_no'?: string;
  tracking?: boolean;
  start?: FulfillmentStop;
  end?: FulfillmentStop;
  agent?: { name?: string; phone?: string };
  vehicle?: { registration?: string };
  '@ondc/org/ewaybillno'?: string;
  '@ondc/org/ebnexpirydate'?: string;
  tags?: TagGroup[];
}

export type PaymentType = 'ON-ORDER' | 'ON-FULFILLMENT' | 'POST-FULFILLMENT';

export interface Payment {
  type: PaymentType;
  collected_by?: 'BAP' | 'BPP';
  /** Cash the partner collects at delivery, only with `ON-FULFILLMENT` (COD). */
  '@ondc/org/collection_amount'?: string;
  /** 1.2.5: how and when the party collecting pays the other (`invoicing`, an ISO 8601 window such as `P1D`). */
  '@ondc/org/settlement_basis'?: 'invoicing';
  '@ondc/org/settlement_window'?: string;
  '@ondc/org/settlement_details'?: SettlementDetail[];
  status?: 'PAID' | 'NOT-PAID';
  time?: { timestamp: string };
}

/** Who is paid (`lbnp` us, `lsp` the partner) and where. */
export interface SettlementDetail {
  settlement_counterparty: 'lbnp' | 'lsp';
  settlement_type: 'upi' | 'neft' | 'rtgs';
  beneficiary_name?: string;
  upi_address?: string;
  settlement_bank_account_no?: string;
  settlement_ifsc_code?: string;
  bank_name?: string;
  branch_name?: string;
}

export type QuoteTitleType = 'delivery' | 'rto' | 'reverseqc' | 'tax' | 'diff' | 'tax_diff' | 'surge' | 'discount';

export interface QuoteBreakupLine {
  '@ondc/org/item_id': string;
  '@ondc/org/title_type': QuoteTitleType;
  price: Price;
}

export interface Quote {
  price: Price;
  breakup: QuoteBreakupLine[];
  /** How long the quote holds, ISO 8601 duration. */
  ttl?: string;
}

export interface CancellationTerm {
  fulfillment_state: { descriptor: { code: string; short_desc?: string } };
  cancellation_fee: { percentage?: string; amount?: Price };
}

export interface Billing {
  name: string;
  address: OndcAddress;
  tax_number: string;
  phone: string;
  email: string;
  created_at: string;
  updated_at: string;
}

export type WeightUnit = 'kilogram' | 'gram';
export type LengthUnit = 'centimeter' | 'meter';

export interface Measure<U extends string> {
  unit: U;
  value: number;
}

export interface Dimensions {
  length: Measure<LengthUnit>;
  breadth: Measure<LengthUnit>;
  height: Measure<LengthUnit>;
}

export interface LinkedOrder {
  items: Array<{
    category_id: string;
    descriptor: { name: string };
    quantity: { count: number; measure: Measure<WeightUnit> };
    price: Price;
  }>;
  /** Required in /confirm; /update leaves it out (1.2.5 allows only items and order there). */
  provider?: { descriptor: { name: string }; address: OndcAddress };
  order: { id: string; weight: Measure<WeightUnit>; dimensions?: Dimensions };
}

/** The categories a seller's shipment can ask for are exactly the protocol's. */
export const LOGISTICS_CATEGORIES = DELIVERY_CATEGORIES;
export type LogisticsCategory = DeliveryCategory;
export type ShipmentType = 'P2P' | 'P2H2P';

// ---- /search and /on_search -------------------------------------------------------------

export interface PayloadDetails {
  weight: Measure<WeightUnit>;
  /** Required for intercity, optional for hyperlocal. */
  dimensions?: Dimensions;
  /** Goods category of the retail order, e.g. "Grocery". */
  category: string;
  value: Price;
  dangerous_goods?: boolean;
}

export interface SearchStop {
  location: { id?: string; gps: string; address: { area_code: string } };
}

export interface SearchMessage {
  intent: {
    category: { id: LogisticsCategory };
    provider?: { time?: OndcTime & { days?: string; schedule?: { holidays: string[] } } };
    fulfillment: { type: 'Delivery'; start: SearchStop; end: SearchStop; tags?: TagGroup[] };
    payment: { type: PaymentType; '@ondc/org/collection_amount'?: string };
    '@ondc/org/payload_details': PayloadDetails;
    tags?: TagGroup[];
  };
}

export interface CatalogItem {
  id: string;
  parent_item_id?: string;
  category_id: string;
  fulfillment_id: string;
  descriptor: Descriptor & { code: ShipmentType };
  /** Tax inclusive (a surge item's price is before tax: 1.2.5 quotes the surge and its tax apart). */
  price: Price;
  time?: OndcTime;
  /** 1.2.5 marks a surge fee item with `{code: "type", list: [{code: "type", value: "surge"}]}`. */
  tags?: TagGroup[];
}

export interface CatalogProvider {
  id: string;
  descriptor: Descriptor & { name: string };
  categories: Array<{ id: string; time?: OndcTime }>;
  fulfillments: Array<{ id: string; type: FulfillmentType; start?: { time?: OndcTime }; tags?: TagGroup[] }>;
  locations?: OndcLocation[];
  items: CatalogItem[];
}

export interface OnSearchMessage {
  catalog: {
    'bpp/descriptor': Descriptor & { name: string; tags?: TagGroup[] };
    'bpp/providers': CatalogProvider[];
  };
}

// ---- orders (init, confirm, update and every order callback) ------------------------------

export interface OrderItem {
  id: string;
  fulfillment_id?: string;
  category_id?: string;
  descriptor?: { code: ShipmentType };
  time?: OndcTime;
  tags?: TagGroup[];
}

export interface OndcOrder {
  id?: string;
  state?: string;
  provider?: { id: string; locations?: Array<{ id: string }> };
  items?: OrderItem[];
  quote?: Quote;
  fulfillments?: Fulfillment[];
  billing?: Billing;
  payment?: Payment;
  '@ondc/org/linked_order'?: LinkedOrder;
  cancellation?: { cancelled_by: string; reason: { id: string } };
  cancellation_terms?: CancellationTerm[];
  tags?: TagGroup[];
  created_at?: string;
  updated_at?: string;
}

export interface InitMessage {
  order: Required<Pick<OndcOrder, 'provider' | 'items' | 'fulfillments' | 'billing' | 'payment' | 'tags'>>;
}

export interface ConfirmMessage {
  order: OndcOrder &
    Required<Pick<OndcOrder, 'id' | 'state' | 'provider' | 'items' | 'quote' | 'fulfillments' | 'billing' | 'payment' | '@ondc/org/linked_order' | 'created_at' | 'updated_at'>>;
}

export interface UpdateMessage {
  update_target: 'fulfillment';
  order: OndcOrder & Required<Pick<OndcOrder, 'id' | 'fulfillments' | 'updated_at'>>;
}

export interface OrderIdMessage {
  order_id: string;
}

export interface CancelMessage extends OrderIdMessage {
  cancellation_reason_id: string;
}

/** Every order callback (on_init, on_confirm, on_update, on_status, on_cancel) carries one order. */
export interface OrderCallbackMessage {
  order: OndcOrder;
}

export interface OnTrackMessage {
  tracking: {
    id?: string;
    url?: string;
    location?: { gps?: string; time?: { timestamp: string }; updated_at?: string };
    status: 'active' | 'inactive';
    tags?: TagGroup[];
  };
}

// ---- envelopes ----------------------------------------------------------------------------

export interface OndcMessageEnvelope<A extends OndcAction, M> {
  context: ContextOf<A>;
  message: M;
  /** Callbacks may carry an asynchronous error instead of (or beside) a message. */
  error?: OndcError;
}

export interface MessageByAction {
  search: SearchMessage;
  init: InitMessage;
  confirm: ConfirmMessage;
  update: UpdateMessage;
  status: OrderIdMessage;
  track: OrderIdMessage;
  cancel: CancelMessage;
  issue: IgmIssueMessage;
  recon: ReconMessage;
  on_search: OnSearchMessage;
  on_init: OrderCallbackMessage;
  on_confirm: OrderCallbackMessage;
  on_update: OrderCallbackMessage;
  on_status: OrderCallbackMessage;
  on_track: OnTrackMessage;
  on_cancel: OrderCallbackMessage;
  on_issue: IgmIssueMessage;
  on_recon: OnReconMessage;
}

// ---- IGM 2.0 ------------------------------------------------------------------------------

export type IgmIssueStatus = 'OPEN' | 'PROCESSING' | 'RESOLVED' | 'CLOSED';
export type IgmIssueLevel = 'ISSUE' | 'GRIEVANCE' | 'DISPUTE';
export type IgmActionCode =
  | 'OPEN'
  | 'PROCESSING'
  | 'RESOLVED'
  | 'CLOSED'
  | 'INFO_REQUESTED'
  | 'INFO_PROVIDED'
  | 'INFO_NOT_AVAILABLE'
  | 'RESOLUTION_PROPOSED'
  | 'RESOLUTION_ACCEPTED'
  | 'RESOLUTION_REJECTED'
  | 'RESOLUTION_CASCADED'
  | 'ESCALATED';
export type IgmActorType = 'CONSUMER' | 'CUSTOMER' | 'SELLER' | 'INTERFACING_NP' | 'COUNTERPARTY_NP' | 'PROVIDER' | 'AGENT' | 'INTERFACING_NP_GRO' | 'COUNTERPARTY_NP_GRO' | 'CASCADED_NP' | 'CASCADED_NP_GRO';

export interface IgmTagList {
  descriptor: { code: string };
  list?: Array<{ descriptor: { code: string }; value: string }>;
}

export interface IgmActor {
  id: string;
  type: IgmActorType;
  info: { org: { name: string }; person?: { name: string }; contact: { phone: string; email: string } };
}

export interface IgmAction {
  id: string;
  /** The action or resolution this one answers. */
  ref_id?: string;
  ref_type?: string;
  descriptor: { code: IgmActionCode; name?: string; short_desc: string };
  updated_at: string;
  action_by: string;
  actor_details: { name: string };
  tags?: IgmTagList[];
}

export interface IgmResolution {
  id: string;
  ref_id?: string;
  ref_type?: string;
  descriptor: { code: string; short_desc: string };
  updated_at: string;
  proposed_by: string;
  tags?: IgmTagList[];
}

export interface IgmIssue {
  id: string;
  status: IgmIssueStatus;
  level: IgmIssueLevel;
  created_at: string;
  updated_at: string;
  expected_response_time: { duration: string };
  expected_resolution_time: { duration: string };
  refs: Array<{ ref_id: string; ref_type: string }>;
  actors: IgmActor[];
  source_id: string;
  complainant_id: string;
  respondent_ids?: string[];
  descriptor: { code: string; short_desc: string; long_desc: string; images?: Array<{ url: string; size_type?: string }> };
  last_action_id: string;
  actions: IgmAction[];
  resolutions?: IgmResolution[];
}

export interface IgmIssueMessage {
  /** After the first message: what changed (actions appended). */
  update_target?: Array<{ path: string; action: 'APPENDED' }>;
  issue: IgmIssue;
}

// ---- RSF 2.0 ------------------------------------------------------------------------------

/** RSF 2.0 amounts: rupees with exactly two decimals; `diff_value` (on_recon) is the answering side's own figure where it differs. */
export interface RsfAmount {
  currency: 'INR';
  value: string;
  diff_value?: string;
}

export type RsfSettlementStatus = 'PENDING' | 'SETTLED';

export interface RsfSettlement {
  id: string;
  payment_id: string;
  status: RsfSettlementStatus;
  amount: RsfAmount;
  commission: RsfAmount;
  withholding_amount: RsfAmount;
  tcs: RsfAmount;
  tds: RsfAmount;
  /** The bank's reference of the transfer (e.g. a UTR), once settled. */
  settlement_ref_no?: string;
  /** When a settlement still to come is due (YYYY-MM-DD). */
  due_date?: string;
  updated_at: string;
}

export interface RsfOrder {
  id: string;
  amount: RsfAmount;
  settlements: RsfSettlement[];
}

export interface ReconMessage {
  orders: RsfOrder[];
}

export interface OnReconMessage {
  orders: Array<RsfOrder & { recon_accord: boolean }>;
}

/** One message of an action; for a union of actions, the union of their messages. */
export type OndcMessage<A extends OndcAction> = A extends OndcAction ? OndcMessageEnvelope<A, MessageByAction[A]> : never;
export type OndcCallback = OndcMessage<CallbackAction>;

// ---- synchronous answers ------------------------------------------------------------------

export type OndcErrorType = 'CONTEXT-ERROR' | 'CORE-ERROR' | 'DOMAIN-ERROR' | 'POLICY-ERROR' | 'JSON-SCHEMA-ERROR';

export interface OndcError {
  type: OndcErrorType;
  code: string;
  message?: string;
  /** JSON path of the offending field, for schema errors. */
  path?: string;
}

export interface AckResponse {
  message: { ack: { status: 'ACK' } };
}

export interface NackResponse {
  message: { ack: { status: 'NACK' } };
  error: OndcError;
}

export type AckOrNack = AckResponse | NackResponse;

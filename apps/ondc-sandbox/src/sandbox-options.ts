import type { RetryPolicy, SigningKeyPair } from '@fulfil/ondc';

export const PARTNER_NAMES = ['cheap-slow', 'fast-dear', 'hyperlocal', 'intercity', 'nacker', 'silent', 'troublemaker'] as const;
export type PartnerName = (typeof PARTNER_NAMES)[number];
export const isPartnerName = (value: string): value is PartnerName => (PARTNER_NAMES as readonly string[]).includes(value);

/** A partner taking part, with the knobs the misbehaving ones have. */
export interface PartnerSetup {
  name: PartnerName;
  /** nacker: which request it refuses (default init); `cancel`: it takes orders, then NACKs the first /cancel of each (`cancelNacks` of them). */
  nackAt?: 'init' | 'confirm' | 'cancel';
  /** nacker with nackAt `cancel`: how many /cancel requests of an order it NACKs before it takes one (default 1). */
  cancelNacks?: number;
  /** Any partner: for P2H2P shipments the AWB and label come after the confirmation, in an on_update, not in on_confirm (1.2.5 gives P2P shipments no AWB). */
  lateAwb?: boolean;
  /** silent: the first request it leaves unanswered (default search: it is never heard from; init: it offers, then falls silent). */
  silentFrom?: 'search' | 'init';
  /**
   * troublemaker: cancel after an agent is assigned, or return to origin after pickup (default rto);
   * or fail the pickup once (then pick up and deliver), fail the delivery once (then wait for the
   * buyer's /update: re-attempt delivers, rto returns it), or fail every delivery until the third
   * failure, after which it returns the parcel by itself; `rto-disposed`: return to origin after
   * pickup that ends with the parcel disposed of; `miss-pickup`: an agent comes, and the pickup slot
   * (three steps long) passes without a pickup; `stall-in-transit`: picked up, promises delivery
   * within three steps, and never delivers (a /cancel then returns the parcel to origin).
   */
  trouble?: Trouble;
  /** Any partner: on a COD delivery, collects this many paise less than the collection amount (and says so in cod_collection_detail). */
  codShortfallPaise?: number;
  /** Any partner: remits this many paise less than it collected when we reconcile a COD delivery (/recon), and says so. */
  reconShortPaise?: number;
  /** Any partner: takes every /issue (ACK) and never answers it, so the issue's expected times pass. */
  ignoresIssues?: boolean;
  /** Any partner: answers the first this many /recon rounds of an order PENDING, and settles at the next. */
  settleAfterRecons?: number;
  /** Any partner: leaves this many first searches unanswered, so a first search finds nobody and a retry finds it. */
  ignoreFirstSearches?: number;
  /** Any partner: charges a surge fee of this many paise (before GST) on every offer, as a 1.2.5 surge item of its catalog. */
  surgePaise?: number;
  /** Any partner: after pickup it weighs the parcel at this many grams and, if that is above the declared weight, charges the difference in an on_update (LOG11 weight differential). */
  measuredWeightGrams?: number;
}

export const TROUBLES = ['cancel', 'rto', 'rto-disposed', 'fail-pickup-once', 'fail-delivery-once', 'fail-delivery-until-rto', 'miss-pickup', 'stall-in-transit'] as const;
export type Trouble = (typeof TROUBLES)[number];
export const isTrouble = (value: string): value is Trouble => (TROUBLES as readonly string[]).includes(value);

/** The logistics buyer the sandbox serves (the engine, or a test's stand-in), as it would be registered. */
export interface BuyerRegistration {
  subscriberId: string;
  uniqueKeyId: string;
  /** Base64 raw Ed25519 public key. */
  signingPublicKey: string;
  /** Its bap_uri. */
  subscriberUrl: string;
}

export interface SandboxOptions {
  /**
   * Public URL under which the sandbox's routes are reached, e.g. `http://localhost:3000/ondc-sandbox`;
   * registry records point below it. May be left out and given once the server listens (startSandbox does).
   */
  baseUrl?: string;
  /** Path to mount the routes under when hosted in another app (`ondc-sandbox` in the engine); none when alone. */
  routePrefix?: string;
  /** Time between two fulfillment states of an accepted shipment. */
  stepMs: number;
  /** Delay between the synchronous ACK and a solicited callback. */
  replyDelayMs?: number;
  /** How partners retry a callback the buyer did not take; a few quick tries when not given (a buyer restarting needs longer). */
  callbackRetry?: RetryPolicy;
  /** Partners taking part; all seven when not given. */
  participants?: ReadonlyArray<PartnerName | PartnerSetup>;
  /** Buyers registered with the sandbox registry; only they can search and order. */
  buyers: readonly BuyerRegistration[];
  /**
   * Route metadata that tells the host's authentication guard to let the sandbox's routes through
   * (they authenticate with ONDC signatures, not the host's API keys), e.g. the fulfilment API's
   * `{ key: 'fulfilment:audience', value: 'public' }`.
   */
  publicRouteMetadata?: { key: string; value: unknown };
  /** Fixed keys for the sandbox's own participants (partners by name, and `gateway`); fresh ones at every start otherwise. */
  keys?: Partial<Record<PartnerName | 'gateway', SigningKeyPair>>;
}

export const DEFAULT_REPLY_DELAY_MS = 20;

export function partnerSetups(options: Pick<SandboxOptions, 'participants'>): PartnerSetup[] {
  const chosen = options.participants ?? PARTNER_NAMES;
  return chosen.map((p) => (typeof p === 'string' ? { name: p } : p));
}

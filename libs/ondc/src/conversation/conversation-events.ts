import type { AttemptStage, FailedAttemptAnswer, OpenedIssue, PartnerReport } from '@fulfil/domain';
import type { PartnerFacts } from './partner-facts';
import type { BuyerBilling, CatalogOffer, ShipmentDescription } from '../messages';
import type { CallbackAction, OndcError, Quote, RequestAction } from '../types';
import type { SkippedCatalogItem } from '../parsers';

/**
 * The events of one shipment's conversation with the network, in the stream
 * `ondc-logistics-{shipmentId}`: every request sent and callback received, the quotes, the choice
 * and its reason, and what the domain was told. Decisions are appended expecting the revision they
 * were taken on, so two instances (or one restarted) never take the same decision twice.
 */

export const CONVERSATION_STREAM_PREFIX = 'ondc-logistics-';
export const conversationStream = (shipmentId: string): string => `${CONVERSATION_STREAM_PREFIX}${shipmentId}`;
export const shipmentIdOfStream = (stream: string): string => stream.slice(CONVERSATION_STREAM_PREFIX.length);

/** Callbacks name a transaction, not a shipment: this one-event stream says whose transaction it is. */
export const transactionStream = (transactionId: string): string => `ondc-transaction-${transactionId}`;
export const TRANSACTION_OPENED = 'OndcTransactionOpened';

/** The event recording a request we send, by action: appended before the request goes out. */
export const SENT_EVENT_TYPES = {
  search: 'SearchSent',
  init: 'InitSent',
  confirm: 'ConfirmSent',
  update: 'UpdateSent',
  status: 'StatusSent',
  track: 'TrackSent',
  cancel: 'CancelSent',
  issue: 'IssueSent',
  recon: 'ReconSent',
} as const satisfies Record<RequestAction, string>;
export type SentEventType = (typeof SENT_EVENT_TYPES)[RequestAction];

export interface RequestSentData {
  transactionId: string;
  messageId: string;
  /** The URL posted to (the gateway for a search, else the partner's bpp_uri). */
  to: string;
  bppId?: string;
  /** The whole message as built (the bytes sent are its JSON). */
  message: object;
  sentAt: string;
  /** Which adapter instance sends it; another one may resend it only once it could no longer be in flight. */
  sentBy: string;
  /** A request sent before that nobody saw answered, sent again with its own message id. */
  resend?: boolean;
}

export interface CallbackData {
  transactionId: string;
  action: CallbackAction;
  bppId: string;
  bppUri: string;
  messageId: string;
  /** context.timestamp, what staleness and duplicates are judged by. */
  timestamp: string;
  /** It answers a request of ours (same message id). */
  solicited: boolean;
  body: object;
  receivedAt: string;
}

export type FailedStep = 'init' | 'confirm';
/** The leg whose promised time passed: the partner did not collect the parcel, or did not deliver it. */
export type TatStage = 'pickup' | 'delivery';
export type FailureKind = 'nack' | 'unreachable' | 'timeout' | 'quote' | 'rejected';

/** One offer as the choice saw it, for the record of why a partner was chosen. */
export interface RankedOffer {
  bppId: string;
  providerName: string;
  itemId: string;
  category: string;
  pricePaise: number;
  /** The offer's surge fee, before tax. */
  surgePaise?: number;
  tatMinutes?: number;
  preferred: boolean;
  recentFailures: number;
}

export type DomainNotifiedCommand =
  | 'AssignLogisticsPartner'
  | 'RecordNoPartnerFound'
  | 'RecordPartnerDetails'
  | 'RecordPartnerCancellationOutcome'
  | 'RecordIssueResponse'
  | 'RecordWeightDifferential'
  | 'EscalateIssue';

/** A weight differential as the domain was told it (what later callbacks repeating it are compared with). */
export interface ToldDifferential {
  amountPaise: number;
  taxPaise: number;
  measuredWeightGrams: number;
}

export type ProcessedResult = 'reported' | 'nothing-to-report' | 'not-for-the-current-order' | 'refused-by-domain';

export type ConversationEvent =
  | {
      type: 'LogisticsSearchStarted';
      data: {
        shipmentId: string;
        orderId: string;
        sellerId: string;
        /** The RTS attempt of the shipment (the seller may retry after no partner was found). */
        attempt: number;
        /** The ShipmentMarkedReadyToShip event that started it: a redelivered event starts nothing. */
        rtsEventId: string;
        transactionId: string;
        domain: string;
        city: string;
        /** Undefined when the shipment cannot be described to the network; `unsearchable` says why. */
        shipment?: ShipmentDescription;
        unsearchable?: string;
        billing: BuyerBilling;
        startedAt: string;
      };
    }
  | { type: SentEventType; data: RequestSentData }
  | {
      type: 'RequestAnswered';
      data: { transactionId: string; action: RequestAction; messageId: string; outcome: 'ack' | 'nack' | 'unreachable'; error?: OndcError; detail?: string; attempts: number; answeredAt: string };
    }
  | { type: 'CatalogReceived'; data: CallbackData & { offers: CatalogOffer[]; skipped: SkippedCatalogItem[] } }
  | { type: 'CallbackReceived'; data: CallbackData }
  | { type: 'PartnerChosen'; data: { transactionId: string; offer: CatalogOffer; reason: string; ranking: RankedOffer[]; chosenAt: string } }
  | {
      type: 'QuoteAccepted';
      /** surgePaise: the partner's surge fee and its tax, within the seller's cap. */
      data: { transactionId: string; bppId: string; messageId: string; totalPaise: number; surgePaise?: number; quote: Quote; acceptedAt: string };
    }
  | { type: 'QuoteRejected'; data: { transactionId: string; bppId: string; messageId: string; problem: string; detail: string; code: string; rejectedAt: string } }
  | { type: 'CandidateFailed'; data: { transactionId: string; bppId: string; step: FailedStep; why: FailureKind; detail: string; failedAt: string } }
  | {
      type: 'OrderConfirmed';
      data: {
        transactionId: string;
        bppId: string;
        partnerName: string;
        networkOrderId: string;
        /** The callback that carried the acceptance (usually on_confirm). */
        callbackMessageId: string;
        awb?: string;
        trackingUrl?: string;
        pickupSlot?: { start: string; end: string };
        confirmedAt: string;
      };
    }
  | { type: 'PartnerSearchExhausted'; data: { transactionId: string; candidatesTried: number; reason: string; exhaustedAt: string } }
  | {
      type: 'SellerCancelled';
      /** `reasonCode`: the seller's chosen reason (buyer- or merchant-side), for the record; the wire carries the LBNP reason id. */
      data: { reason: string; reasonCode?: string; cancelEventId: string; cancelledAt: string };
    }
  | {
      /**
       * The partner's promised pickup or delivery time passed (plus the grace) with no report of it: the order is cancelled with
       * reason 007. Appended with the first /cancel it causes, so a restart neither forgets nor repeats it.
       */
      type: 'TatBreached';
      data: { transactionId: string; bppId: string; networkOrderId: string; stage: TatStage; promisedBy: string; breachedAt: string };
    }
  | {
      type: 'SellerAnsweredAttempt';
      data: {
        answer: FailedAttemptAnswer;
        stage: AttemptStage;
        attempt: number;
        /** The domain event of the seller's answer: a redelivered one records nothing twice. */
        answerEventId: string;
        /** The message id of the /update that carries the answer to the partner, chosen here so the planner sends it once. */
        messageId: string;
        answeredAt: string;
      };
    }
  | {
      /**
       * The seller acted on an issue about the shipment (raised it, gave information, accepted or
       * escalated a resolution, closed it): the issue as it stood right after, for one /issue to
       * carry to the partner under the message id chosen here.
       */
      type: 'SellerIssueActed';
      data: { issueId: string; issueEventId: string; messageId: string; issue: OpenedIssue; actedAt: string };
    }
  | {
      type: 'SellerAnsweredWeightDifferential';
      data: {
        answer: 'accepted' | 'disputed';
        /** The domain event of the seller's answer: a redelivered one records nothing twice. */
        answerEventId: string;
        /** The message id of the /update that carries the answer, chosen here so the planner sends it once. */
        messageId: string;
        answeredAt: string;
      };
    }
  | {
      /** Every /cancel of the confirmed order was refused or went unanswered, up to the retry budget: the cancellation failed for good. */
      type: 'PartnerCancellationAbandoned';
      data: { transactionId: string; bppId: string; networkOrderId: string; attempts: number; reason: string; abandonedAt: string };
    }
  | {
      /** Every round of the COD reconciliation (RSF /recon) went unanswered or unsettled, up to the rounds allowed: we stop asking. */
      type: 'CodReconciliationAbandoned';
      data: { transactionId: string; bppId: string; networkOrderId: string; rounds: number; reason: string; abandonedAt: string };
    }
  | {
      type: 'CallbackProcessed';
      data: {
        transactionId: string;
        bppId: string;
        messageId: string;
        timestamp: string;
        result: ProcessedResult;
        report?: PartnerReport;
        detail?: string;
        /** The report ends the shipment's journey: nothing is left to poll for. */
        settles?: boolean;
        /** A COD delivery: the partner still owes the cash it collected, so the reconciliation (RSF) keeps the stream open. */
        reconOwed?: boolean;
        processedAt: string;
      };
    }
  | {
      type: 'DomainNotified';
      data: {
        transactionId: string;
        command: DomainNotifiedCommand;
        idempotencyKey: string;
        result: 'applied' | 'refused';
        detail?: string;
        /** RecordPartnerDetails: the facts the domain was given (what the adapter then counts as known). */
        details?: PartnerFacts;
        /** RecordWeightDifferential: the differential the domain was told. */
        differential?: ToldDifferential;
        settles?: boolean;
        notifiedAt: string;
      };
    };

export type ConversationEventType = ConversationEvent['type'];
export type ConversationEventOf<T extends ConversationEventType> = Extract<ConversationEvent, { type: T }>;

const SENT_TYPES: ReadonlySet<string> = new Set(Object.values(SENT_EVENT_TYPES));
export const isSentEvent = (event: ConversationEvent): event is Extract<ConversationEvent, { type: SentEventType }> => SENT_TYPES.has(event.type);

export const actionOfSentType = (type: SentEventType): RequestAction =>
  (Object.entries(SENT_EVENT_TYPES) as Array<[RequestAction, SentEventType]>).find(([, t]) => t === type)![0];

/** Whether the stream needs nothing more from us once this is its last event (used to skip settled streams at start). */
export const settlesConversation = (event: { type: string; data: Record<string, unknown> }): boolean =>
  ((event.type === 'CallbackProcessed' || event.type === 'DomainNotified') && event.data['settles'] === true && event.data['reconOwed'] !== true) ||
  event.type === 'CodReconciliationAbandoned';

/**
 * The ONDC error codes this code base sends or reacts to, from ONDC-RFC-001 "ONDC Error Codes"
 * (developer-docs, protocol-network-extension/error-codes.md). Each entry quotes the list's
 * message and description; `sender` is the role the list assigns the code to.
 *
 * Rule we follow when NACKing: the code of our own role when the list has one for the situation
 * (LBNP 625xx-640xx for us, LSP 600xx-610xx and 650xx-660xx for the sandbox partners), otherwise
 * the generic buyer-NP (20xxx) or gateway (10xxx) code. 65003 is used by every recipient because
 * the logistics contract (section 4.4) names it for any stale request or response.
 */

export type ErrorCodeSender = 'Gateway' | 'BNP' | 'LBNP' | 'LSP';

export interface OndcErrorCode {
  code: string;
  sender: ErrorCodeSender;
  /** The list's message column. */
  message: string;
  /** The list's description column. */
  description: string;
  /** The sender asks to be retried (the contract's "retriable error code"). */
  retriable?: true;
}

const entry = (code: string, sender: ErrorCodeSender, message: string, description: string, retriable?: true): OndcErrorCode =>
  retriable ? { code, sender, message, description, retriable } : { code, sender, message, description };

export const ONDC_ERRORS = {
  // Gateway: the sandbox gateway refuses what it cannot relay.
  GATEWAY_BAD_REQUEST: entry('10000', 'Gateway', 'Bad or Invalid request error', 'Generic bad or invalid request error'),
  GATEWAY_INVALID_SIGNATURE: entry('10001', 'Gateway', 'Invalid Signature', 'Cannot verify signature for request'),
  GATEWAY_INVALID_CITY: entry('10002', 'Gateway', 'Invalid City Code', 'Valid city code needs to be passed for search'),

  // Buyer NP codes the logistics buyer uses where the LBNP list has nothing for the case.
  /** Callback signature missing, malformed, expired or not verifiable: HTTP 401. */
  BUYER_INVALID_SIGNATURE: entry('20001', 'BNP', 'Invalid Signature', 'Cannot verify signature for response'),
  /** Callback context is not for us or breaks the contract (bap_id, domain, version, city, action, timestamp). */
  BUYER_INVALID_RESPONSE: entry('20006', 'BNP', 'Invalid response', 'Invalid response does not meet API contract specifications'),
  /** Callback for a transaction we never started, a request we never sent, or from a partner we did not choose. */
  BUYER_OUT_OF_SEQUENCE: entry('20008', 'BNP', 'Response out of sequence', 'Callback received prior to ACK for request or out of sequence'),
  /** Callback after we stopped waiting (e.g. an on_search after the selection window closed). */
  BUYER_CALLBACK_TIMEOUT: entry('20009', 'BNP', 'Timeout', 'Callback received late, session timed out'),

  // Logistics buyer NP (us).
  LBNP_TERMS_UNACCEPTABLE: entry('62501', 'LBNP', 'Terms and Conditions unacceptable', 'Logistics Provider terms & conditions not acceptable to Logistics Buyer'),
  LBNP_RTO_REJECTED: entry('62503', 'LBNP', 'RTO rejected', 'RTO request rejected as quote does not match the quote provided in catalog'),
  LBNP_WEIGHT_DIFFERENTIAL_REJECTED: entry('62504', 'LBNP', 'Differential weight charges rejected', 'Differential weight charges rejected'),
  LBNP_CANCELLATION_TERMS_UNACCEPTABLE: entry('62505', 'LBNP', 'Cancellation terms unacceptable', 'Logistics Provider cancellation terms not acceptable to Logistics Buyer'),
  LBNP_INVALID_TAT: entry('62506', 'LBNP', 'Invalid Fulfillment TAT', 'Fulfillment TAT is different from what was quoted earlier'),
  LBNP_QUOTE_DIFFERENCE: entry('62508', 'LBNP', 'Quote difference', 'Total price is different from what was originally provided'),
  LBNP_INVALID_CANCELLATION_TERMS: entry('62509', 'LBNP', 'Invalid Cancellation Terms', 'Cancellation terms are different from what was quoted earlier'),
  LBNP_OTP_EXPIRED: entry('62510', 'LBNP', 'Expired authorization', 'Authorization code has expired'),
  LBNP_OTP_INVALID: entry('62511', 'LBNP', 'Invalid authorization', 'Authorization code is invalid'),
  LBNP_INTERNAL_ERROR: entry('63001', 'LBNP', 'Internal Error', 'Cannot process response due to internal error, please retry', true),
  /** Callback fails its JSON Schema, or an on_confirm order differs from what we confirmed. */
  LBNP_ORDER_VALIDATION_FAILURE: entry('63002', 'LBNP', 'Order validation failure', 'Order validation failure'),
  LBNP_FEATURE_NOT_SUPPORTED: entry('64001', 'LBNP', 'Feature not supported', 'Feature not supported'),

  // Logistics service providers (the sandbox partners; the adapter reads them in NACKs).
  LSP_PICKUP_NOT_SERVICEABLE: entry('60001', 'LSP', 'Location Serviceability Error', 'Pickup location not serviceable by Logistics Provider'),
  LSP_DROP_NOT_SERVICEABLE: entry('60002', 'LSP', 'Location Serviceability Error', 'Dropoff location not serviceable by Logistics Provider'),
  LSP_DISTANCE_EXCEEDED: entry('60003', 'LSP', 'Location Serviceability Error', 'Delivery distance exceeds the maximum serviceability distance'),
  LSP_NO_AGENTS: entry('60004', 'LSP', 'Order Serviceability Error', 'Delivery Partners not available'),
  LSP_INVALID_SIGNATURE: entry('60005', 'LSP', 'Invalid Signature', 'Cannot verify signature for request'),
  LSP_INVALID_REQUEST: entry('60006', 'LSP', 'Invalid Request', 'Invalid request, not compliant with API contract'),
  LSP_CANCELLATION_NOT_POSSIBLE: entry('60007', 'LSP', 'Policy Error', 'Cancellation not possible because of Logistics Provider policy'),
  LSP_INVALID_CANCELLATION_REASON: entry('60009', 'LSP', 'Invalid cancellation request', 'Cancellation reason is invalid'),
  LSP_TRACKING_NOT_ENABLED: entry('60012', 'LSP', 'Tracking not enabled', 'Tracking not enabled for any fulfillment in the order'),
  LSP_ORDER_CONFIRM_ERROR: entry('65001', 'LSP', 'Order Confirm Error', 'Logistics Provider is unable to confirm the order'),
  /** Named by the contract (section 4.4) for any recipient of a stale request or response. */
  STALE_REQUEST: entry('65003', 'LSP', 'Stale Request', 'Cannot process stale request'),
  LSP_IMMEDIATE_NEEDS_RTS: entry('65005', 'LSP', 'Invalid fulfillment terms', 'Immediate delivery fulfillment requires RTS at order confirm'),
  LSP_INTERNAL_ERROR: entry('66001', 'LSP', 'Internal Error', 'Cannot process request due to internal error, please retry', true),
  LSP_ORDER_VALIDATION_FAILURE: entry('66002', 'LSP', 'Order validation failure', 'Order validation failure'),
  LSP_ORDER_PROCESSING: entry('66003', 'LSP', 'Order processing in progress', 'Order processing in progress', true),
  LSP_ORDER_NOT_FOUND: entry('66004', 'LSP', 'Invalid Order', 'Order not found'),
  LSP_QUOTE_UNAVAILABLE: entry('66005', 'LSP', 'Quote unavailable', 'Quote no longer available'),
} as const satisfies Record<string, OndcErrorCode>;

export type OndcErrorName = keyof typeof ONDC_ERRORS;

const RETRIABLE_CODES: ReadonlySet<string> = new Set(
  Object.values(ONDC_ERRORS)
    .filter((e: OndcErrorCode) => e.retriable)
    .map((e) => e.code),
);

/** A NACK whose code asks the sender to try again (internal errors, processing in progress). */
export const isRetriableErrorCode = (code: string | undefined): boolean => code !== undefined && RETRIABLE_CODES.has(code);

/**
 * LBNP cancellation reason ids (ONDC cancellation reason codes; the contract links the sheet).
 * Only the ones the engine sends or the sandbox uses are named here.
 */
export const CANCELLATION_REASONS = {
  /** LBNP: order / fulfillment not received as per buyer app TAT SLA. */
  TAT_BREACHED: '007',
  /** LSP: order / fulfillment not ready for pickup. */
  NOT_READY_FOR_PICKUP: '008',
  /** LSP & SNP, RTO: buyer not found or cannot be contacted. */
  BUYER_NOT_FOUND: '011',
  /** LSP & SNP, RTO: buyer refused to accept delivery. */
  BUYER_REFUSED: '013',
  /** LSP: accident / rain / strike / vehicle issues. */
  LSP_VEHICLE_ISSUES: '016',
  /** SNP: merchant rejected the order (the retail seller, i.e. our seller, cancels). */
  MERCHANT_REJECTED: '005',
  /** LBNP: order confirmation / completion failure (after a NACKed or unanswered /confirm). */
  LBNP_CONFIRMATION_FAILURE: '996',
  /** LSP: order confirmation failure (after its /on_confirm was NACKed). */
  LSP_CONFIRMATION_FAILURE: '997',
} as const;

/**
 * Why we cancel, as the reason a logistics buyer may give. 1.2.5's log verification allows an LBNP
 * only "007" and "996"; ONDC's reviewers ask for "007" whoever cancelled on the retail side (the
 * seller's "005" is a retail seller app's code), so a seller's cancellation goes out as "007".
 */
export type LbnpCancellationCause = 'seller-cancelled' | 'tat-breached' | 'confirmation-failed';
export const LBNP_CANCELLATION_REASON_IDS: readonly string[] = [CANCELLATION_REASONS.TAT_BREACHED, CANCELLATION_REASONS.LBNP_CONFIRMATION_FAILURE];
export const lbnpCancellationReason = (cause: LbnpCancellationCause): string =>
  cause === 'confirmation-failed' ? CANCELLATION_REASONS.LBNP_CONFIRMATION_FAILURE : CANCELLATION_REASONS.TAT_BREACHED;

/** Reason ids of the ONDC cancellation reason list: 001 to 021, and 996 to 999 for confirmation failures. */
export const isCancellationReasonId = (id: string): boolean => /^(00[1-9]|01[0-9]|02[01]|99[6-9])$/.test(id);

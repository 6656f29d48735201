import { ack, nack } from './ack';
import { checkReceivedMessage } from './conformance';
import type { ConformanceFinding, TransactionMessage } from './conformance';
import { ACCEPTED_DOMAINS } from './context';
import { ONDC_ERRORS, OndcErrorCode } from './error-codes';
import { RegistryUnavailableError } from './registry-client';
import { validateOndcMessage, type SchemaCheck } from './schemas';
import { AUTHORIZATION_HEADER, KeyId, PublicKeyResolver, SignatureFailure, verifyAuthorization } from './signing';
import { ACCEPTED_CORE_VERSIONS, CallbackAction, IGM_CORE_VERSION, RSF_DOMAIN, RSF_VERSION, isCallbackAction } from './types';
import type { AckResponse, NackResponse, OndcCallback, OndcErrorType, RequestAction } from './types';

/** What we know of a transaction when a callback for it arrives. */
export interface KnownTransaction {
  /** Every request we sent in the transaction. Callbacks answering one repeat its message id. */
  sentRequests: ReadonlyArray<{ action: RequestAction; messageId: string }>;
  /** The partner we chose (from /init on); only it may send order callbacks. Undefined while searching. */
  chosenBppId?: string;
  /**
   * context.timestamp of the latest callback already applied, by appliedCallbackKey(bpp_id, message_id):
   * an older one from the same partner for the same message is stale. (Every partner answers a search
   * with the search's message id, so the partner is part of the key.)
   */
  appliedTimestamps?: Readonly<Record<string, string>>;
  /**
   * The body of that latest applied callback, by the same key: a repeat of a message id is a
   * duplicate only when it says the same; one saying something new is refused. Without it, a repeat
   * with the same timestamp counts as a duplicate.
   */
  appliedBodies?: Readonly<Record<string, unknown>>;
  /**
   * The transaction's messages so far, each direction in the order sent or received: what the
   * conformance rules check a callback against (ids, catalog, quote, confirmed order).
   */
  messages?: readonly TransactionMessage[];
}

/**
 * What to do with a callback that breaks the 1.2.5 rules (checkReceivedMessage): refuse it with a
 * NACK (strict), or take it and report the findings (lenient). Without a mode the rules are not run.
 */
export type ConformanceMode = 'strict' | 'lenient';

export const appliedCallbackKey = (bppId: string, messageId: string): string => `${bppId} ${messageId}`;

export interface CallbackVerifierOptions {
  /** Our subscriber id: callbacks for any other bap are not ours. */
  bapId: string;
  /** Partners' signing keys, e.g. RegistryClient.resolveSigningKey. */
  resolveSigningKey: PublicKeyResolver;
  findTransaction(transactionId: string): Promise<KnownTransaction | undefined> | KnownTransaction | undefined;
  allowedDomains?: readonly string[];
  allowedCoreVersions?: readonly string[];
  /** How far a callback's timestamp may run ahead of our clock. */
  maxFutureSkewMs?: number;
  /** How old a callback's timestamp may be; older ones are stale. */
  maxAgeMs?: number;
  /** The longest signature validity window (`expires - created`) accepted, in seconds. */
  maxSignatureValiditySeconds?: number;
  nowMs?: () => number;
  validate?: (action: CallbackAction, body: unknown) => SchemaCheck;
  conformance?: ConformanceMode;
}

export interface IncomingCallback {
  /** The action the callback was posted to (the last path segment: on_search, on_init, ...). */
  action: string;
  /** The body exactly as received. */
  rawBody: Buffer;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type CallbackVerdict =
  | {
      accepted: true;
      httpStatus: 200;
      response: AckResponse;
      callback: OndcCallback;
      signer: KeyId;
      /** It answers a request we sent (same message id), rather than coming unasked. */
      solicited: boolean;
      /** The same message (same content under the same message id) as one already applied: ACK it, do not apply it again. */
      duplicate: boolean;
      /** The 1.2.5 rules it breaks, taken all the same in lenient mode; empty when it breaks none or was not checked. */
      findings: ConformanceFinding[];
    }
  | {
      accepted: false;
      /** 401 for signature problems, 400 for a malformed message, 503 when the registry cannot be asked, 200 for a well-formed callback refused. */
      httpStatus: 200 | 400 | 401 | 503;
      response: NackResponse;
      reason: string;
      /** Refused in strict mode for breaking these 1.2.5 rules. */
      findings?: ConformanceFinding[];
    };

type Refusal = Extract<CallbackVerdict, { accepted: false }>;

const refuse = (httpStatus: Refusal['httpStatus'], type: OndcErrorType, code: OndcErrorCode, reason: string, path?: string): Refusal => ({
  accepted: false,
  httpStatus,
  response: nack(type, code, reason, path),
  reason,
});

const SIGNATURE_REASONS: Record<SignatureFailure, string> = {
  missing: 'no Authorization header',
  malformed: 'Authorization header is not a valid ONDC signature',
  expired: 'signature expired',
  'not-yet-valid': 'signature created in the future',
  'validity-too-long': 'signature validity window too long',
  'unknown-key': 'signing key not found in the registry',
  'wrong-key': 'signed by another subscriber than the one named in the context',
  'bad-signature': 'signature does not match the body',
};

/** Solicited callbacks always answer a request of ours; the others may also come unasked. */
const ALWAYS_SOLICITED: ReadonlySet<CallbackAction> = new Set(['on_search', 'on_init', 'on_confirm', 'on_track', 'on_recon']);
const requestActionOf = (action: CallbackAction): RequestAction => action.slice(3) as RequestAction;

/** Node lower-cases incoming header names. */
const headerValue = (headers: IncomingCallback['headers'], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Decides, before anything is applied, whether a partner's callback is authentic, well-formed, for
 * us, and expected; answers ACK or the NACK the ONDC error list gives for the failure (error-codes.ts).
 * Order: the signature over the raw bytes (nothing unauthenticated is read further), the context,
 * the JSON Schema, the signer against the context's bpp_id, then the transaction: message pairing,
 * the partner chosen, staleness.
 */
export class CallbackVerifier {
  private readonly now: () => number;

  constructor(private readonly options: CallbackVerifierOptions) {
    this.now = options.nowMs ?? Date.now;
  }

  async verify(incoming: IncomingCallback): Promise<CallbackVerdict> {
    const { action } = incoming;
    if (!isCallbackAction(action)) return refuse(400, 'CONTEXT-ERROR', ONDC_ERRORS.BUYER_INVALID_RESPONSE, `"${action}" is not a callback we accept`);
    const signer = await this.checkSignature(incoming);
    if ('accepted' in signer) return signer;
    const body = parseJson(incoming.rawBody);
    if (body instanceof SyntaxError) return refuse(400, 'JSON-SCHEMA-ERROR', ONDC_ERRORS.LBNP_ORDER_VALIDATION_FAILURE, 'body is not JSON');
    const callback = this.checkContext(action, contextOf(body)) ?? this.checkSchema(action, body);
    if ('accepted' in callback) return callback;
    const wrongSigner = this.checkSigner(signer, callback);
    if (wrongSigner) return wrongSigner;
    const { context } = callback;
    const transaction = await this.options.findTransaction(context.transaction_id);
    if (!transaction) return outOfSequence('CONTEXT-ERROR', `unknown transaction ${context.transaction_id}`, 'context.transaction_id');
    const unexpected = checkTransaction(action, callback, transaction);
    if (unexpected) return unexpected;
    const duplicate = transaction.appliedTimestamps?.[appliedCallbackKey(context.bpp_id ?? '', context.message_id)] !== undefined;
    // A duplicate says what was judged when it first came: it is ACKed and applied nowhere.
    const findings = this.options.conformance && !duplicate ? checkReceivedMessage(callback, transaction.messages ?? []) : [];
    if (findings.length > 0 && this.options.conformance === 'strict') return nonConformant(action, findings);
    return {
      accepted: true,
      httpStatus: 200,
      response: ack(),
      callback,
      signer,
      solicited: transaction.sentRequests.some((r) => r.messageId === context.message_id && r.action === requestActionOf(action)),
      duplicate,
      findings,
    };
  }

  private async checkSignature(incoming: IncomingCallback): Promise<KeyId | Refusal> {
    try {
      const result = await verifyAuthorization(incoming.rawBody, headerValue(incoming.headers, AUTHORIZATION_HEADER), this.options.resolveSigningKey, {
        nowMs: this.now(),
        ...(this.options.maxSignatureValiditySeconds !== undefined ? { maxValiditySeconds: this.options.maxSignatureValiditySeconds } : {}),
      });
      if (result.ok) return result.keyId;
      return refuse(401, 'POLICY-ERROR', ONDC_ERRORS.BUYER_INVALID_SIGNATURE, `${SIGNATURE_REASONS[result.failure]}: ${result.reason}`);
    } catch (error) {
      if (error instanceof RegistryUnavailableError) return refuse(503, 'CORE-ERROR', ONDC_ERRORS.LBNP_INTERNAL_ERROR, `cannot verify the signature now: ${error.message}`);
      throw error;
    }
  }

  private checkSchema(action: CallbackAction, body: unknown): OndcCallback | Refusal {
    const check = (this.options.validate ?? validateOndcMessage)(action, body);
    if (check.valid) return body as OndcCallback;
    const detail = check.errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ');
    return refuse(400, 'JSON-SCHEMA-ERROR', ONDC_ERRORS.LBNP_ORDER_VALIDATION_FAILURE, `${action} does not match its schema: ${detail}`, check.errors[0]?.path);
  }

  /** The schema guarantees bpp_id; the signature must be that partner's own. */
  private checkSigner(signer: KeyId, callback: OndcCallback): Refusal | undefined {
    if (signer.subscriberId === callback.context.bpp_id) return undefined;
    return refuse(401, 'POLICY-ERROR', ONDC_ERRORS.BUYER_INVALID_SIGNATURE, `${SIGNATURE_REASONS['wrong-key']}: ${signer.subscriberId} signed for ${callback.context.bpp_id}`);
  }

  /**
   * Context fields are judged before the schema, so that a callback for someone else, or in another
   * domain or version, is told so as a CONTEXT-ERROR. Fields absent or of the wrong type are left to the schema.
   */
  private checkContext(action: CallbackAction, context: Readonly<Record<string, unknown>>): Refusal | undefined {
    const invalid = (reason: string, field: string) => refuse(400, 'CONTEXT-ERROR', ONDC_ERRORS.BUYER_INVALID_RESPONSE, reason, `context.${field}`);
    const text = (field: string): string | undefined => (typeof context[field] === 'string' ? context[field] : undefined);
    const [posted, bapId, domain, version, timestamp] = [text('action'), text('bap_id'), text('domain'), text('core_version'), text('timestamp')];
    if (posted !== undefined && posted !== action) return invalid(`context.action is ${posted}, posted to ${action}`, 'action');
    if (bapId !== undefined && bapId !== this.options.bapId) return invalid(`addressed to ${bapId}, we are ${this.options.bapId}`, 'bap_id');
    // An on_recon speaks RSF 2.0: its own domain, and its version in `version`.
    const domains = action === 'on_recon' ? [RSF_DOMAIN] : (this.options.allowedDomains ?? ACCEPTED_DOMAINS);
    if (domain !== undefined && !domains.includes(domain)) return invalid(`domain ${domain} is not accepted`, 'domain');
    const rsfVersion = text('version');
    if (action === 'on_recon' && rsfVersion !== undefined && rsfVersion !== RSF_VERSION) return invalid(`version ${rsfVersion} is not accepted`, 'version');
    // An on_issue speaks IGM, which has its own version, in a logistics transaction's context.
    const versions = action === 'on_issue' ? [IGM_CORE_VERSION] : action === 'on_recon' ? [RSF_VERSION] : (this.options.allowedCoreVersions ?? ACCEPTED_CORE_VERSIONS);
    if (version !== undefined && !versions.includes(version)) return invalid(`core_version ${version} is not accepted`, 'core_version');
    const at = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
    if (Number.isNaN(at)) return undefined;
    if (at > this.now() + (this.options.maxFutureSkewMs ?? 30_000)) return invalid(`timestamp ${timestamp} is in the future`, 'timestamp');
    if (at < this.now() - (this.options.maxAgeMs ?? 10 * 60_000)) {
      return refuse(400, 'CONTEXT-ERROR', ONDC_ERRORS.STALE_REQUEST, `timestamp ${timestamp} is too old`, 'context.timestamp');
    }
    return undefined;
  }
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) return error;
    throw error;
  }
}

const contextOf = (body: unknown): Readonly<Record<string, unknown>> => {
  const context = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['context'] : undefined;
  return typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : {};
};

/** How many findings a NACK's message names; the rest are counted. */
const NAMED_FINDINGS = 3;

/**
 * A callback that breaks the 1.2.5 rules does not meet the API contract (20006, "Invalid
 * response"); the error type follows the first finding: its context, what it must repeat from the
 * transaction (a domain error), or its own shape (a schema error). Only rule names and paths go
 * into the message: a finding's own text may quote a value (a phone, a pickup code).
 */
function nonConformant(action: CallbackAction, findings: readonly ConformanceFinding[]): Refusal {
  const [first] = findings;
  const type: OndcErrorType = first?.rule.startsWith('context.') ? 'CONTEXT-ERROR' : first?.rule.startsWith('transaction.') ? 'DOMAIN-ERROR' : 'JSON-SCHEMA-ERROR';
  const named = findings.slice(0, NAMED_FINDINGS).map((x) => `${x.rule} at ${x.path}`);
  const more = findings.length > NAMED_FINDINGS ? ` and ${findings.length - NAMED_FINDINGS} more` : '';
  const reason = `${action} breaks the ONDC logistics 1.2.5 rules: ${named.join('; ')}${more}`;
  return { ...refuse(400, type, ONDC_ERRORS.BUYER_INVALID_RESPONSE, reason, first?.path), findings: [...findings] };
}

const outOfSequence = (type: 'CONTEXT-ERROR' | 'POLICY-ERROR', reason: string, path: string): Refusal =>
  refuse(type === 'POLICY-ERROR' ? 200 : 400, type, ONDC_ERRORS.BUYER_OUT_OF_SEQUENCE, reason, path);

/** Callbacks must answer the right request, come from the partner chosen, and not be older than one applied. */
function checkTransaction(action: CallbackAction, callback: OndcCallback, transaction: KnownTransaction): Refusal | undefined {
  const { context } = callback;
  const request = transaction.sentRequests.find((r) => r.messageId === context.message_id);
  if (request && request.action !== requestActionOf(action)) {
    return outOfSequence('CONTEXT-ERROR', `message ${context.message_id} was our /${request.action}, not a /${requestActionOf(action)}`, 'context.message_id');
  }
  if (!request && ALWAYS_SOLICITED.has(action)) {
    return outOfSequence('CONTEXT-ERROR', `no /${requestActionOf(action)} of ours has message id ${context.message_id}`, 'context.message_id');
  }
  if (action !== 'on_search' && transaction.chosenBppId !== context.bpp_id) {
    return outOfSequence('POLICY-ERROR', `${context.bpp_id} is not the partner chosen for this transaction`, 'context.bpp_id');
  }
  const key = appliedCallbackKey(context.bpp_id ?? '', context.message_id);
  const applied = transaction.appliedTimestamps?.[key];
  if (applied === undefined) return undefined;
  if (Date.parse(context.timestamp) < Date.parse(applied)) {
    return refuse(400, 'CONTEXT-ERROR', ONDC_ERRORS.STALE_REQUEST, `older than the ${action} already applied for message ${context.message_id}`, 'context.timestamp');
  }
  const appliedBody = transaction.appliedBodies?.[key];
  const same = appliedBody === undefined ? applied === context.timestamp : canonicalJson(appliedBody) === canonicalJson(callback);
  if (!same) {
    // Taking it would either drop what it says (as a duplicate) or apply a message id twice: the sender must give new news a new id.
    return refuse(400, 'CONTEXT-ERROR', ONDC_ERRORS.BUYER_INVALID_RESPONSE, `message ${context.message_id} was already received from ${context.bpp_id} with other content; new content needs a new message_id`, 'context.message_id');
  }
  return undefined;
}

/** JSON with object keys sorted: the stored body comes back from the event store in another key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

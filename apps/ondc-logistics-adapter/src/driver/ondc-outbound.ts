import { Logger } from '@nestjs/common';
import { ONDC_ERRORS, OndcHttpClient, RegistryClient, RegistryUnavailableError, actionUrl, validateOndcMessage } from '@fulfil/ondc';
import type { DeliveryOutcome, LogisticsDomain, OndcTransactionLog, Signer , OutboundRequest } from '@fulfil/ondc';
import type { OndcAdapterConfig } from '../ondc-config';
import type { OndcMetrics } from '../ondc-metrics';

/** Whose shipment a request is about: the transaction log files it under the order. */
export interface RequestSubject {
  sellerId: string;
  orderId: string;
  shipmentId: string;
}

/** The URL a request went to, and what came of it. */
export interface Delivery {
  to: string;
  outcome: DeliveryOutcome;
}

export const signerOf = (config: OndcAdapterConfig): Signer => ({
  subscriberId: config.identity.subscriberId,
  uniqueKeyId: config.identity.uniqueKeyId,
  privateKey: config.identity.signingPrivateKey,
});

/**
 * Sends the adapter's requests: finds the gateway in the registry when none is configured, checks
 * every message against its contract schema before it leaves (a message that fails is our bug and
 * is never sent), keeps its bytes in the transaction log, signs and posts exactly those bytes,
 * retrying transport failures with backoff, and logs the answer.
 */
export class OndcOutbound {
  private readonly logger = new Logger('OndcOutbound');
  private readonly client: OndcHttpClient;

  constructor(
    private readonly config: OndcAdapterConfig,
    private readonly registry: RegistryClient,
    private readonly metrics: OndcMetrics,
    private readonly log: OndcTransactionLog,
  ) {
    this.client = new OndcHttpClient({
      signer: signerOf(config),
      timeoutMs: config.http.timeoutMs,
      retry: { attempts: config.http.attempts, baseDelayMs: 200, maxDelayMs: 2_000 },
    });
  }

  /** Where a request will go; the gateway's URL comes from the registry (cached there). */
  async urlOf(request: Pick<OutboundRequest, 'target'>): Promise<string> {
    if ('url' in request.target) return request.target.url;
    if (this.config.gatewayUrl) return this.config.gatewayUrl;
    return this.gatewayOf(request.target.gateway);
  }

  async send(request: OutboundRequest, to: string, subject: RequestSubject): Promise<DeliveryOutcome> {
    const check = validateOndcMessage(request.action, request.message);
    if (!check.valid) {
      const detail = check.errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ');
      this.logger.error(`refusing to send a /${request.action} that breaks its schema: ${detail}`);
      this.metrics.sent(request.action, 'nack');
      return { outcome: 'nack', httpStatus: 0, error: { type: 'JSON-SCHEMA-ERROR', code: ONDC_ERRORS.LBNP_ORDER_VALIDATION_FAILURE.code, message: `not sent, our message breaks its schema: ${detail}` }, attempts: 0 };
    }
    const { context } = request.message;
    const body = Buffer.from(JSON.stringify(request.message));
    // Logged before it leaves: a message on the network is never missing from its transaction's log.
    const seq = await this.log.sent({ ...subject, transactionId: request.transactionId, direction: 'sent', action: request.action, messageId: context.message_id, timestamp: context.timestamp, peer: to, body });
    const outcome = await this.client.deliver(actionUrl(to, request.action), body);
    this.metrics.sent(request.action, outcome.outcome);
    if (outcome.exchange) {
      // The request went out and its record is kept; an answer the log cannot take now must not undo that.
      await this.log.answered(seq, outcome.exchange.answer, outcome.exchange.authorization).catch((error: unknown) => {
        this.logger.warn(`could not log the answer to /${request.action} ${context.message_id}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    return outcome;
  }

  private async gatewayOf(domain: LogisticsDomain): Promise<string> {
    try {
      const [gateway] = await this.registry.lookup({ type: 'BG', domain, country: 'IND' });
      if (!gateway) throw new RegistryUnavailableError(`the registry lists no gateway for ${domain}`);
      return gateway.subscriber_url;
    } catch (error) {
      if (error instanceof RegistryUnavailableError) throw new GatewayUnknownError(error.message);
      throw error;
    }
  }
}

/** No gateway could be found: the search is as good as unanswered, and is tried again like a lost one. */
export class GatewayUnknownError extends Error {
  override readonly name = 'GatewayUnknownError';
}

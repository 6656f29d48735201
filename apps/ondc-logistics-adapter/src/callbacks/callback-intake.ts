import { Logger } from '@nestjs/common';
import { CallbackVerifier, RegistryClient, parseCatalog, rfc3339 , CallbackData, ConversationEvent, conversationStream , knownTransaction } from '@fulfil/ondc';
import type { CallbackVerdict, IncomingCallback, KnownTransaction, LoggedAnswer, LoggedMessage, OndcCallback, OndcMessage, OndcTransactionLog } from '@fulfil/ondc';
import type { EventStore, JsonObject } from '@fulfil/event-store';
import type { ConversationCache } from '../driver/conversation-cache';
import type { ConversationDriver } from '../driver/conversation-driver';
import { TransactionIndex } from '../driver/transaction-index';
import { ondcMetadata, partnerActor } from '../driver/adapter-metadata';
import type { OndcAdapterConfig } from '../ondc-config';
import type { OndcMetrics } from '../ondc-metrics';

/** A callback recorded in a conversation: who wants to hear of it (the tracking waiters). */
export type CallbackListener = (callback: OndcCallback, shipmentId: string) => void;

/**
 * Takes partners' callbacks in: verifies them (signature over the raw bytes with the registry key,
 * context, schema, transaction, partner, message pairing, staleness), records an accepted one in
 * its shipment's conversation, and its bytes in the transaction log, before answering ACK, and wakes
 * the driver to act on it. A duplicate is ACKed and recorded nowhere again (its bytes are logged if
 * they differ); a refused one changes nothing.
 */
export class CallbackIntake {
  private readonly logger = new Logger('OndcCallbackIntake');
  private readonly verifier: CallbackVerifier;
  private readonly listeners = new Set<CallbackListener>();

  constructor(
    config: OndcAdapterConfig,
    registry: RegistryClient,
    private readonly store: EventStore,
    private readonly conversations: ConversationCache,
    private readonly transactions: TransactionIndex,
    private readonly driver: ConversationDriver,
    private readonly metrics: OndcMetrics,
    private readonly log: OndcTransactionLog,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.verifier = new CallbackVerifier({
      bapId: config.identity.subscriberId,
      resolveSigningKey: registry.resolveSigningKey,
      findTransaction: (transactionId) => this.findTransaction(transactionId),
      maxSignatureValiditySeconds: config.maxSignatureValiditySeconds,
      conformance: config.callbackConformance,
      nowMs,
    });
  }

  listen(listener: CallbackListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async receive(incoming: IncomingCallback): Promise<CallbackVerdict> {
    const started = process.hrtime.bigint();
    const verdict = await this.verifier.verify(incoming);
    if (verdict.accepted) {
      const logged = await this.logged(incoming, verdict.callback);
      const answer = { httpStatus: verdict.httpStatus, body: Buffer.from(JSON.stringify(verdict.response)) };
      // A duplicate's row is the first copy's unless its bytes differ; it also mends a record whose log row a failure lost.
      if (verdict.duplicate) await this.log.received(logged.message, answer);
      else await this.recordAndLog(verdict.callback, verdict.solicited, logged.shipmentId, logged.message, answer);
    }
    if (!verdict.accepted) this.logger.warn(`refused ${incoming.action} (HTTP ${verdict.httpStatus}): ${verdict.reason}`);
    const findings = verdict.findings ?? [];
    if (findings.length > 0) {
      this.metrics.nonConformant(incoming.action, findings, verdict.accepted ? 'accepted' : 'refused');
      // Rule and path only: a finding's text may quote a phone number or a pickup code.
      if (verdict.accepted) this.logger.warn(`took ${incoming.action} breaking ONDC 1.2.5 rules (lenient): ${findings.map((f) => `${f.rule} at ${f.path}`).join('; ')}`);
    }
    const result = !verdict.accepted ? 'nack' : verdict.duplicate ? 'duplicate' : 'ack';
    this.metrics.received(incoming.action, result, Number(process.hrtime.bigint() - started) / 1e9);
    return verdict;
  }

  /**
   * The callback's event and its log row, written side by side (two databases, no transaction
   * spans them; the ACK waits for both). A row whose event could not be appended is taken back, so
   * the log does not claim an ACK we did not send; a missing row after a crash is mended by the
   * partner's retry, which is a duplicate.
   */
  private async recordAndLog(callback: OndcCallback, solicited: boolean, shipmentId: string, message: LoggedMessage, answer: LoggedAnswer): Promise<void> {
    const [recorded, logged] = await Promise.allSettled([this.record(callback, solicited, shipmentId), this.log.received(message, answer)]);
    if (recorded.status === 'rejected') {
      if (logged.status === 'fulfilled' && logged.value !== undefined) await this.log.forget(logged.value).catch(() => undefined);
      throw recorded.reason;
    }
    if (logged.status === 'rejected') throw logged.reason;
  }

  private async findTransaction(transactionId: string): Promise<KnownTransaction | undefined> {
    const shipmentId = await this.transactions.shipmentOf(transactionId);
    if (!shipmentId) return undefined;
    const { state } = await this.conversations.load(shipmentId);
    return knownTransaction(state, transactionId);
  }

  /** The callback as the transaction log keeps it: the verifier found its transaction, so the index knows its shipment. */
  private async logged(incoming: IncomingCallback, callback: OndcCallback): Promise<{ message: LoggedMessage; shipmentId: string }> {
    const { context } = callback;
    const shipmentId = await this.transactions.shipmentOf(context.transaction_id);
    if (!shipmentId) throw new Error(`transaction ${context.transaction_id} vanished from the index`);
    // The verifier has just read the conversation; its seller and order never change.
    const state = this.conversations.known(shipmentId) ?? (await this.conversations.load(shipmentId)).state;
    const authorization = incoming.headers['authorization'];
    const message: LoggedMessage = {
      transactionId: context.transaction_id,
      direction: 'received',
      action: context.action,
      messageId: context.message_id,
      timestamp: context.timestamp,
      sellerId: state.sellerId,
      orderId: state.orderId,
      shipmentId,
      peer: context.bpp_id ?? '',
      body: incoming.rawBody,
      ...(typeof authorization === 'string' ? { authorization } : {}),
    };
    return { message, shipmentId };
  }

  private async record(callback: OndcCallback, solicited: boolean, shipmentId: string): Promise<void> {
    const { context } = callback;
    const data: CallbackData = {
      transactionId: context.transaction_id,
      action: context.action,
      bppId: context.bpp_id ?? '',
      bppUri: context.bpp_uri ?? '',
      messageId: context.message_id,
      timestamp: context.timestamp,
      solicited,
      body: callback,
      receivedAt: rfc3339(this.nowMs()),
    };
    const event: ConversationEvent =
      context.action === 'on_search' ? { type: 'CatalogReceived', data: { ...data, ...parseCatalog(callback as OndcMessage<'on_search'>) } } : { type: 'CallbackReceived', data };
    // A received callback is a fact, not a decision: it goes in at whatever revision the stream is.
    const metadata = ondcMetadata(partnerActor(data.bppId), data.transactionId, data.messageId);
    const appended = await this.store.append(conversationStream(shipmentId), [{ type: event.type, data: event.data as unknown as JsonObject, metadata }], {
      expectedRevision: 'any',
      returnEvents: true,
    });
    // Folded where it follows what the verifier read, so the driver plans on it without reading it back.
    this.conversations.appended(shipmentId, appended.events);
    for (const listener of this.listeners) listener(callback, shipmentId);
    this.driver.nudge(shipmentId, appended.nextExpectedRevision);
  }
}

import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import Fastify, { FastifyInstance } from 'fastify';
import {
  CallbackVerdict,
  CallbackVerifier,
  ContextBuilder,
  DeliveryOutcome,
  KnownTransaction,
  OndcCallback,
  OndcHttpClient,
  OndcMessage,
  RegistryClient,
  RequestAction,
  SigningKeyPair,
  appliedCallbackKey,
  generateSigningKeyPair,
} from '@fulfil/ondc';

type Accepted = Extract<CallbackVerdict, { accepted: true }>;
type Refused = Extract<CallbackVerdict, { accepted: false }>;

interface TransactionRecord {
  sentRequests: Array<{ action: RequestAction; messageId: string }>;
  chosenBppId?: string;
  appliedTimestamps: Record<string, string>;
}

/**
 * A stand-in logistics buyer for the tests: a plain Fastify server that takes callbacks with the
 * library's CallbackVerifier (keys from the sandbox registry over HTTP), and sends requests with
 * the library's signing client. Tests wait on it with deadlines.
 */
export class TestBuyer {
  readonly subscriberId = 'test-buyer.fulfilment-engine.example';
  readonly uniqueKeyId = 'k1';
  readonly keys: SigningKeyPair = generateSigningKeyPair();
  readonly accepted: Accepted[] = [];
  readonly refused: Refused[] = [];
  private readonly transactions = new Map<string, TransactionRecord>();
  private readonly events = new EventEmitter();
  private server: FastifyInstance | undefined;
  private bapUri = '';
  private registry: RegistryClient | undefined;
  private verifier: CallbackVerifier | undefined;

  /** Starts the receiver on an ephemeral port; the registry URL may come later (the sandbox needs our URL first). */
  async listen(): Promise<string> {
    const server = Fastify();
    // Keep the bytes: signatures are over the body exactly as sent.
    server.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    server.post<{ Params: { action: string }; Body: Buffer }>('/ondc/:action', async (request, reply) => {
      const verdict = await this.verifierOrFail().verify({ action: request.params.action, rawBody: request.body, headers: request.headers });
      this.record(verdict);
      return reply.status(verdict.httpStatus).send(verdict.response);
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    this.server = server;
    this.bapUri = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/ondc`;
    return this.bapUri;
  }

  /** Points lookups and verification at a registry. */
  useRegistry(registryUrl: string, options: { cacheTtlMs?: number } = {}): RegistryClient {
    this.registry = new RegistryClient({ registryUrl, signer: this.signer(), ...options });
    this.verifier = new CallbackVerifier({
      bapId: this.subscriberId,
      resolveSigningKey: this.registry.resolveSigningKey,
      findTransaction: (id): KnownTransaction | undefined => this.transactions.get(id),
    });
    return this.registry;
  }

  signer() {
    return { subscriberId: this.subscriberId, uniqueKeyId: this.uniqueKeyId, privateKey: this.keys.signingPrivateKey };
  }

  registration() {
    return { subscriberId: this.subscriberId, uniqueKeyId: this.uniqueKeyId, signingPublicKey: this.keys.signingPublicKey, subscriberUrl: this.bapUri };
  }

  contexts(): ContextBuilder {
    return new ContextBuilder({ bapId: this.subscriberId, bapUri: this.bapUri });
  }

  /** Signs and sends a request, remembering its message id so that the answer is expected. */
  async send<A extends RequestAction>(baseUri: string, message: OndcMessage<A>): Promise<DeliveryOutcome> {
    const transaction = this.transactionOf(message.context.transaction_id);
    transaction.sentRequests.push({ action: message.context.action, messageId: message.context.message_id });
    return new OndcHttpClient({ signer: this.signer(), retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } }).send(baseUri, message);
  }

  /** Sends exact bytes to a URL with our signature (for tests that tamper with what is sent). */
  async deliver(url: string, body: Buffer, headers: Record<string, string> = {}): Promise<DeliveryOutcome> {
    return new OndcHttpClient({ signer: this.signer(), retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } }).deliver(url, body, headers);
  }

  choose(transactionId: string, bppId: string): void {
    this.transactionOf(transactionId).chosenBppId = bppId;
  }

  /** The first accepted callback matching, waiting for it until the deadline. */
  waitFor<A extends OndcCallback['context']['action']>(
    description: string,
    predicate: (callback: OndcCallback) => boolean,
    action: A,
    timeoutMs = 5_000,
  ): Promise<OndcMessage<A>> {
    const match = (verdict: Accepted): boolean => verdict.callback.context.action === action && predicate(verdict.callback);
    const found = this.accepted.find(match);
    if (found) return Promise.resolve(found.callback as OndcMessage<A>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('accepted', listener);
        const seen = this.accepted.map((v) => `${v.callback.context.action} from ${v.callback.context.bpp_id}`).join(', ') || 'nothing';
        reject(new Error(`no ${action} (${description}) within ${timeoutMs} ms; accepted so far: ${seen}; refused: ${this.refused.map((r) => r.reason).join(' | ') || 'none'}`));
      }, timeoutMs);
      const listener = (verdict: Accepted): void => {
        if (!match(verdict)) return;
        clearTimeout(timer);
        this.events.off('accepted', listener);
        resolve(verdict.callback as OndcMessage<A>);
      };
      this.events.on('accepted', listener);
    });
  }

  callbacksFrom(bppId: string, action: OndcCallback['context']['action']): OndcCallback[] {
    return this.accepted.filter((v) => v.callback.context.bpp_id === bppId && v.callback.context.action === action).map((v) => v.callback);
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  private record(verdict: CallbackVerdict): void {
    if (!verdict.accepted) {
      this.refused.push(verdict);
      return;
    }
    const { context } = verdict.callback;
    this.transactionOf(context.transaction_id).appliedTimestamps[appliedCallbackKey(context.bpp_id ?? '', context.message_id)] = context.timestamp;
    this.accepted.push(verdict);
    this.events.emit('accepted', verdict);
  }

  private transactionOf(id: string): TransactionRecord {
    let transaction = this.transactions.get(id);
    if (!transaction) {
      transaction = { sentRequests: [], appliedTimestamps: {} };
      this.transactions.set(id, transaction);
    }
    return transaction;
  }

  private verifierOrFail(): CallbackVerifier {
    if (!this.verifier) throw new Error('call useRegistry before callbacks arrive');
    return this.verifier;
  }
}


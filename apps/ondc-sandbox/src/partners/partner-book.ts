import type { ConfirmMessage, FulfillmentState, OndcContext, OrderState, Quote, TimeRange } from '@fulfil/ondc';
import type { SandboxPartner } from '../network';
import type { QuotedOption } from './partner-catalog';

/** The option a buyer chose in /init, and the quote we answered with. */
export interface InitQuote {
  option: QuotedOption;
  quote: Quote;
}

/** A transaction as a partner remembers it between search, init and confirm. */
export interface QuotedTransaction {
  quotes: QuotedOption[];
  initQuote?: InitQuote;
}

/** An order a partner accepted, and where its shipment is. */
export interface SandboxOrder {
  id: string;
  partner: SandboxPartner;
  /** The confirm's context: where callbacks go and what they repeat. */
  context: OndcContext;
  option: QuotedOption;
  quote: Quote;
  confirmed: ConfirmMessage['order'];
  orderState: OrderState;
  fulfillmentState: FulfillmentState;
  readyToShip: boolean;
  trackingUrl: string;
  awb?: string;
  labelUrl?: string;
  agent?: { name: string; phone: string };
  pickupSlot?: TimeRange;
  pickedUpAt?: string;
  deliveredAt?: string;
  rto?: { state: FulfillmentState; at: string; endedAt?: string };
  /** A COD delivery: what was collected, in rupees as the tag gives it, and when. */
  codCollected?: { value: string; at: string };
  /** Failed or rescheduled attempts, by stage, as the `fulfillment_delay` tags report them. */
  delays?: Partial<Record<'pickup' | 'delivery', { reasonId: string; at: string }>>;
  deliveryFailures?: number;
  /** The next delivery attempt's window, after a failed one. */
  deliveryWindow?: TimeRange;
  /** Who cancelled and why, and the forward fulfillment's state just before (1.2.5's precancel_state). */
  cancellation?: { reasonId: string; cancelledBy: string; precancelState: FulfillmentState; at: string };
  /** A weight differential charged after pickup, and the buyer's answer once given (a disputed one is taken back). */
  differential?: { declaredGrams: number; measuredGrams: number; amountPaise: number; taxPaise: number; at: string; answer?: 'accepted' | 'disputed' };
  /** /cancel requests refused so far (the cancel-NACKing partner). */
  cancelsRefused?: number;
  /** Cancels the next scheduled step, if any. */
  cancelNextStep?: () => void;
}

/** The contract identifies an order on the network by transaction id and order id together. */
const orderKey = (transactionId: string, orderId: string): string => `${transactionId}/${orderId}`;

/** Everything one partner remembers, in memory: the sandbox forgets it all at restart. */
export class PartnerBook {
  private readonly transactions = new Map<string, QuotedTransaction>();
  private readonly orders = new Map<string, SandboxOrder>();

  rememberQuotes(transactionId: string, quotes: QuotedOption[]): void {
    this.transactions.set(transactionId, { quotes });
  }

  transaction(transactionId: string): QuotedTransaction | undefined {
    return this.transactions.get(transactionId);
  }

  addOrder(order: SandboxOrder): void {
    this.orders.set(orderKey(order.context.transaction_id, order.id), order);
  }

  order(transactionId: string, orderId: string): SandboxOrder | undefined {
    return this.orders.get(orderKey(transactionId, orderId));
  }
}

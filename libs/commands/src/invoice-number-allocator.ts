import { Inject, Injectable } from '@nestjs/common';
import {
  InvoiceNumberReservationEvent,
  NumberSeriesEvent,
  NumberSeriesKind,
  RECENT_ALLOCATIONS,
  creditNoteSeriesStream,
  decideNextNumber,
  evolveNumberSeries,
  initialNumberSeriesState,
  invoiceNumberReservationStream,
  invoiceNumberTaken,
  invoiceSeriesStream,
  unusedAllocationOf,
  validateCustomInvoiceNumber,
} from '@fulfil/domain';
import { EventStore, JsonObject, StreamRevisionConflictError } from '@fulfil/event-store';
import type { EventMetadata } from '@fulfil/domain';
import { handleCommand } from './handle-command';
import { EVENT_STORE } from './tokens';

// A series' state is its latest allocations, so loading it reads only those, however many numbers the year has issued.
const seriesDecider = { initialState: initialNumberSeriesState, evolve: evolveNumberSeries, latestEvents: RECENT_ALLOCATIONS };
const MAX_SKIPS = 1000;

export interface NumberRequest {
  sellerId: string;
  orderId: string;
  financialYear: string;
  prefix: string;
  now: Date;
  metadata: EventMetadata;
  /** Numbers of this series the order already holds (earlier revisions, credit notes): never handed back to it. */
  held: readonly string[];
}

/**
 * Invoice numbers are unique per seller and financial year. The series stream hands out
 * sequences; a reservation stream per number (appended expecting no stream) is what makes a
 * number unique, so custom numbers typed by sellers and sequential ones can never collide.
 */
@Injectable()
export class InvoiceNumberAllocator {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Reserves a number the seller typed; a repeat for the same order reuses its reservation. */
  async reserveCustom(request: NumberRequest & { invoiceNumber: string }): Promise<string> {
    validateCustomInvoiceNumber(request.invoiceNumber);
    const reserved = await this.reserve(request, request.invoiceNumber, 'custom');
    if (!reserved) throw invoiceNumberTaken(request.invoiceNumber, request.financialYear);
    return request.invoiceNumber;
  }

  /**
   * Takes the next free number of the seller's invoice series, skipping numbers already reserved by
   * hand; a number this order was given by an attempt that failed before recording the invoice is
   * given back instead, so a crash leaves no gap.
   */
  async nextInvoiceNumber(request: NumberRequest): Promise<string> {
    const notThese = new Set(request.held);
    for (let skipped = 0; skipped < MAX_SKIPS; skipped++) {
      const number = await this.allocate(request, 'invoice', invoiceSeriesStream(request.sellerId, request.financialYear), notThese);
      if (await this.reserve(request, number, 'sequence')) return number;
      notThese.add(number);
    }
    throw invoiceNumberTaken(`${request.prefix}…`, request.financialYear);
  }

  /** Credit notes have their own series, so their numbers are unique by the series alone. */
  nextCreditNoteNumber(request: NumberRequest): Promise<string> {
    return this.allocate(request, 'credit-note', creditNoteSeriesStream(request.sellerId, request.financialYear), new Set(request.held));
  }

  private async allocate(request: NumberRequest, kind: NumberSeriesKind, stream: string, notThese: ReadonlySet<string>): Promise<string> {
    const result = await handleCommand<ReturnType<typeof initialNumberSeriesState>, NumberSeriesEvent>(
      this.store,
      stream,
      seriesDecider,
      (state) => (unusedAllocationOf(state, request.orderId, notThese) ? [] : [decideNextNumber(state, { ...request, kind })]),
      // Two orders invoicing at once both retry until each holds its own sequence.
      { metadata: request.metadata, retryOnConflict: true, maxAttempts: 50 },
    );
    const number = result.events[0]?.data.number ?? unusedAllocationOf(result.state, request.orderId, notThese);
    if (!number) throw new Error(`No ${kind} number was allocated`);
    return number;
  }

  /** True when the number is now reserved for this order (freshly or by an earlier attempt). */
  private async reserve(request: NumberRequest, invoiceNumber: string, source: 'sequence' | 'custom'): Promise<boolean> {
    const stream = invoiceNumberReservationStream(request.sellerId, request.financialYear, invoiceNumber);
    const event: InvoiceNumberReservationEvent = {
      type: 'InvoiceNumberReserved',
      data: { sellerId: request.sellerId, financialYear: request.financialYear, invoiceNumber, orderId: request.orderId, source, reservedAt: request.now.toISOString() },
    };
    try {
      await this.store.append(stream, [{ type: event.type, data: event.data as unknown as JsonObject, metadata: request.metadata as unknown as JsonObject }], {
        expectedRevision: 'no_stream',
      });
      return true;
    } catch (error) {
      if (!(error instanceof StreamRevisionConflictError)) throw error;
      const [existing] = await this.store.readStream(stream, { maxCount: 1 });
      return existing?.data['orderId'] === request.orderId;
    }
  }
}

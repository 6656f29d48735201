import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, RegisteredSeller, SellerEvent, evolveSeller, initialSellerState, sellerStream } from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import { loadStream } from './handle-command';
import { EVENT_STORE } from './tokens';

export const sellerDecider = { initialState: initialSellerState, evolve: evolveSeller };

/** Reads a seller's current profile and settings from its stream. */
@Injectable()
export class SellerReader {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async find(sellerId: string): Promise<RegisteredSeller | undefined> {
    const { state } = await loadStream<ReturnType<typeof initialSellerState>, SellerEvent>(this.store, sellerStream(sellerId), sellerDecider);
    if (state.status !== 'registered') return undefined;
    return { sellerId: state.sellerId, profile: state.profile, settings: state.settings, ...(state.pendingWhatsAppNumber ? { pendingWhatsAppNumber: state.pendingWhatsAppNumber } : {}) };
  }

  async get(sellerId: string): Promise<RegisteredSeller> {
    const seller = await this.find(sellerId);
    if (!seller) throw new NotFoundError('SELLER_NOT_FOUND', `Seller ${sellerId} is not registered`);
    return seller;
  }
}

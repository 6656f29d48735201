import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  DeliveryOtpGenerator,
  EventMetadata,
  SellerCommand,
  SellerContext,
  SellerEvent,
  SellerState,
  WhatsAppNumberClaim,
  WhatsAppNumberClaimEvent,
  decideClaimWhatsAppNumber,
  decideReleaseWhatsAppNumber,
  decideSeller,
  evolveWhatsAppNumberClaim,
  initialWhatsAppNumberClaim,
  isWhatsAppNumber,
  sellerStream,
  whatsappCodeRefusalRecordedIn,
  whatsappNumberStream,
} from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import { eventMetadata } from './command-meta';
import { COMMAND_OBSERVER, CommandObserver, observed } from './command-observer';
import type { CommandOutcome } from './command-outcome';
import { handleCommand, isRepeatOf, loadStream } from './handle-command';
import { SellerCommandMessage } from './order-command-messages';
import { sellerDecider } from './seller-reader';
import { CLOCK, Clock, DELIVERY_OTP, EVENT_STORE } from './tokens';

const claimDecider = { initialState: initialWhatsAppNumberClaim, evolve: evolveWhatsAppNumberClaim };

@CommandHandler(SellerCommandMessage)
export class SellerCommandHandler implements ICommandHandler<SellerCommandMessage, CommandOutcome<SellerState>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(COMMAND_OBSERVER) private readonly observer: CommandObserver,
    @Inject(DELIVERY_OTP) private readonly codes: DeliveryOtpGenerator,
  ) {}

  execute(message: SellerCommandMessage): Promise<CommandOutcome<SellerState>> {
    return observed(this.observer, message.command.type, () => this.decideAndAppend(message));
  }

  private async decideAndAppend({ command, meta }: SellerCommandMessage): Promise<CommandOutcome<SellerState>> {
    const metadata = eventMetadata(meta);
    const now = this.clock.now();
    const loaded = await loadStream<SellerState, SellerEvent>(this.store, sellerStream(command.sellerId), sellerDecider);
    const number = numberNamedBy(command, loaded.state);
    const context: SellerContext = {
      now,
      whatsappCodes: { matches: (ref, candidate) => this.codes.whatsappNumberCodeMatches(ref, candidate) },
      ...(number ? await this.holderOf(number) : {}),
    };
    // The number is claimed before the seller's stream says it is verified, so a claim lost to another seller verifies nothing.
    const verified = command.type === 'ConfirmSellerWhatsAppNumber' && !isRepeatOf(loaded, metadata) ? verifiedNumberIn(decideSeller(command, loaded.state, context)) : undefined;
    if (verified) {
      await this.onClaimStream(verified, metadata, (claim) => decideClaimWhatsAppNumber(claim, { number: verified, sellerId: command.sellerId, now }));
      context.whatsappNumberHolder = command.sellerId;
    }
    const result = await handleCommand<SellerState, SellerEvent>(this.store, sellerStream(command.sellerId), sellerDecider, (state) => decideSeller(command, state, context), {
      metadata,
      retryOnConflict: command.type !== 'RegisterSeller',
    });
    const refusal = whatsappCodeRefusalRecordedIn(result.events);
    if (refusal) throw refusal;
    const previous = loaded.state.status === 'registered' ? loaded.state.settings.whatsappNumber : undefined;
    if (verified && !result.replayed && previous && previous !== verified) {
      await this.onClaimStream(previous, metadata, (claim) => decideReleaseWhatsAppNumber(claim, { number: previous, sellerId: command.sellerId, now }));
    }
    return { eventTypes: result.events.map((e) => e.type), position: result.position, revision: result.revision, replayed: result.replayed, state: result.state };
  }

  private async holderOf(number: string): Promise<Pick<SellerContext, 'whatsappNumberHolder'>> {
    const { state } = await loadStream<WhatsAppNumberClaim, WhatsAppNumberClaimEvent>(this.store, whatsappNumberStream(number), claimDecider);
    return state.holder ? { whatsappNumberHolder: state.holder } : {};
  }

  private async onClaimStream(number: string, metadata: EventMetadata, decide: (claim: WhatsAppNumberClaim) => WhatsAppNumberClaimEvent[]): Promise<void> {
    // The idempotency key belongs to the seller's stream, where a repeat is recognised.
    const { idempotencyKey: _key, ...claimMetadata } = metadata;
    await handleCommand(this.store, whatsappNumberStream(number), claimDecider, decide, { metadata: claimMetadata, retryOnConflict: true });
  }
}

/** The WhatsApp number a command would set (or confirm), whose claim decides whether it may. */
function numberNamedBy(command: SellerCommand, state: SellerState): string | undefined {
  if (command.type === 'RegisterSeller' || command.type === 'ChangeSellerSettings') {
    return isWhatsAppNumber(command.settings.whatsappNumber) ? command.settings.whatsappNumber : undefined;
  }
  if (command.type === 'ConfirmSellerWhatsAppNumber' && state.status === 'registered') return state.pendingWhatsAppNumber?.number;
  return undefined;
}

function verifiedNumberIn(events: SellerEvent[]): string | undefined {
  const verified = events.find((e) => e.type === 'SellerWhatsAppNumberVerified');
  return verified?.type === 'SellerWhatsAppNumberVerified' ? verified.data.number : undefined;
}

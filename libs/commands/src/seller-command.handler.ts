import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SellerEvent, SellerState, decideSeller, sellerStream } from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import { eventMetadata } from './command-meta';
import { COMMAND_OBSERVER, CommandObserver, observed } from './command-observer';
import type { CommandOutcome } from './command-outcome';
import { handleCommand } from './handle-command';
import { SellerCommandMessage } from './order-command-messages';
import { sellerDecider } from './seller-reader';
import { CLOCK, Clock, EVENT_STORE } from './tokens';

@CommandHandler(SellerCommandMessage)
export class SellerCommandHandler implements ICommandHandler<SellerCommandMessage, CommandOutcome<SellerState>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(COMMAND_OBSERVER) private readonly observer: CommandObserver,
  ) {}

  execute(message: SellerCommandMessage): Promise<CommandOutcome<SellerState>> {
    return observed(this.observer, message.command.type, () => this.decideAndAppend(message));
  }

  private async decideAndAppend({ command, meta }: SellerCommandMessage): Promise<CommandOutcome<SellerState>> {
    const result = await handleCommand<SellerState, SellerEvent>(
      this.store,
      sellerStream(command.sellerId),
      sellerDecider,
      (state) => decideSeller(command, state, { now: this.clock.now() }),
      { metadata: eventMetadata(meta), retryOnConflict: command.type !== 'RegisterSeller' },
    );
    return { eventTypes: result.events.map((e) => e.type), position: result.position, revision: result.revision, replayed: result.replayed, state: result.state };
  }
}

import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IssueCommand, IssueEvent, IssueState, decideIssue, evolveIssue, initialIssueState, issueStream, orderStream } from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import { eventMetadata } from './command-meta';
import type { CommandMeta } from './command-meta';
import { COMMAND_OBSERVER, CommandObserver, observed } from './command-observer';
import type { CommandOutcome } from './command-outcome';
import { handleCommand, loadStream } from './handle-command';
import { orderDecider } from './order-command.handler';
import { CLOCK, Clock, EVENT_STORE } from './tokens';

export const issueDecider = { initialState: initialIssueState, evolve: evolveIssue };

/** A command on a shipment issue's stream (raised by the seller, answered by the partner through the ONDC adapter). */
export class IssueCommandMessage {
  constructor(
    readonly command: IssueCommand,
    readonly meta: CommandMeta,
  ) {}
}

@CommandHandler(IssueCommandMessage)
export class IssueCommandHandler implements ICommandHandler<IssueCommandMessage, CommandOutcome<IssueState>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(COMMAND_OBSERVER) private readonly observer: CommandObserver,
  ) {}

  execute(message: IssueCommandMessage): Promise<CommandOutcome<IssueState>> {
    return observed(this.observer, message.command.type, () => this.decideAndAppend(message));
  }

  private async decideAndAppend({ command, meta }: IssueCommandMessage): Promise<CommandOutcome<IssueState>> {
    // Raising names the partner the shipment has now: read from the seller's own order stream, so another seller's order is simply not there.
    const order = command.type === 'RaiseIssue' ? (await loadStream(this.store, orderStream(command.sellerId, command.orderId), orderDecider)).state : undefined;
    const now = this.clock.now();
    const result = await handleCommand<IssueState, IssueEvent>(this.store, issueStream(command.sellerId, command.issueId), issueDecider, (state) => decideIssue(command, state, { now, ...(order ? { order } : {}) }), {
      metadata: eventMetadata(meta),
      retryOnConflict: command.type !== 'RaiseIssue',
      assumeNewStream: command.type === 'RaiseIssue',
    });
    return { eventTypes: result.events.map((e) => e.type), position: result.position, revision: result.revision, replayed: result.replayed, state: result.state };
  }
}

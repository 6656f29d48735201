import { randomBytes } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { CommandSideModule, DELIVERY_OTP, SellerCommandMessage, type CommandMeta, type CommandOutcome } from '@fulfil/commands';
import type { DeliveryOtpGenerator, SellerProfile } from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import { OrderQueries, ProjectionStatus, READ_MODELS, ReadModelsModule, type ReadModels } from '@fulfil/read-models';
import { freshId, sellerProfile } from '../../support/fixtures';
import type { ReadModelEnvironment } from './read-model-environments';

/** Time the tests move by hand, shared by the command side (event timestamps) and the dashboard ("now"). */
export class TestClock {
  private at: number;

  constructor(start: string) {
    this.at = Date.parse(start);
  }

  now(): Date {
    return new Date(this.at);
  }

  advance(minutes: number): void {
    this.at += minutes * 60_000;
  }
}

export interface CommandHarness {
  bus: CommandBus;
  queries: OrderQueries;
  status: ProjectionStatus;
  readModels: ReadModels;
  otp: DeliveryOtpGenerator;
  clock: TestClock;
  /** Runs a command and waits until every read model has applied what it wrote. */
  run(command: object): Promise<CommandOutcome>;
  /** Runs a command the domain refuses after recording the refusal (a wrong OTP), and waits for the read models. */
  refused(command: object): Promise<unknown>;
  /** Registers a seller, by default the Karnataka one of the fixtures. */
  newSeller(profile?: SellerProfile): Promise<string>;
  close(): Promise<void>;
}

export const asSeller = (sellerId: string): CommandMeta => ({ actor: { type: 'seller', id: sellerId }, channel: 'api' });
export const asPartner: CommandMeta = { actor: { type: 'ondc-logistics', id: 'ondc-adapter' }, channel: 'ondc' };

/** The environment's store, lent to the command side, which would otherwise close it on shutdown. */
function lent(store: EventStore): EventStore {
  return {
    append: (...args) => store.append(...args),
    readStream: (...args) => store.readStream(...args),
    readAll: (...args) => store.readAll(...args),
    countAll: (...args) => store.countAll(...args),
    subscribe: (...args) => store.subscribe(...args),
    headPosition: () => store.headPosition(),
    renameStreams: (...args) => store.renameStreams(...args),
    ping: () => store.ping(),
    close: async () => undefined,
  };
}

/** The real command side and the read-models module in one Nest context, as the engine hosts them. */
export async function startCommandHarness(env: ReadModelEnvironment): Promise<CommandHarness> {
  const clock = new TestClock('2026-06-01T04:30:00.000Z');
  const moduleRef = await Test.createTestingModule({
    imports: [
      CommandSideModule.forRoot({ eventStore: async () => lent(env.store), deliveryOtpSecret: randomBytes(32), clock }),
      ReadModelsModule.forRoot({ database: env.database, tuning: { retryDelayMs: 5 }, clock: () => clock.now() }),
    ],
  }).compile();
  await moduleRef.init();
  const bus = moduleRef.get(CommandBus);
  const execute = (command: object): Promise<CommandOutcome> => bus.execute<object, CommandOutcome>(command);
  const status = moduleRef.get(ProjectionStatus);
  const settle = async () => {
    if (!(await status.waitForPosition(await env.store.headPosition(), 20_000))) throw new Error('Read models did not catch up');
  };
  return {
    bus,
    queries: moduleRef.get(OrderQueries),
    status,
    readModels: moduleRef.get<ReadModels>(READ_MODELS),
    otp: moduleRef.get(DELIVERY_OTP),
    clock,
    async run(command) {
      clock.advance(7);
      const outcome = await execute(command);
      if (outcome.position !== undefined && !(await status.waitForPosition(outcome.position, 20_000))) throw new Error('Read models did not catch up');
      return outcome;
    },
    async refused(command) {
      clock.advance(1);
      const error = await execute(command).then(
        () => undefined,
        (refusal: unknown) => refusal,
      );
      await settle();
      return error;
    },
    async newSeller(profile = sellerProfile()) {
      const sellerId = freshId('slr');
      await bus.execute(
        new SellerCommandMessage(
          { type: 'RegisterSeller', sellerId, profile, settings: { invoicePrefix: 'INV/' } },
          { actor: { type: 'platform', id: 'test' }, channel: 'api' },
        ),
      );
      return sellerId;
    },
    close: () => moduleRef.close(),
  };
}

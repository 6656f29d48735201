import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DEFAULT_DELIVERY_OTP_POLICY, DeliveryOtpGenerator, DeliveryOtpPolicy } from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import { COMMAND_OBSERVER, CommandObserver, ignoreCommands } from './command-observer';
import { InvoiceNumberAllocator } from './invoice-number-allocator';
import { CancelOrderHandler, GenerateInvoiceHandler, ReceiveReturnHandler, RegenerateInvoiceHandler } from './invoice-command.handlers';
import { ORDER_USE_CASE_HANDLERS, OrderCommandExecutor } from './order-command.handler';
import { IssueCommandHandler } from './issue-command.handler';
import { SellerCommandHandler } from './seller-command.handler';
import { AutomaticStepsReaction } from './reactions/automatic-steps.reaction';
import { PackagedPincodeDirectory, PincodeDirectory } from './pincode-directory';
import { SellerReader } from './seller-reader';
import { CLOCK, Clock, DELIVERY_OTP, DELIVERY_OTP_POLICY, DOCUMENT_HASHES, DocumentHashes, EVENT_STORE, PINCODE_DIRECTORY, noDocumentHashes, systemClock } from './tokens';

export interface CommandSideOptions {
  /** Opened by the host app (embedded, PostgreSQL or EventStoreDB); closed when the app shuts down. */
  eventStore: () => Promise<EventStore>;
  deliveryOtpSecret: Buffer;
  deliveryOtpPolicy?: DeliveryOtpPolicy;
  clock?: Clock;
  observer?: CommandObserver;
  /** Records each document's content hash in the event that creates it. */
  documents?: DocumentHashes;
  /** Locates PIN codes for on-network addresses without GPS; the packaged India table by default. */
  pincodes?: PincodeDirectory;
}

/** Closes the `EVENT_STORE` the host opened when the app shuts down; for any module that provides one. */
export class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** The write side: the event store, the clock, and every command handler on the CommandBus. */
@Global()
@Module({})
export class CommandSideModule {
  static forRoot(options: CommandSideOptions): DynamicModule {
    return {
      module: CommandSideModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: EVENT_STORE, useFactory: options.eventStore },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        { provide: COMMAND_OBSERVER, useValue: options.observer ?? ignoreCommands },
        { provide: DOCUMENT_HASHES, useValue: options.documents ?? noDocumentHashes },
        { provide: PINCODE_DIRECTORY, useValue: options.pincodes ?? new PackagedPincodeDirectory() },
        { provide: DELIVERY_OTP, useValue: new DeliveryOtpGenerator(options.deliveryOtpSecret) },
        { provide: DELIVERY_OTP_POLICY, useValue: options.deliveryOtpPolicy ?? DEFAULT_DELIVERY_OTP_POLICY },
        EventStoreLifecycle,
        SellerReader,
        InvoiceNumberAllocator,
        OrderCommandExecutor,
        ...ORDER_USE_CASE_HANDLERS,
        GenerateInvoiceHandler,
        RegenerateInvoiceHandler,
        CancelOrderHandler,
        ReceiveReturnHandler,
        SellerCommandHandler,
        IssueCommandHandler,
        AutomaticStepsReaction,
      ],
      exports: [EVENT_STORE, CLOCK, DELIVERY_OTP, DELIVERY_OTP_POLICY, SellerReader, AutomaticStepsReaction, CqrsModule],
    };
  }
}

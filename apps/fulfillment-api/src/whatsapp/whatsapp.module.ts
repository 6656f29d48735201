import { DynamicModule, Logger, Module, type Provider } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DELIVERY_OTP, EVENT_STORE, IssueCommandMessage, SellerReader } from '@fulfil/commands';
import type { DeliveryOtpGenerator } from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import type { EngineMetrics } from '@fulfil/platform';
import type { Hosted } from '@fulfil/read-models';
import {
  CloudApiClient,
  MessageResolver,
  SandboxSink,
  WhatsAppInbox,
  WhatsAppMetrics,
  WhatsAppNotifier,
  WhatsAppSender,
  commandMessageFor,
  whatsAppNotificationsReaction,
  whatsAppMessagesProjection,
  whatsAppNumberCodesReaction,
  type WhatsAppApi,
  type WhatsAppChannel,
  type WhatsAppConfig,
} from '@fulfil/whatsapp';
import { ImageStore } from '../uploads/image-store';
import { WhatsAppOutboxController } from './whatsapp-outbox.controller';
import { WhatsAppWebhookController } from './whatsapp-webhook.controller';
import { SANDBOX_SINK, WHATSAPP_CONFIG, WHATSAPP_REACTIONS } from './whatsapp.tokens';

export interface WhatsAppModuleOptions {
  config: WhatsAppConfig;
  /** Photos sellers send are stored beside API uploads. */
  uploadsDir: string;
  metrics: EngineMetrics;
}

function channelOf(channel: WhatsAppChannel): { api: WhatsAppApi; sink?: SandboxSink } {
  if (channel.kind === 'cloud') return { api: new CloudApiClient(channel) };
  const sink = new SandboxSink(channel.directory, { redactSecrets: channel.redactSecrets });
  return { api: sink, sink };
}

/**
 * The WhatsApp channel: the webhook, the notifications (a reaction the read-model runner drives),
 * the sender queue, and with the sandbox sink the admin outbox. Needs the command side in the app.
 */
@Module({})
export class WhatsAppModule {
  static forRoot(options: WhatsAppModuleOptions): DynamicModule {
    const { config } = options;
    const logger = new Logger('WhatsApp');
    const { api, sink } = channelOf(config.channel);
    const metrics = new WhatsAppMetrics(options.metrics.registry);
    const images = new ImageStore(options.uploadsDir);
    const providers: Provider[] = [
      { provide: WHATSAPP_CONFIG, useValue: config },
      {
        provide: WhatsAppInbox,
        inject: [EVENT_STORE, SellerReader, CommandBus],
        useFactory: (store: EventStore, sellers: SellerReader, commands: CommandBus) =>
          new WhatsAppInbox({
            store,
            api,
            findSeller: (sellerId) => sellers.find(sellerId),
            execute: (command, scope, meta) => commands.execute(commandMessageFor(command, scope, meta) as never),
            executeIssue: (command, meta) => commands.execute(new IssueCommandMessage(command, meta)),
            saveImage: (content) => images.save(content),
            tuning: config.sender,
            logger,
            ...(config.channel.kind === 'cloud' ? { phoneNumberId: config.channel.phoneNumberId } : {}),
          }),
      },
      {
        provide: WhatsAppSender,
        inject: [EVENT_STORE, DELIVERY_OTP],
        useFactory: (store: EventStore, otp: DeliveryOtpGenerator) => {
          const resolver = new MessageResolver(store, otp, config.templates);
          return new WhatsAppSender({ store, api, resolve: (queued, client) => resolver.resolve(queued, client), tuning: config.sender, logger, onResult: (result, purpose) => metrics.record(result, purpose) });
        },
      },
      {
        provide: WHATSAPP_REACTIONS,
        inject: [EVENT_STORE, SellerReader, WhatsAppSender],
        useFactory: (store: EventStore, sellers: SellerReader, sender: WhatsAppSender): Hosted[] => [
          whatsAppNotificationsReaction(new WhatsAppNotifier({ store, findSeller: (sellerId) => sellers.find(sellerId), defaultCountryCode: config.defaultCountryCode })),
          whatsAppNumberCodesReaction(store),
          whatsAppMessagesProjection,
          // One sender across the instances: the outbox is sent from one place, in queue order.
          { kind: 'worker', name: 'whatsapp-sender', start: () => sender.start(), stop: () => sender.stop() },
        ],
      },
      ...(sink ? [{ provide: SANDBOX_SINK, useValue: sink }] : []),
    ];
    return {
      module: WhatsAppModule,
      // The admin outbox exists only while messages go to the sandbox sink.
      controllers: [WhatsAppWebhookController, ...(sink ? [WhatsAppOutboxController] : [])],
      providers,
      exports: [WHATSAPP_REACTIONS, WHATSAPP_CONFIG],
    };
  }
}

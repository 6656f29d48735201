import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE } from '@fulfil/commands';
import type { EventStore } from '@fulfil/event-store';
import { SandboxSink, loadOutboxEntry, sentMessageStream } from '@fulfil/whatsapp';
import { PlatformRoute } from '../auth/auth.decorators';
import { OutboxQueryDto } from './outbox-query.dto';
import { SANDBOX_SINK } from './whatsapp.tokens';

/** The sandbox's sent messages (to sellers and buyers), with what WhatsApp reported about each. */
@ApiTags('admin')
@ApiBearerAuth()
@PlatformRoute()
@Controller('v1/admin/outbox')
export class WhatsAppOutboxController {
  constructor(
    @Inject(SANDBOX_SINK) private readonly sink: SandboxSink,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Messages the engine sent through the sandbox WhatsApp sink, newest first (exists only with the sandbox sink)' })
  async list(@Query() query: OutboxQueryDto) {
    const messages = this.sink.list(query.recipient).slice(0, query.limit ?? 100);
    return {
      messages: await Promise.all(
        messages.map(async (message) => {
          const index = await this.store.readStream(sentMessageStream(message.id), { maxCount: 1 });
          const outboxId = index[0]?.data['outboxId'];
          const { entry } = typeof outboxId === 'string' ? await loadOutboxEntry(this.store, outboxId) : { entry: undefined };
          return {
            ...message,
            ...(entry ? { purpose: entry.purpose, orderId: entry.orderId, delivery: entry.phase, statuses: entry.statuses, ...(entry.lastError ? { error: entry.lastError } : {}) } : {}),
          };
        }),
      ),
    };
  }
}

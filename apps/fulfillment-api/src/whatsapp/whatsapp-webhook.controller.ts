import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemError, problem } from '@fulfil/platform';
import { SIGNATURE_HEADER, WhatsAppInbox, handshakeChallenge, readWebhookDelivery, webhookSignatureValid, type DeliveryReport, type WhatsAppConfig } from '@fulfil/whatsapp';
import { PublicRoute } from '../auth/auth.decorators';
import { WHATSAPP_CONFIG } from './whatsapp.tokens';

interface WebhookRequest {
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  /** The body's bytes as received; kept by the app's raw-body option for exactly this check. */
  rawBody?: Buffer;
}

interface TextReply {
  header(name: string, value: string): TextReply;
}

/** Meta's webhook: the subscription handshake and signed deliveries of messages and statuses. */
@ApiTags('whatsapp')
@PublicRoute()
@Controller('webhooks/whatsapp')
export class WhatsAppWebhookController {
  constructor(
    @Inject(WHATSAPP_CONFIG) private readonly config: WhatsAppConfig,
    private readonly inbox: WhatsAppInbox,
  ) {}

  @Get()
  @ApiOperation({ summary: "Meta's subscription handshake: echoes hub.challenge when hub.verify_token matches" })
  handshake(@Req() request: WebhookRequest, @Res({ passthrough: true }) reply: TextReply): string {
    const challenge = handshakeChallenge(request.query, this.config.verifyToken);
    if (challenge === undefined) throw new ProblemError(problem(403, 'WEBHOOK_VERIFICATION_FAILED', 'Forbidden', 'The verify token does not match'));
    reply.header('content-type', 'text/plain; charset=utf-8');
    return challenge;
  }

  @Post()
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async receive(@Req() request: WebhookRequest): Promise<DeliveryReport> {
    const header = request.headers[SIGNATURE_HEADER];
    if (!webhookSignatureValid(request.rawBody, Array.isArray(header) ? header[0] : header, this.config.appSecret)) {
      throw new ProblemError(problem(401, 'WEBHOOK_SIGNATURE_INVALID', 'Unauthorized', `The ${SIGNATURE_HEADER} header is missing or does not match the body`));
    }
    // A failure here answers 500, and Meta delivers again: handling is idempotent per message id.
    return this.inbox.receive(readWebhookDelivery(request.body));
  }
}

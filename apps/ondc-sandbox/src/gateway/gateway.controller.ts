import { Controller, HttpCode, Logger, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AUTHORIZATION_HEADER, GATEWAY_AUTHORIZATION_HEADER, OndcHttpClient, ack, actionUrl } from '@fulfil/ondc';
import { GATEWAY_CODES, RawBodyRequest, admitRequest, rawBodyOf, send } from '../inbound';
import { SandboxNetwork } from '../network';
import { SandboxClock } from '../sandbox-clock';
import { SANDBOX_HTTP_RETRY, SANDBOX_HTTP_TIMEOUT_MS } from '../sandbox-http';

/**
 * The gateway: checks the buyer's signature on a search, ACKs, then relays the search (the very
 * bytes, with the buyer's signature) to every partner registered for the domain, adding its own
 * signature in X-Gateway-Authorization. Partners answer the buyer directly.
 */
@Controller('gateway')
export class GatewayController {
  private readonly logger = new Logger('OndcSandboxGateway');
  private readonly relay: OndcHttpClient;

  constructor(
    private readonly network: SandboxNetwork,
    private readonly clock: SandboxClock,
  ) {
    this.relay = new OndcHttpClient({
      signer: network.signerOf(network.gateway),
      signatureHeader: GATEWAY_AUTHORIZATION_HEADER,
      retry: SANDBOX_HTTP_RETRY,
      timeoutMs: SANDBOX_HTTP_TIMEOUT_MS,
    });
  }

  @Post('search')
  @HttpCode(200)
  async search(@Req() request: RawBodyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const admitted = await admitRequest(this.network, request, 'search', GATEWAY_CODES, { viaGateway: false });
    if (!admitted.ok) return send(reply, admitted.status, admitted.body);
    const raw = rawBodyOf(request);
    const buyerSignature = String(request.headers[AUTHORIZATION_HEADER]);
    const partners = this.network.lookup({ type: 'BPP', domain: admitted.message.context.domain, city: admitted.message.context.city });
    this.clock.after(0, async () => {
      await Promise.all(
        partners.map(async (partner) => {
          const outcome = await this.relay.deliver(actionUrl(partner.subscriber_url, 'search'), raw, { [AUTHORIZATION_HEADER]: buyerSignature });
          if (outcome.outcome !== 'ack') this.logger.warn(`search not taken by ${partner.subscriber_id}: ${JSON.stringify(outcome)}`);
        }),
      );
    });
    return ack();
  }
}

import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ONDC_ERRORS, isRequestAction, nack } from '@fulfil/ondc';
import { PARTNER_CODES, RawBodyRequest, admitRequest, send } from '../inbound';
import { SandboxNetwork } from '../network';
import { isPartnerName } from '../sandbox-options';
import { PartnerDesk } from './partner-desk';

/** `/partners/{name}/{action}`: each partner's bpp_uri is `/partners/{name}`. */
@Controller('partners')
export class PartnerController {
  constructor(
    private readonly network: SandboxNetwork,
    private readonly desk: PartnerDesk,
  ) {}

  @Post(':name/:action')
  @HttpCode(200)
  async receive(
    @Param('name') name: string,
    @Param('action') action: string,
    @Req() request: RawBodyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const partner = isPartnerName(name) ? this.network.partners.get(name) : undefined;
    if (!partner || !isRequestAction(action)) {
      return send(reply, 404, nack('CONTEXT-ERROR', ONDC_ERRORS.LSP_INVALID_REQUEST, `no partner "${name}" taking /${action} here`));
    }
    // Searches reach partners only through the gateway, which adds its own signature.
    const admitted = await admitRequest(this.network, request, action, PARTNER_CODES, { viaGateway: action === 'search' });
    if (!admitted.ok) return send(reply, admitted.status, admitted.body);
    const answer = this.desk.handle(partner, action, admitted.message);
    return send(reply, answer.status, answer.body);
  }
}

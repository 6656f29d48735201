import { Controller, HttpCode, Inject, Param, Post, Req, Res, SetMetadata } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { nackForHttpRefusal } from '@fulfil/ondc';
import { AUDIENCE_METADATA, type Audience } from '@fulfil/platform';
import { CallbackIntake } from './callback-intake';

export const CALLBACK_INTAKE = Symbol('CALLBACK_INTAKE');

/** Nest keeps the bytes as received when the app is created with `rawBody: true` (createHttpApp does). */
type RawBodyRequest = FastifyRequest & { rawBody?: Buffer };

/**
 * The route metadata the fulfilment API's API-key guard reads for public routes. ONDC routes
 * authenticate with signatures instead, so hosts let them through with it (the sandbox's routes too).
 */
export const PUBLIC_ROUTE_METADATA = { key: AUDIENCE_METADATA, value: 'public' satisfies Audience } as const;

const SignedByPartners = (): ClassDecorator => SetMetadata(PUBLIC_ROUTE_METADATA.key, PUBLIC_ROUTE_METADATA.value);

/** `POST /ondc/on_search` … `/ondc/on_cancel`: the bap_uri partners call back. Not part of the seller API. */
@ApiExcludeController()
@SignedByPartners()
@Controller('ondc')
export class OndcCallbacksController {
  constructor(@Inject(CALLBACK_INTAKE) private readonly intake: CallbackIntake) {}

  @Post(':action')
  @HttpCode(200)
  async receive(@Param('action') action: string, @Req() request: RawBodyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    // Only JSON bodies are kept raw: anything else came with another media type, or none.
    if (!request.rawBody) {
      void reply.status(415);
      return nackForHttpRefusal(415, 'the body must be application/json');
    }
    const verdict = await this.intake.receive({ action, rawBody: request.rawBody, headers: request.headers });
    void reply.status(verdict.httpStatus);
    return verdict.response;
  }
}

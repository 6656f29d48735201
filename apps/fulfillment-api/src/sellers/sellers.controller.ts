import { Body, Controller, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandMeta, CommandOutcome, SellerCommandMessage, SellerReader } from '@fulfil/commands';
import { RegisteredSeller, SellerState } from '@fulfil/domain';
import { issueApiKey } from '../auth/api-key';
import { ApiKeyCache } from '../auth/api-key-cache';
import { CurrentSeller, PlatformRoute, SellerIdentity } from '../auth/auth.decorators';
import { ApiRequest, newId, sellerMeta, written } from '../command-request';
import { SellerIdParam } from '../orders/route-params';
import { ConfirmWhatsAppNumberDto, CreateSellerDto, UpdateSellerDto } from './seller.dto';

const PLATFORM = { type: 'platform', id: 'platform' } as const;

const platformMeta = (request: ApiRequest): CommandMeta => ({
  actor: PLATFORM,
  channel: 'api',
  ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
});

/** A WhatsApp number set but not confirmed is shown apart from the settings: it is not used until confirmed. */
const sellerView = (seller: RegisteredSeller) => ({
  sellerId: seller.sellerId,
  profile: seller.profile,
  settings: seller.settings,
  ...(seller.pendingWhatsAppNumber ? { pendingWhatsAppNumber: { number: seller.pendingWhatsAppNumber.number, expiresAt: seller.pendingWhatsAppNumber.expiresAt } } : {}),
});

@ApiTags('sellers')
@ApiBearerAuth()
@Controller('v1')
export class SellersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly sellers: SellerReader,
    private readonly keys: ApiKeyCache,
  ) {}

  private run(message: SellerCommandMessage): Promise<CommandOutcome<SellerState>> {
    return this.commands.execute(message);
  }

  @Post('sellers')
  @PlatformRoute()
  @ApiOperation({
    summary: 'Create a seller (platform key); the response holds its API key, shown only this once',
    description: 'Repeated with the same Idempotency-Key and body (its answer lost), it answers a new key for the same seller and revokes the one nobody saw.',
  })
  async create(@Body() body: CreateSellerDto, @Req() request: ApiRequest) {
    const sellerId = body.sellerId ?? newId('slr', request, { sellerId: 'platform', keyId: 'platform' }, 'seller');
    const meta = platformMeta(request);
    const registered = await this.run(new SellerCommandMessage({ type: 'RegisterSeller', sellerId, profile: body.profile, settings: body.settings ?? {} }, meta));
    // A repeat of the registration: the key issued the first time went out in an answer the caller lost.
    return this.withNewKey(sellerId, registered.replayed ? 'RotateSellerApiKey' : 'IssueSellerApiKey');
  }

  @Post('sellers/:sellerId/api-keys')
  @PlatformRoute()
  @HttpCode(201)
  @ApiOperation({ summary: "Rotate a seller's API key (platform key): every key it had is revoked; the new one is shown only this once" })
  async rotateKey(@Param() { sellerId }: SellerIdParam) {
    await this.sellers.get(sellerId);
    return this.withNewKey(sellerId, 'RotateSellerApiKey');
  }

  /**
   * Never under the request's idempotency key: the secret is not kept, so a repeat must not be
   * answered with the first attempt's events but issue (and show) a key of its own.
   */
  private async withNewKey(sellerId: string, type: 'IssueSellerApiKey' | 'RotateSellerApiKey') {
    const key = issueApiKey(sellerId);
    const issued = await this.run(new SellerCommandMessage({ type, sellerId, keyId: key.keyId, secretSha256: key.secretSha256 }, { actor: PLATFORM, channel: 'api' }));
    this.keys.forgetSeller(sellerId);
    return {
      ...sellerView(await this.sellers.get(sellerId)),
      apiKey: key.apiKey,
      revokedKeys: issued.eventTypes.filter((type) => type === 'SellerApiKeyRevoked').length,
      ...written(issued),
    };
  }

  @Get('seller')
  @ApiOperation({ summary: "The calling seller's profile and settings" })
  async get(@CurrentSeller() seller: SellerIdentity) {
    return sellerView(await this.sellers.get(seller.sellerId));
  }

  @Patch('seller')
  @ApiOperation({
    summary: "Change the calling seller's profile and settings",
    description:
      'A new settings.whatsappNumber is kept as pendingWhatsAppNumber and a 6-digit code is sent to it on WhatsApp; it replaces the number in use once confirmed at POST /v1/seller/whatsapp/verify. A number another seller verified is refused with 409.',
  })
  async update(@Body() body: UpdateSellerDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const meta = sellerMeta(request, seller);
    if (body.profile) await this.run(new SellerCommandMessage({ type: 'UpdateSellerProfile', sellerId: seller.sellerId, profile: body.profile }, meta));
    if (body.settings) await this.run(new SellerCommandMessage({ type: 'ChangeSellerSettings', sellerId: seller.sellerId, settings: body.settings }, meta));
    return sellerView(await this.sellers.get(seller.sellerId));
  }

  @Post('seller/whatsapp/verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm the pending WhatsApp number with the code sent to it; from then on it receives order messages and may answer them',
    description: 'A wrong code answers 422 with attemptsLeft; after 5 wrong codes, or once the code expired (10 minutes), set the number again for a fresh code.',
  })
  async verifyWhatsApp(@Body() body: ConfirmWhatsAppNumberDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new SellerCommandMessage({ type: 'ConfirmSellerWhatsAppNumber', sellerId: seller.sellerId, code: body.code }, sellerMeta(request, seller)));
    return { ...sellerView(await this.sellers.get(seller.sellerId)), ...written(outcome) };
  }
}


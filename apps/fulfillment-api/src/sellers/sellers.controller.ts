import { Body, Controller, Get, Patch, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandMeta, CommandOutcome, SellerCommandMessage, SellerReader } from '@fulfil/commands';
import { RegisteredSeller, SellerState } from '@fulfil/domain';
import { issueApiKey } from '../auth/api-key';
import { CurrentSeller, PlatformRoute, SellerIdentity } from '../auth/auth.decorators';
import { ApiRequest, newId, sellerMeta, written } from '../command-request';
import { CreateSellerDto, UpdateSellerDto } from './seller.dto';

const sellerView = (seller: RegisteredSeller) => ({ sellerId: seller.sellerId, profile: seller.profile, settings: seller.settings });

@ApiTags('sellers')
@ApiBearerAuth()
@Controller('v1')
export class SellersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly sellers: SellerReader,
  ) {}

  private run(message: SellerCommandMessage): Promise<CommandOutcome<SellerState>> {
    return this.commands.execute(message);
  }

  @Post('sellers')
  @PlatformRoute()
  @ApiOperation({ summary: 'Create a seller (platform key); the response holds its API key, shown only this once' })
  async create(@Body() body: CreateSellerDto, @Req() request: ApiRequest) {
    const sellerId = body.sellerId ?? newId('slr', request, { sellerId: 'platform', keyId: 'platform' }, 'seller');
    const meta: CommandMeta = {
      actor: { type: 'platform', id: 'platform' },
      channel: 'api',
      ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
    };
    await this.run(new SellerCommandMessage({ type: 'RegisterSeller', sellerId, profile: body.profile, settings: body.settings ?? {} }, meta));
    const key = issueApiKey(sellerId);
    const issued = await this.run(
      new SellerCommandMessage({ type: 'IssueSellerApiKey', sellerId, keyId: key.keyId, secretSha256: key.secretSha256 }, { ...meta, idempotencyKey: undefined }),
    );
    return { ...sellerView(await this.sellers.get(sellerId)), apiKey: key.apiKey, ...written(issued) };
  }

  @Get('seller')
  @ApiOperation({ summary: "The calling seller's profile and settings" })
  async get(@CurrentSeller() seller: SellerIdentity) {
    return sellerView(await this.sellers.get(seller.sellerId));
  }

  @Patch('seller')
  @ApiOperation({ summary: "Change the calling seller's profile and settings" })
  async update(@Body() body: UpdateSellerDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const meta = sellerMeta(request, seller);
    if (body.profile) await this.run(new SellerCommandMessage({ type: 'UpdateSellerProfile', sellerId: seller.sellerId, profile: body.profile }, meta));
    if (body.settings) await this.run(new SellerCommandMessage({ type: 'ChangeSellerSettings', sellerId: seller.sellerId, settings: body.settings }, meta));
    return sellerView(await this.sellers.get(seller.sellerId));
  }
}


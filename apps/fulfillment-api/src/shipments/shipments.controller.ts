import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiExtraModels, ApiOperation, ApiProduces, ApiProperty, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import {
  CancelShipmentCommand,
  CommandOutcome,
  CreateShipmentCommand,
  MarkShipmentReadyToShipCommand,
  MarkShipmentShippedCommand,
  RecordPackageImageCommand,
  ReissueDeliveryOtpCommand,
  RetryPartnerSearchCommand,
  SwitchShipmentToOffNetworkCommand,
  VerifyDeliveryOtpCommand,
} from '@fulfil/commands';
import { NotFoundError, OrderState, activeOrderStatus, waysForward } from '@fulfil/domain';
import { ProblemError, problem } from '@fulfil/platform';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import { ApiRequest, newId, sellerMeta, written } from '../command-request';
import { OrderReader } from '../orders/order-reader';
import { OrderIdParam, ShipmentParams } from '../orders/route-params';
import { ImageStore } from '../uploads/image-store';
import { MAX_SHIPMENT_PHOTOS, uploadedForm, type UploadingRequest } from '../uploads/uploaded-image';
import { cancellationOf } from '../orders/cancellation-of';
import { CancelShipmentDto, CreateShipmentDto, MARK_SHIPPED_FORM_SCHEMA, MarkShippedDto, VerifyOtpDto } from './shipment.dto';

interface MultipartRequest extends ApiRequest, UploadingRequest {}

interface ImageReply {
  status(code: number): ImageReply;
  header(name: string, value: string): ImageReply;
  send(body: Buffer): void;
}

export class ShipmentImageParams extends ShipmentParams {
  @ApiProperty({ description: 'The image\'s sha256, as its upload answered (64 lowercase hex characters)' })
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lowercase hexadecimal characters' })
  sha256!: string;
}

const shipmentSummary = (outcome: CommandOutcome<OrderState>, shipmentId: string) => {
  const order = outcome.state.status === 'active' ? outcome.state : undefined;
  const shipment = order?.shipments.find((s) => s.shipmentId === shipmentId);
  return {
    orderId: order?.orderId,
    orderStatus: order ? activeOrderStatus(order) : undefined,
    shipmentId,
    shipmentStatus: shipment?.status,
    mode: shipment?.mode,
    allowed: shipment ? waysForward(shipment) : [],
    ...written(outcome),
  };
};

@ApiTags('shipments')
@ApiBearerAuth()
@Controller('v1/orders/:orderId/shipments')
export class ShipmentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly images: ImageStore,
    private readonly orders: OrderReader,
  ) {}

  private run(command: object): Promise<CommandOutcome<OrderState>> {
    return this.commands.execute(command as never);
  }

  @Post()
  @ApiOperation({ summary: 'Ship now: create a shipment (on-network or off-network) with its package' })
  async create(@Param() { orderId }: OrderIdParam, @Body() body: CreateShipmentDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const shipmentId = newId('shp', request, seller, `shipment:${orderId}`);
    const outcome = await this.run(new CreateShipmentCommand({ sellerId: seller.sellerId, orderId, shipmentId, ...body }, sellerMeta(request, seller)));
    return shipmentSummary(outcome, shipmentId);
  }

  @Post(':shipmentId/ready-to-ship')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark the shipment ready to ship (on-network: a logistics partner is found automatically)' })
  async readyToShip(@Param() { orderId, shipmentId }: ShipmentParams, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new MarkShipmentReadyToShipCommand({ sellerId: seller.sellerId, orderId, shipmentId }, sellerMeta(request, seller)));
    return shipmentSummary(outcome, shipmentId);
  }

  @Post(':shipmentId/retry-partner-search')
  @HttpCode(200)
  @ApiOperation({ summary: 'After "no partner found": search the ONDC network for a partner again (a new ready-to-ship attempt)' })
  async retryPartnerSearch(@Param() { orderId, shipmentId }: ShipmentParams, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new RetryPartnerSearchCommand({ sellerId: seller.sellerId, orderId, shipmentId }, sellerMeta(request, seller)));
    return shipmentSummary(outcome, shipmentId);
  }

  @Post(':shipmentId/switch-to-off-network')
  @HttpCode(200)
  @ApiOperation({ summary: "Hand an on-network shipment (created, or no partner found) to the seller's own courier; then mark it shipped" })
  async switchToOffNetwork(@Param() { orderId, shipmentId }: ShipmentParams, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new SwitchShipmentToOffNetworkCommand({ sellerId: seller.sellerId, orderId, shipmentId }, sellerMeta(request, seller)));
    return shipmentSummary(outcome, shipmentId);
  }

  @Post(':shipmentId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel this shipment (before pickup); the order stays, and a new shipment can be created for it' })
  async cancel(@Param() { orderId, shipmentId }: ShipmentParams, @Body() body: CancelShipmentDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new CancelShipmentCommand({ sellerId: seller.sellerId, orderId, shipmentId, ...cancellationOf(body) }, sellerMeta(request, seller)));
    return shipmentSummary(outcome, shipmentId);
  }

  @Post(':shipmentId/package-images')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { image: { type: 'string', format: 'binary' } }, required: ['image'] } })
  @ApiOperation({ summary: 'Upload a photo of the packed parcel (JPEG, PNG or WebP, at most 5 MB)' })
  async packageImage(@Param() { orderId, shipmentId }: ShipmentParams, @CurrentSeller() seller: SellerIdentity, @Req() request: MultipartRequest) {
    if (!request.isMultipart?.()) {
      throw new ProblemError(problem(415, 'MULTIPART_REQUIRED', 'Unsupported media type', 'Send the image as multipart/form-data in a field named "image"'));
    }
    const files = (await uploadedForm(request))?.files ?? [];
    if (files.length === 0) throw new ProblemError(problem(400, 'IMAGE_REQUIRED', 'Bad request', 'The request has no image file'));
    if (files.length > 1) throw new ProblemError(problem(400, 'ONE_IMAGE_PER_UPLOAD', 'Bad request', 'Send one package image per request'));
    const { result: outcome, images } = await this.images.storedIfAccepted([files[0]!.content], ([image]) =>
      this.run(new RecordPackageImageCommand({ sellerId: seller.sellerId, orderId, shipmentId, image: image! }, sellerMeta(request, seller))),
    );
    return { ...shipmentSummary(outcome, shipmentId), image: images[0] };
  }

  @Post(':shipmentId/ship')
  @HttpCode(200)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    description: `JSON without photos, or multipart/form-data with the same fields and up to ${MAX_SHIPMENT_PHOTOS} photos as file parts named "images" (JPEG, PNG or WebP, at most 5 MB each; more or larger is 413)`,
    schema: { oneOf: [{ $ref: getSchemaPath(MarkShippedDto) }, MARK_SHIPPED_FORM_SCHEMA] },
  })
  @ApiExtraModels(MarkShippedDto)
  @ApiOperation({ summary: "Off-network: mark shipped with the courier's tracking details and optional photos; the buyer gets a delivery OTP" })
  async ship(@Param() { orderId, shipmentId }: ShipmentParams, @Body() json: Record<string, unknown> | undefined, @CurrentSeller() seller: SellerIdentity, @Req() request: MultipartRequest) {
    const form = await uploadedForm(request);
    // The domain validates the fields (naming each bad one), whichever way they came.
    const fields: Record<string, unknown> = form ? form.fields : (json ?? {});
    if (!form && fields['images'] !== undefined) {
      throw new ProblemError(problem(415, 'MULTIPART_REQUIRED', 'Unsupported media type', 'Send shipment photos as multipart/form-data file parts named "images"'));
    }
    const photos = (form?.files ?? []).filter((f) => f.field === 'images');
    if (form && photos.length !== form.files.length) throw new ProblemError(problem(400, 'UNEXPECTED_FILE', 'Bad request', 'Shipment photos go in file parts named "images"'));
    const { result: outcome } = await this.images.storedIfAccepted(photos.map((p) => p.content), (images) =>
      this.run(
        new MarkShipmentShippedCommand(
          {
            sellerId: seller.sellerId,
            orderId,
            shipmentId,
            courierName: fields['courierName'] as string,
            trackingNumber: fields['trackingNumber'] as string,
            ...(fields['trackingUrl'] !== undefined && fields['trackingUrl'] !== '' ? { trackingUrl: fields['trackingUrl'] as string } : {}),
            images,
          },
          sellerMeta(request, seller),
        ),
      ),
    );
    return shipmentSummary(outcome, shipmentId);
  }

  @Get(':shipmentId/images')
  @ApiOperation({ summary: "The shipment's stored images: package photos and those sent when it was marked shipped" })
  async listImages(@Param() { orderId, shipmentId }: ShipmentParams, @CurrentSeller() seller: SellerIdentity) {
    return { images: (await this.shipmentOf(seller, orderId, shipmentId)).images };
  }

  @Get(':shipmentId/images/:sha256')
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  @ApiOperation({ summary: 'One stored image of the shipment, by the sha256 its upload answered' })
  async image(@Param() { orderId, shipmentId, sha256 }: ShipmentImageParams, @CurrentSeller() seller: SellerIdentity, @Res() reply: ImageReply) {
    const shipment = await this.shipmentOf(seller, orderId, shipmentId);
    const image = shipment.images.find((i) => i.sha256 === sha256);
    // An image of another shipment, or one never stored, reads exactly as absent.
    const content = image ? await this.images.read(image) : undefined;
    if (!image || !content) throw new NotFoundError('IMAGE_NOT_FOUND', `Shipment ${shipmentId} has no image ${sha256}`);
    reply
      .status(200)
      .header('content-type', image.contentType)
      .header('x-content-type-options', 'nosniff')
      .header('etag', `"${image.sha256}"`)
      .header('cache-control', 'private, max-age=31536000, immutable')
      .send(content);
  }

  private async shipmentOf(seller: SellerIdentity, orderId: string, shipmentId: string) {
    const { order } = await this.orders.load(seller.sellerId, orderId);
    const shipment = order.shipments.find((s) => s.shipmentId === shipmentId);
    if (!shipment) throw new NotFoundError('SHIPMENT_NOT_FOUND', `Order ${orderId} has no shipment ${shipmentId}`);
    return shipment;
  }

  @Post(':shipmentId/delivery-otp/verify')
  @HttpCode(200)
  @ApiOperation({ summary: "Off-network: enter the buyer's delivery OTP; a correct one marks the order delivered" })
  async verifyOtp(@Param() { orderId, shipmentId }: ShipmentParams, @Body() body: VerifyOtpDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new VerifyDeliveryOtpCommand({ sellerId: seller.sellerId, orderId, shipmentId, otp: body.otp }, sellerMeta(request, seller)));
    return shipmentSummary(outcome, shipmentId);
  }

  @Post(':shipmentId/delivery-otp/resend')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Issue a fresh delivery OTP to the buyer: at most 3 per shipment per rolling hour (429 with Retry-After); after too many wrong tries, once the lockout ends',
  })
  async resendOtp(@Param() { orderId, shipmentId }: ShipmentParams, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const outcome = await this.run(new ReissueDeliveryOtpCommand({ sellerId: seller.sellerId, orderId, shipmentId }, sellerMeta(request, seller)));
    return shipmentSummary(outcome, shipmentId);
  }
}

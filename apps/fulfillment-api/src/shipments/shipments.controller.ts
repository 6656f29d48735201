import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CommandOutcome,
  CreateShipmentCommand,
  MarkShipmentReadyToShipCommand,
  MarkShipmentShippedCommand,
  RecordPackageImageCommand,
  ReissueDeliveryOtpCommand,
  VerifyDeliveryOtpCommand,
} from '@fulfil/commands';
import { OrderState, activeOrderStatus } from '@fulfil/domain';
import { ProblemError, problem } from '@fulfil/platform';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import { ApiRequest, newId, sellerMeta, written } from '../command-request';
import { OrderIdParam, ShipmentParams } from '../orders/route-params';
import { ImageStore } from '../uploads/image-store';
import { uploadedImage, type UploadingRequest } from '../uploads/uploaded-image';
import { CreateShipmentDto, MarkShippedDto, VerifyOtpDto } from './shipment.dto';

interface MultipartRequest extends ApiRequest, UploadingRequest {}

const shipmentSummary = (outcome: CommandOutcome<OrderState>, shipmentId: string) => {
  const order = outcome.state.status === 'active' ? outcome.state : undefined;
  const shipment = order?.shipments.find((s) => s.shipmentId === shipmentId);
  return {
    orderId: order?.orderId,
    orderStatus: order ? activeOrderStatus(order) : undefined,
    shipmentId,
    shipmentStatus: shipment?.status,
    mode: shipment?.mode,
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

  @Post(':shipmentId/package-images')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { image: { type: 'string', format: 'binary' } }, required: ['image'] } })
  @ApiOperation({ summary: 'Upload a photo of the packed parcel (JPEG, PNG or WebP, at most 5 MB)' })
  async packageImage(@Param() { orderId, shipmentId }: ShipmentParams, @CurrentSeller() seller: SellerIdentity, @Req() request: MultipartRequest) {
    if (!request.isMultipart?.() || !request.file) {
      throw new ProblemError(problem(415, 'MULTIPART_REQUIRED', 'Unsupported media type', 'Send the image as multipart/form-data in a field named "image"'));
    }
    const file = await uploadedImage(request);
    if (!file) throw new ProblemError(problem(400, 'IMAGE_REQUIRED', 'Bad request', 'The request has no image file'));
    const image = await this.images.save(file.content);
    const outcome = await this.run(new RecordPackageImageCommand({ sellerId: seller.sellerId, orderId, shipmentId, image }, sellerMeta(request, seller)));
    return { ...shipmentSummary(outcome, shipmentId), image };
  }

  @Post(':shipmentId/ship')
  @HttpCode(200)
  @ApiOperation({ summary: "Off-network: mark shipped with the courier's tracking details; the buyer gets a delivery OTP" })
  async ship(@Param() { orderId, shipmentId }: ShipmentParams, @Body() body: MarkShippedDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const images = await Promise.all((body.images ?? []).map((encoded) => this.images.save(Buffer.from(encoded, 'base64'))));
    const outcome = await this.run(
      new MarkShipmentShippedCommand(
        {
          sellerId: seller.sellerId,
          orderId,
          shipmentId,
          courierName: body.courierName,
          trackingNumber: body.trackingNumber,
          ...(body.trackingUrl ? { trackingUrl: body.trackingUrl } : {}),
          images,
        },
        sellerMeta(request, seller),
      ),
    );
    return shipmentSummary(outcome, shipmentId);
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

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { DELIVERY_CATEGORIES, SELLER_CANCELLATION_REASON_CODES, type DeliveryCategory, type SellerCancellationReason } from '@fulfil/domain';
import { PackageDto } from '../orders/order.dto';

export class CreateShipmentDto {
  @ApiPropertyOptional({ enum: ['on-network', 'off-network'], description: "The seller's default mode when absent" })
  @IsOptional()
  @IsIn(['on-network', 'off-network'])
  mode?: 'on-network' | 'off-network';
  @ApiPropertyOptional({ type: PackageDto, description: "The order's or the seller's default package when absent" })
  @IsOptional()
  @ValidateNested()
  @Type(() => PackageDto)
  package?: PackageDto;
  @ApiPropertyOptional({ enum: DELIVERY_CATEGORIES, description: "On-network only: the ONDC delivery category asked of partners; the seller's settings.deliveryCategory, else the adapter's default, when absent" })
  @IsOptional()
  @IsIn(DELIVERY_CATEGORIES)
  deliveryCategory?: DeliveryCategory;
}

export class BulkReadyToShipItemDto {
  @ApiProperty() @IsString() @Matches(/^[A-Za-z0-9_-]{1,64}$/) orderId!: string;
  @ApiPropertyOptional({ description: "The order's current shipment when absent" })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  shipmentId?: string;
}

export class BulkReadyToShipDto {
  @ApiProperty({ type: [BulkReadyToShipItemDto], maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => BulkReadyToShipItemDto)
  items!: BulkReadyToShipItemDto[];
}

export class MarkShippedDto {
  @ApiProperty({ example: 'Blue Dart' }) @IsString() @Length(1, 100) courierName!: string;
  @ApiProperty({ example: 'BD123456789' }) @IsString() @Length(3, 40) trackingNumber!: string;
  @ApiPropertyOptional({ example: 'https://track.example/BD123456789' }) @IsOptional() @IsString() @Length(8, 500) trackingUrl?: string;
}

/** The same fields as a multipart form, with the shipment photos as file parts. */
export const MARK_SHIPPED_FORM_SCHEMA = {
  type: 'object',
  required: ['courierName', 'trackingNumber'],
  properties: {
    courierName: { type: 'string', maxLength: 100, example: 'Blue Dart' },
    trackingNumber: { type: 'string', minLength: 3, maxLength: 40, example: 'BD123456789' },
    trackingUrl: { type: 'string', maxLength: 500 },
    images: { type: 'array', maxItems: 5, items: { type: 'string', format: 'binary' }, description: 'Shipment photos: JPEG, PNG or WebP, at most 5 MB each, at most 5' },
  },
};

export class CancelShipmentDto {
  @ApiPropertyOptional({ example: 'No partner serves the buyer', description: "Why the shipment is cancelled, in the seller's words (kept in the timeline); the chosen reason's text when left out" })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;

  @ApiPropertyOptional({
    enum: SELLER_CANCELLATION_REASON_CODES,
    description: 'The reason chosen: buyer-side (buyer-*) or merchant-side (item-out-of-stock, merchant-rejected); a confirmed partner is sent 007, the one reason ONDC 1.2.5 lets a logistics buyer give',
  })
  @IsOptional()
  @IsIn(SELLER_CANCELLATION_REASON_CODES)
  reasonCode?: SellerCancellationReason;
}

export class VerifyOtpDto {
  @ApiProperty({ example: '123456' }) @IsString() @Matches(/^[0-9]{4,8}$/) otp!: string;
}

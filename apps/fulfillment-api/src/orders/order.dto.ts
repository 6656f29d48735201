import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsISO8601,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { DELIVERY_CATEGORIES, SELLER_CANCELLATION_REASON_CODES, type DeliveryCategory, type OrderStatus, type SellerCancellationReason, type ShippingMode } from '@fulfil/domain';
import { MAX_PAGE_SIZE, ORDER_STATUSES } from '@fulfil/read-models';
import { FreshReadQueryDto } from './read-your-writes';
import { OptionalGstinField } from './gstin-field';

export class GeoPointDto {
  @ApiProperty({ example: 12.9716 }) @IsNumber() @Min(-90) @Max(90) lat!: number;
  @ApiProperty({ example: 77.5946 }) @IsNumber() @Min(-180) @Max(180) lng!: number;
}

export class AddressDto {
  @ApiProperty({ example: 'Asha Kulkarni' }) @IsString() @Length(1, 120) name!: string;
  @ApiProperty({ example: '9123456780' }) @IsString() @Length(10, 13) phone!: string;
  @ApiProperty({ example: 'Flat 4B, Lotus Residency' }) @IsString() @Length(1, 200) line1!: string;
  @ApiPropertyOptional({ example: 'Baner Road' }) @IsOptional() @IsString() @Length(0, 200) line2?: string;
  @ApiProperty({ example: 'Pune' }) @IsString() @Length(1, 80) city!: string;
  @ApiProperty({ example: '27', description: 'GST state code' }) @IsString() @Matches(/^[0-9]{2}$/) stateCode!: string;
  @ApiProperty({ example: '411045' }) @IsString() @Matches(/^[1-9][0-9]{5}$/) pincode!: string;
  @ApiPropertyOptional({ type: GeoPointDto }) @IsOptional() @ValidateNested() @Type(() => GeoPointDto) gps?: GeoPointDto;
}

export class PackageDto {
  @ApiProperty({ example: 800 }) @IsInt() @Min(1) @Max(50_000) weightGrams!: number;
  @ApiProperty({ example: 30 }) @IsNumber() @Min(0.1) @Max(200) lengthCm!: number;
  @ApiProperty({ example: 25 }) @IsNumber() @Min(0.1) @Max(200) widthCm!: number;
  @ApiProperty({ example: 5 }) @IsNumber() @Min(0.1) @Max(200) heightCm!: number;
}

export class OrderItemDto {
  @ApiProperty({ example: 'SAREE-SILK-01' }) @IsString() @Length(1, 64) sku!: string;
  @ApiProperty({ example: 'Mysore silk saree' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: '5007' }) @IsString() @Matches(/^([0-9]{4}|[0-9]{6}|[0-9]{8})$/) hsnCode!: string;
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(10_000) quantity!: number;
  @ApiPropertyOptional({ example: 'NOS', default: 'NOS' }) @IsOptional() @IsString() @Length(1, 8) unit?: string;
  @ApiProperty({ example: 450000, description: 'Price of one unit before GST, in paise' }) @IsInt() @Min(0) unitPricePaise!: number;
  @ApiPropertyOptional({ example: 0, description: 'Discount for the line, in paise' }) @IsOptional() @IsInt() @Min(0) discountPaise?: number;
  @ApiProperty({ example: 5 }) @IsNumber() taxRatePercent!: number;
}

export class OrderChargeDto {
  @ApiProperty({ example: 'Shipping' }) @IsString() @Length(1, 100) description!: string;
  @ApiPropertyOptional({ example: '9965' }) @IsOptional() @IsString() @Length(1, 8) sacCode?: string;
  @ApiProperty({ example: 5000 }) @IsInt() @Min(0) amountPaise!: number;
  @ApiProperty({ example: 18 }) @IsNumber() taxRatePercent!: number;
}

const BILLING_ADDRESS =
  "Bill-to, when the invoice is made out to another address than the delivery one. For a B2B buyer: its registered address, in its GSTIN's state, which is then the place of supply (IGST Act s. 10(1)(b))";

export class BuyerDto {
  @ApiProperty({ example: 'Asha Kulkarni' }) @IsString() @Length(1, 120) name!: string;
  @ApiProperty({ example: '9123456780' }) @IsString() @Length(10, 13) phone!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(3, 254) email?: string;
  @OptionalGstinField() gstin?: string;
  @ApiPropertyOptional({ type: AddressDto, description: BILLING_ADDRESS }) @IsOptional() @ValidateNested() @Type(() => AddressDto) billingAddress?: AddressDto;
}

export class ReceiveOrderDto {
  @ApiPropertyOptional({ description: 'Your order id (letters, digits, "_" and "-"); generated when absent' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  orderId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) externalRef?: string;
  @ApiPropertyOptional({ default: 'api' }) @IsOptional() @IsString() @Length(1, 50) salesChannel?: string;
  @ApiProperty({ type: [OrderItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];
  @ApiPropertyOptional({ type: [OrderChargeDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => OrderChargeDto)
  charges?: OrderChargeDto[];
  @ApiProperty({ type: BuyerDto }) @IsDefined() @ValidateNested() @Type(() => BuyerDto) buyer!: BuyerDto;
  @ApiProperty({ type: AddressDto }) @IsDefined() @ValidateNested() @Type(() => AddressDto) deliveryAddress!: AddressDto;
  @ApiProperty({ enum: ['prepaid', 'cod'] }) @IsIn(['prepaid', 'cod']) paymentMethod!: 'prepaid' | 'cod';
  @ApiPropertyOptional({ type: PackageDto }) @IsOptional() @ValidateNested() @Type(() => PackageDto) package?: PackageDto;
}

export class GenerateInvoiceDto {
  @ApiPropertyOptional({ description: 'A number of your own (at most 16 of A-Z a-z 0-9 / -); the next of your series when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 16)
  invoiceNumber?: string;
}

class BuyerCorrectionDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 120) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(10, 13) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(3, 254) email?: string;
  @OptionalGstinField() gstin?: string;
  @ApiPropertyOptional({ type: AddressDto, description: BILLING_ADDRESS }) @IsOptional() @ValidateNested() @Type(() => AddressDto) billingAddress?: AddressDto;
}

class AddressCorrectionDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 120) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(10, 13) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) line1?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 200) line2?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 80) city?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(/^[0-9]{2}$/) stateCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(/^[1-9][0-9]{5}$/) pincode?: string;
}

export class InvoiceCorrectionsDto {
  @ApiPropertyOptional({ type: BuyerCorrectionDto }) @IsOptional() @ValidateNested() @Type(() => BuyerCorrectionDto) buyer?: BuyerCorrectionDto;
  @ApiPropertyOptional({ type: AddressCorrectionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressCorrectionDto)
  deliveryAddress?: AddressCorrectionDto;
  @ApiPropertyOptional({ type: [OrderItemDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items?: OrderItemDto[];
  @ApiPropertyOptional({ type: [OrderChargeDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => OrderChargeDto)
  charges?: OrderChargeDto[];
}

export class RegenerateInvoiceDto {
  @ApiProperty({ example: 'Buyer address typo' }) @IsString() @Length(1, 500) reason!: string;
  @ApiProperty({ type: InvoiceCorrectionsDto }) @IsDefined() @ValidateNested() @Type(() => InvoiceCorrectionsDto) corrections!: InvoiceCorrectionsDto;
}

export class ReshipDto {
  @ApiProperty({ enum: ['returned', 'lost', 'damaged', 'cancelled', 'other'] })
  @IsIn(['returned', 'lost', 'damaged', 'cancelled', 'other'])
  reason!: 'returned' | 'lost' | 'damaged' | 'cancelled' | 'other';
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) note?: string;
  @ApiPropertyOptional({ enum: ['on-network', 'off-network'] }) @IsOptional() @IsIn(['on-network', 'off-network']) mode?: 'on-network' | 'off-network';
  @ApiPropertyOptional({ type: PackageDto }) @IsOptional() @ValidateNested() @Type(() => PackageDto) package?: PackageDto;
  @ApiPropertyOptional({ enum: DELIVERY_CATEGORIES, description: "On-network only: the ONDC delivery category asked of partners; the replaced shipment's when absent" })
  @IsOptional()
  @IsIn(DELIVERY_CATEGORIES)
  deliveryCategory?: DeliveryCategory;
}

export class CancelOrderDto {
  @ApiPropertyOptional({ example: 'Buyer cancelled', description: "Why, in the seller's words; the chosen reason's text when left out" })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;

  @ApiPropertyOptional({ enum: SELLER_CANCELLATION_REASON_CODES, description: 'The reason chosen: buyer-side (buyer-*) or merchant-side (item-out-of-stock, merchant-rejected); see GET /v1/cancellation-reasons' })
  @IsOptional()
  @IsIn(SELLER_CANCELLATION_REASON_CODES)
  reasonCode?: SellerCancellationReason;
}

export class ListOrdersQueryDto extends FreshReadQueryDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES }) @IsOptional() @IsIn(ORDER_STATUSES) status?: OrderStatus;
  @ApiPropertyOptional({ enum: ['on-network', 'off-network'] }) @IsOptional() @IsIn(['on-network', 'off-network']) mode?: ShippingMode;
  @ApiPropertyOptional({ description: 'Received at or after (ISO 8601)', example: '2026-04-01T00:00:00+05:30' }) @IsOptional() @IsISO8601() receivedFrom?: string;
  @ApiPropertyOptional({ description: 'Received before (ISO 8601)', example: '2026-05-01T00:00:00+05:30' }) @IsOptional() @IsISO8601() receivedTo?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE) limit?: number;
  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' }) @IsOptional() @IsString() @Length(1, 200) cursor?: string;
  @ApiPropertyOptional({ description: "Order id, invoice number, AWB or tracking number (exact, any case), or part of the buyer's name or phone" })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;
}

import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { DELIVERY_CATEGORIES, MAX_SURGE_FEE_CAP_PAISE, type DeliveryCategory } from '@fulfil/domain';
import { AddressDto, PackageDto } from '../orders/order.dto';
import { GstinField, OptionalGstinField } from '../orders/gstin-field';

/** The same field on a registration and on a profile patch. */
const AdditionalPlacesOfBusiness = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: [String],
      example: ['27'],
      description: "GST state codes of additional places of business on the registration; the pickup must be in the GSTIN's state or one of these",
    }),
    IsOptional(),
    IsArray(),
    IsString({ each: true }),
  );

export class SellerProfileDto {
  @ApiProperty({ example: 'Kaveri Handlooms Private Limited' }) @IsString() @Length(1, 200) legalName!: string;
  @GstinField() gstin!: string;
  @ApiProperty({ example: '29' }) @IsString() @Matches(/^[0-9]{2}$/) stateCode!: string;
  @ApiProperty({ type: AddressDto, description: "In the GSTIN's state or a declared additional place of business" })
  @IsDefined()
  @ValidateNested()
  @Type(() => AddressDto)
  pickupAddress!: AddressDto;
  @AdditionalPlacesOfBusiness() additionalPlacesOfBusiness?: string[];
}

export class SellerProfilePatchDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) legalName?: string;
  @OptionalGstinField() gstin?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(/^[0-9]{2}$/) stateCode?: string;
  @ApiPropertyOptional({ type: AddressDto }) @IsOptional() @ValidateNested() @Type(() => AddressDto) pickupAddress?: AddressDto;
  @AdditionalPlacesOfBusiness() additionalPlacesOfBusiness?: string[];
}

export class SellerSettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() autoInvoice?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() autoManifest?: boolean;
  @ApiPropertyOptional({ example: 'INV/' }) @IsOptional() @IsString() @Length(1, 11) invoicePrefix?: string;
  @ApiPropertyOptional({ enum: ['on-network', 'off-network'] })
  @IsOptional()
  @IsIn(['on-network', 'off-network'])
  defaultShippingMode?: 'on-network' | 'off-network';
  @ApiPropertyOptional({ type: PackageDto }) @IsOptional() @ValidateNested() @Type(() => PackageDto) defaultPackage?: PackageDto;
  @ApiPropertyOptional({ example: '919876543210', description: 'Pending until confirmed with the code sent to it (POST /v1/seller/whatsapp/verify)' })
  @IsOptional()
  @IsString()
  @Length(10, 15)
  whatsappNumber?: string;
  @ApiPropertyOptional({ example: 7, minimum: 0, maximum: 365, description: 'Days after delivery within which a customer return is accepted; 0 accepts none. 7 when never set' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  returnWindowDays?: number;
  @ApiPropertyOptional({ enum: DELIVERY_CATEGORIES, description: "The ONDC delivery category on-network shipments ask for unless a shipment names one; the ONDC adapter's default (ONDC_CATEGORY) when never set" })
  @IsOptional()
  @IsIn(DELIVERY_CATEGORIES)
  deliveryCategory?: DeliveryCategory;
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_SURGE_FEE_CAP_PAISE,
    example: 5000,
    description: "The most an ONDC partner's surge fee (its surge item's price, before GST) may be for on-network shipments, in paise; an offer with a dearer surge is not chosen. 0 (the default): no surge accepted",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SURGE_FEE_CAP_PAISE)
  maxSurgeFeePaise?: number;
}

export class ConfirmWhatsAppNumberDto {
  @ApiProperty({ example: '123456', description: 'The 6-digit code sent to the pending WhatsApp number' }) @IsString() code!: string;
}

export class CreateSellerDto {
  @ApiPropertyOptional({ description: 'Generated when absent' }) @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{3,64}$/) sellerId?: string;
  @ApiProperty({ type: SellerProfileDto }) @IsDefined() @ValidateNested() @Type(() => SellerProfileDto) profile!: SellerProfileDto;
  @ApiPropertyOptional({ type: SellerSettingsDto }) @IsOptional() @ValidateNested() @Type(() => SellerSettingsDto) settings?: SellerSettingsDto;
}

export class UpdateSellerDto {
  @ApiPropertyOptional({ type: SellerProfilePatchDto }) @IsOptional() @ValidateNested() @Type(() => SellerProfilePatchDto) profile?: SellerProfilePatchDto;
  @ApiPropertyOptional({ type: SellerSettingsDto }) @IsOptional() @ValidateNested() @Type(() => SellerSettingsDto) settings?: SellerSettingsDto;
}

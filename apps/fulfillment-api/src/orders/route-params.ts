import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class OrderIdParam {
  @ApiProperty() @IsString() @Matches(ID_PATTERN, { message: 'orderId must be 1 to 64 letters, digits, "_" or "-"' }) orderId!: string;
}

export class ShipmentParams extends OrderIdParam {
  @ApiProperty() @IsString() @Matches(ID_PATTERN, { message: 'shipmentId must be 1 to 64 letters, digits, "_" or "-"' }) shipmentId!: string;
}

export class SellerIdParam {
  @ApiProperty() @IsString() @Matches(ID_PATTERN, { message: 'sellerId must be 1 to 64 letters, digits, "_" or "-"' }) sellerId!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ID_PATTERN, OrderIdParam } from '../orders/route-params';

export class ReturnParams extends OrderIdParam {
  @ApiProperty() @IsString() @Matches(ID_PATTERN, { message: 'returnId must be 1 to 64 letters, digits, "_" or "-"' }) returnId!: string;
}

export class ReturnLineDto {
  @ApiProperty({ example: 'SAREE-SILK-01', description: 'The SKU of a line of the order' }) @IsString() @Length(1, 64) sku!: string;
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(10_000) quantity!: number;
}

export class RejectedReturnLineDto extends ReturnLineDto {
  @ApiProperty({ example: 'Worn, tag removed' }) @IsString() @Length(1, 300) note!: string;
}

export class RequestReturnDto {
  @ApiProperty({ type: [ReturnLineDto], description: 'One line per SKU: at most the units delivered less those returned or being returned' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ReturnLineDto)
  lines!: ReturnLineDto[];
  @ApiProperty({ example: 'Wrong size' }) @IsString() @Length(1, 300) reason!: string;
}

export class MarkReturnShippedDto {
  @ApiProperty({ example: 'Blue Dart' }) @IsString() @Length(1, 100) courierName!: string;
  @ApiProperty({ example: 'BD998877' }) @IsString() @Length(3, 40) trackingNumber!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) trackingUrl?: string;
}

export class ReceiveReturnDto {
  @ApiPropertyOptional({ type: [ReturnLineDto], description: 'Units accepted on inspection: a credit note is issued for them' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ReturnLineDto)
  accepted?: ReturnLineDto[];
  @ApiPropertyOptional({ type: [RejectedReturnLineDto], description: 'Units refused on inspection, each with a note; with the accepted ones they account for every unit of the return' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => RejectedReturnLineDto)
  rejected?: RejectedReturnLineDto[];
}

export class CancelReturnDto {
  @ApiProperty({ example: 'Buyer kept the goods' }) @IsString() @Length(1, 300) reason!: string;
}

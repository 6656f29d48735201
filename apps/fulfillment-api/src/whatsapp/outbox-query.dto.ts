import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class OutboxQueryDto {
  @ApiPropertyOptional({ description: 'Only messages to this number (international format, digits only)', example: '919876543210' })
  @IsOptional()
  @Matches(/^[1-9][0-9]{6,14}$/, { message: 'recipient must be an international number in digits only' })
  recipient?: string;

  @ApiPropertyOptional({ description: 'At most this many messages (newest first)', default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

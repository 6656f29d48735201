import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class DisputeWeightDifferentialDto {
  @ApiPropertyOptional({ example: 'Weighed 1.2 kg at dispatch, photo on file', description: 'Why the seller disputes the charge, for the record' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

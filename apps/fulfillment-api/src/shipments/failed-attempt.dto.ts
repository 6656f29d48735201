import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length } from 'class-validator';

export class AttemptAnswerDto {
  @ApiPropertyOptional({ example: 'Buyer is home after 6 pm', description: 'For the record (and the partner, where it reads it)' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  note?: string;
}

export class RecordFailedAttemptDto {
  @ApiProperty({ example: 'Door locked, buyer not answering' }) @IsString() @Length(1, 500) reason!: string;
  @ApiPropertyOptional({ example: '2026-05-05T10:00:00+05:30', description: "When the courier tries again, if known" })
  @IsOptional()
  @IsISO8601({ strict: true })
  nextAttemptAt?: string;
}

export class RecordReturnDto {
  @ApiProperty({ example: 'Buyer refused the parcel' }) @IsString() @Length(1, 500) reason!: string;
}

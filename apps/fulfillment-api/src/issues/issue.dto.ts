import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsString, Length, Matches } from 'class-validator';
import { ISSUE_DESCRIPTION_MAX, ISSUE_KINDS, IssueKind } from '@fulfil/domain';
import { ID_PATTERN } from '../orders/route-params';

export class IssueIdParam {
  @ApiProperty() @IsString() @Matches(ID_PATTERN, { message: 'issueId must be 1 to 64 letters, digits, "_" or "-"' }) issueId!: string;
}

export class RaiseIssueDto {
  @ApiProperty({ enum: ISSUE_KINDS, example: 'damaged' }) @IsIn(ISSUE_KINDS) kind!: IssueKind;
  @ApiProperty({ example: 'The buyer received the box crushed, the glass inside broken' }) @IsString() @Length(1, ISSUE_DESCRIPTION_MAX) description!: string;
}

export class ProvideIssueInfoDto {
  @ApiProperty({ example: 'Photos of the box: https://example.in/box-1.jpg' }) @IsString() @Length(1, ISSUE_DESCRIPTION_MAX) info!: string;
}

export class EscalateIssueDto {
  @ApiProperty({ example: 'The refund offered does not cover the goods' }) @IsString() @Length(1, ISSUE_DESCRIPTION_MAX) reason!: string;
}

export class CloseIssueDto {
  @ApiProperty({ description: 'Whether the seller is satisfied with how it was resolved (the rating sent to the partner)' }) @IsBoolean() satisfied!: boolean;
}

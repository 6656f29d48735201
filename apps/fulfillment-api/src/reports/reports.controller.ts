import { Controller, Get, Query, Req } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsISO8601, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { OrderQueries } from '@fulfil/read-models';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import type { ApiRequest } from '../command-request';
import { FreshReadQueryDto, ReadYourWrites } from '../orders/read-your-writes';

/** Open orders older than this many hours count as overdue unless the seller asks otherwise. */
export const DEFAULT_OVERDUE_HOURS = 24;

export class DashboardQueryDto extends FreshReadQueryDto {
  @ApiPropertyOptional({ description: 'Open orders (not yet picked up) received longer ago than this are overdue', default: DEFAULT_OVERDUE_HOURS, minimum: 0, maximum: 8760 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(8760)
  overdueHours?: number;
}

export class InvoiceRegisterQueryDto extends FreshReadQueryDto {
  @ApiProperty({ description: 'Documents dated at or after (ISO 8601)', example: '2026-04-01T00:00:00+05:30' }) @IsISO8601() from!: string;
  @ApiProperty({ description: 'Documents dated before (ISO 8601)', example: '2026-05-01T00:00:00+05:30' }) @IsISO8601() to!: string;
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1')
export class ReportsController {
  constructor(
    private readonly queries: OrderQueries,
    private readonly freshness: ReadYourWrites,
  ) {}

  @Get('seller/dashboard')
  @ApiOperation({ summary: 'Orders per status, awaiting invoice, awaiting ready-to-ship and overdue (read models)' })
  async dashboard(@Query() query: DashboardQueryDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    await this.freshness.awaitRequested(request, query);
    return this.queries.dashboard(seller.sellerId, { overdueHours: query.overdueHours ?? DEFAULT_OVERDUE_HOURS });
  }

  @Get('invoice-register')
  @ApiOperation({ summary: 'Every invoice revision and credit note dated in [from, to): the input to GST returns (read models)' })
  async invoiceRegister(@Query() query: InvoiceRegisterQueryDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    await this.freshness.awaitRequested(request, query);
    return { items: await this.queries.invoiceRegister(seller.sellerId, { from: query.from, to: query.to }) };
  }
}

import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { buildGstr1Return, gstr1Period, gstr1SectionCsv, type Gstr1Return } from '@fulfil/domain';
import { CLOCK, type Clock, SellerReader } from '@fulfil/commands';
import { OrderQueries } from '@fulfil/read-models';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import type { ApiRequest } from '../command-request';
import { OptionalGstinField } from '../orders/gstin-field';
import { FreshReadQueryDto, ReadYourWrites } from '../orders/read-your-writes';

export class Gstr1QueryDto extends FreshReadQueryDto {
  // The month's own rules (format, not before July 2017, not in the future) are the domain's; here it only has to be text.
  @ApiProperty({ description: 'Return period, a month as YYYY-MM (Indian time)', example: '2026-11' }) @IsString() period!: string;
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv: one file per section in the offline tool layout, zipped' }) @IsOptional() @IsIn(['json', 'csv']) format?: 'json' | 'csv';
  @OptionalGstinField() gstin?: string;
}

interface ZipReply {
  status(code: number): ZipReply;
  header(name: string, value: string): ZipReply;
  send(body: Buffer | Gstr1Return): void;
}

/** The zip of a return: the offline tool's CSV files, one per section, with fixed timestamps so the same return gives the same bytes. */
function zipOf(gstr1: Gstr1Return): Buffer {
  const mtime = new Date(Date.UTC(2017, 6, 1));
  const files: Zippable = {};
  for (const section of Object.values(gstr1.sections)) files[section.file] = [strToU8(gstr1SectionCsv(section)), { mtime }];
  return Buffer.from(zipSync(files));
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/gst')
export class GstReturnsController {
  constructor(
    private readonly queries: OrderQueries,
    private readonly sellers: SellerReader,
    private readonly freshness: ReadYourWrites,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('gstr1')
  @ApiProduces('application/json', 'application/zip')
  @ApiOperation({
    summary: 'GSTR-1 for a month from the invoice register: B2B, B2CL, B2CS, CDNR, CDNUR, HSN (B2B and B2C) and documents issued, in the GST offline tool layout',
  })
  async gstr1(@Query() query: Gstr1QueryDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest, @Res() reply: ZipReply) {
    const period = gstr1Period(query.period, this.clock.now());
    await this.freshness.awaitRequested(request, query);
    const gstin = query.gstin ?? (await this.sellers.get(seller.sellerId)).profile.gstin;
    const documents = await this.queries.gstr1Documents(seller.sellerId, { from: period.from, to: period.to, supplierGstin: gstin });
    const gstr1 = buildGstr1Return({ gstin, period, documents });
    if (query.format !== 'csv') {
      reply.status(200).header('cache-control', 'private, no-cache').send(gstr1);
      return;
    }
    reply
      .status(200)
      .header('content-type', 'application/zip')
      .header('cache-control', 'private, no-cache')
      .header('content-disposition', `attachment; filename="GSTR1_${gstin}_${period.returnPeriod}.zip"`)
      .send(zipOf(gstr1));
  }
}

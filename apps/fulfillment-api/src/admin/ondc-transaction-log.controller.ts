import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { OndcTransactionLog, transactionLogArchive } from '@fulfil/ondc';
import { PlatformRoute } from '../auth/auth.decorators';

interface ZipReply {
  status(code: number): ZipReply;
  header(name: string, value: string): ZipReply;
  send(body: Buffer): void;
}

@ApiTags('admin')
/**
 * The ONDC transaction log export, for the operator only. The adapter writes the log beside the
 * read models; the API serves it, so the export is there whether the adapter runs in this process
 * or apart (the production compose runs it apart).
 */
@ApiBearerAuth()
@PlatformRoute()
@Controller('v1/admin/ondc/transactions/:transactionId/log')
export class OndcTransactionLogController {
  constructor(@Inject(OndcTransactionLog) private readonly log: OndcTransactionLog) {}

  @Get()
  @ApiProduces('application/zip')
  @ApiOperation({ summary: 'Every ONDC message sent and received in a transaction, byte for byte, one file per message, zipped (for ONDC pre-production review)' })
  async export(@Param('transactionId') transactionId: string, @Res() reply: ZipReply): Promise<void> {
    const entries = await this.log.messagesOf(transactionId);
    if (entries.length === 0) throw new NotFoundException(`No ONDC message is logged for transaction ${transactionId}`);
    reply
      .status(200)
      .header('content-type', 'application/zip')
      .header('cache-control', 'private, no-cache')
      .header('content-disposition', `attachment; filename="ondc-transaction-${transactionId.replace(/[^A-Za-z0-9._-]+/g, '-')}.zip"`)
      .send(transactionLogArchive(transactionId, entries));
  }
}

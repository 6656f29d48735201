import { Controller, Get, Inject, NotFoundException, Param, Res, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AUDIENCE_METADATA, type Audience } from '@fulfil/platform';
import { OndcTransactionLog } from './ondc-transaction-log';
import { transactionLogArchive } from './transaction-log-archive';

interface ZipReply {
  status(code: number): ZipReply;
  header(name: string, value: string): ZipReply;
  send(body: Buffer): void;
}

/** For the operator only: the host's API-key guard lets the platform key through and refuses sellers' keys. */
const ForThePlatform = (): ClassDecorator => SetMetadata(AUDIENCE_METADATA, 'platform' satisfies Audience);

@ApiTags('admin')
@ApiBearerAuth()
@ForThePlatform()
@Controller('v1/admin/ondc/transactions/:transactionId/log')
export class TransactionLogController {
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

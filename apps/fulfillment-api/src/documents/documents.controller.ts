import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { NotFoundError, type ActiveOrder } from '@fulfil/domain';
import { OrderQueries } from '@fulfil/read-models';
import { DocumentInputError, RenderedDocument, labelDocumentOf, renderCreditNoteOf, renderInvoiceOf, renderLabelsOf } from '@fulfil/documents';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import { OrderReader } from '../orders/order-reader';
import { FreshReadQueryDto, ReadYourWrites } from '../orders/read-your-writes';
import { ID_PATTERN, OrderIdParam, ShipmentParams } from '../orders/route-params';

export class InvoiceQueryDto {
  @ApiPropertyOptional({ description: 'An earlier revision; the current one when absent' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) revision?: number;
}

export class LabelQueryDto {
  @ApiPropertyOptional({ enum: ['thermal-4x6', 'a4-4up'], default: 'thermal-4x6' }) @IsOptional() @IsIn(['thermal-4x6', 'a4-4up']) layout?: 'thermal-4x6' | 'a4-4up';
}

/** One PDF holds at most this many labels; a bigger print run is several requests. */
export const MAX_LABELS_PER_FILE = 100;

export class BulkLabelsQueryDto extends FreshReadQueryDto {
  @ApiProperty({ description: `Comma-separated shipment ids (up to ${MAX_LABELS_PER_FILE}), printed in this order`, example: 'shp_a1,shp_b2', type: String })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((id) => id.trim()) : value))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LABELS_PER_FILE)
  @IsString({ each: true })
  @Matches(ID_PATTERN, { each: true, message: 'each of shipmentIds must be 1 to 64 letters, digits, "_" or "-"' })
  shipmentIds!: string[];

  @ApiPropertyOptional({ enum: ['thermal-4x6', 'a4-4up'], default: 'thermal-4x6' }) @IsOptional() @IsIn(['thermal-4x6', 'a4-4up']) layout?: 'thermal-4x6' | 'a4-4up';
}

export class CreditNoteParams extends OrderIdParam {
  @ApiProperty({ description: 'The credit note number, URL-encoded (CN%2F00001)' }) @IsString() @Matches(/^[A-Za-z0-9/-]{1,16}$/) number!: string;
}

interface DocumentReply {
  status(code: number): DocumentReply;
  header(name: string, value: string): DocumentReply;
  send(body?: Buffer): void;
}

interface ConditionalRequest {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Sends a PDF with its content hash as ETag. A numbered revision never changes, so it may be
 * cached for good; "the current one" must be revalidated.
 */
export function sendPdf(request: ConditionalRequest, reply: DocumentReply, document: RenderedDocument, immutable: boolean): void {
  const etag = `"${document.sha256}"`;
  reply
    .header('etag', etag)
    .header('cache-control', immutable ? 'private, max-age=31536000, immutable' : 'private, no-cache')
    .header('content-disposition', `inline; filename="${document.filename}"`);
  if (request.headers['if-none-match'] === etag) {
    reply.status(304).send();
    return;
  }
  reply.status(200).header('content-type', 'application/pdf').send(document.pdf);
}

/** Missing documents (no invoice yet, unknown revision) read as not found, like any other absent resource. */
async function rendered(work: () => Promise<RenderedDocument>): Promise<RenderedDocument> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DocumentInputError) throw new NotFoundError('DOCUMENT_NOT_FOUND', error.message);
    throw error;
  }
}

@ApiTags('documents')
@ApiBearerAuth()
@ApiProduces('application/pdf')
@Controller('v1/orders/:orderId')
export class DocumentsController {
  constructor(private readonly orders: OrderReader) {}

  @Get('invoice.pdf')
  @ApiOperation({ summary: "The GST tax invoice (supplier's copy), current or an earlier revision" })
  async invoice(@Param() { orderId }: OrderIdParam, @Query() query: InvoiceQueryDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ConditionalRequest, @Res() reply: DocumentReply) {
    const { order } = await this.orders.load(seller.sellerId, orderId);
    const document = await rendered(() => renderInvoiceOf(order, { copy: 'supplier', ...(query.revision ? { revision: query.revision } : {}) }));
    sendPdf(request, reply, document, query.revision !== undefined);
  }

  @Get('tax-invoice.pdf')
  @ApiOperation({ summary: "The customer's tax invoice (original for recipient)" })
  async taxInvoice(@Param() { orderId }: OrderIdParam, @Query() query: InvoiceQueryDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ConditionalRequest, @Res() reply: DocumentReply) {
    const { order } = await this.orders.load(seller.sellerId, orderId);
    const document = await rendered(() => renderInvoiceOf(order, { copy: 'recipient', ...(query.revision ? { revision: query.revision } : {}) }));
    sendPdf(request, reply, document, query.revision !== undefined);
  }

  @Get('transporter-invoice.pdf')
  @ApiOperation({ summary: 'The tax invoice copy that travels with the goods (duplicate for transporter, GST rule 48)' })
  async transporterInvoice(@Param() { orderId }: OrderIdParam, @Query() query: InvoiceQueryDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ConditionalRequest, @Res() reply: DocumentReply) {
    const { order } = await this.orders.load(seller.sellerId, orderId);
    const document = await rendered(() => renderInvoiceOf(order, { copy: 'transporter', ...(query.revision ? { revision: query.revision } : {}) }));
    sendPdf(request, reply, document, query.revision !== undefined);
  }

  @Get('credit-notes/:number.pdf')
  @ApiOperation({ summary: 'A credit note that cancelled an earlier invoice' })
  async creditNote(@Param() { orderId, number }: CreditNoteParams, @CurrentSeller() seller: SellerIdentity, @Req() request: ConditionalRequest, @Res() reply: DocumentReply) {
    const { order } = await this.orders.load(seller.sellerId, orderId);
    sendPdf(request, reply, await rendered(() => renderCreditNoteOf(order, number)), true);
  }

  @Get('shipments/:shipmentId/label.pdf')
  @ApiOperation({ summary: 'The shipping label (4x6 inch thermal, or four to an A4 page)' })
  async label(@Param() { orderId, shipmentId }: ShipmentParams, @Query() query: LabelQueryDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ConditionalRequest, @Res() reply: DocumentReply) {
    const { order } = await this.orders.load(seller.sellerId, orderId);
    const shipment = order.shipments.find((s) => s.shipmentId === shipmentId);
    if (!shipment) throw new NotFoundError('SHIPMENT_NOT_FOUND', `Order ${orderId} has no shipment ${shipmentId}`);
    sendPdf(request, reply, await renderLabelsOf([labelDocumentOf(order, shipment)], query.layout ?? 'thermal-4x6'), false);
  }
}

@ApiTags('documents')
@ApiBearerAuth()
@ApiProduces('application/pdf')
@Controller('v1')
export class BulkLabelsController {
  constructor(
    private readonly orders: OrderReader,
    private readonly queries: OrderQueries,
    private readonly freshness: ReadYourWrites,
  ) {}

  @Get('labels.pdf')
  @ApiOperation({ summary: `Many shipping labels in one file (up to ${MAX_LABELS_PER_FILE}), in the order asked` })
  async labels(@Query() query: BulkLabelsQueryDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ConditionalRequest, @Res() reply: DocumentReply) {
    await this.freshness.awaitRequested(request, query);
    const shipmentIds = [...new Set(query.shipmentIds)];
    // The read models say which order each shipment belongs to; the labels themselves render from the orders' streams.
    const orderOf = await this.queries.ordersOfShipments(seller.sellerId, shipmentIds);
    const missing = shipmentIds.filter((id) => !orderOf.has(id));
    if (missing.length > 0) throw new NotFoundError('SHIPMENT_NOT_FOUND', `No shipment ${missing.join(', ')} was found`, { shipmentIds: missing });
    const orders = new Map<string, ActiveOrder>();
    for (const orderId of new Set(orderOf.values())) orders.set(orderId, (await this.orders.load(seller.sellerId, orderId)).order);
    const labels = shipmentIds.map((shipmentId) => {
      const order = orders.get(orderOf.get(shipmentId)!)!;
      const shipment = order.shipments.find((s) => s.shipmentId === shipmentId);
      if (!shipment) throw new NotFoundError('SHIPMENT_NOT_FOUND', `No shipment ${shipmentId} was found`, { shipmentIds: [shipmentId] });
      return labelDocumentOf(order, shipment);
    });
    sendPdf(request, reply, await renderLabelsOf(labels, query.layout ?? 'thermal-4x6'), false);
  }
}

import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandOutcome, EVENT_STORE, IssueCommandMessage, issueDecider, loadStream } from '@fulfil/commands';
import { IssueCommand, IssueEvent, IssueState, NotFoundError, OpenedIssue, issueStream } from '@fulfil/domain';
import type { EventStore } from '@fulfil/event-store';
import { OrderQueries } from '@fulfil/read-models';
import { CurrentSeller, SellerIdentity } from '../auth/auth.decorators';
import { ApiRequest, newId, sellerMeta, written } from '../command-request';
import { FreshReadQueryDto, ReadYourWrites } from '../orders/read-your-writes';
import { OrderIdParam, ShipmentParams } from '../orders/route-params';
import { CloseIssueDto, EscalateIssueDto, IssueIdParam, ProvideIssueInfoDto, RaiseIssueDto } from './issue.dto';

/** An issue as the seller sees it: where it stands, what the partner offers, and the whole history. */
function issueView(issue: OpenedIssue) {
  const { sellerId: _sellerId, ...view } = issue;
  return view;
}

const opened = (state: IssueState, issueId: string): OpenedIssue => {
  if (state.status === 'none') throw new NotFoundError('ISSUE_NOT_FOUND', `No issue ${issueId}`);
  return state;
};

/**
 * Issues about a shipment raised with its logistics partner (ONDC IGM 2.0): lost, damaged, delayed
 * or wrongly delivered parcels. The partner's answers arrive through the ONDC adapter.
 */
@ApiTags('issues')
@ApiBearerAuth()
@Controller()
export class IssuesController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly queries: OrderQueries,
    private readonly freshness: ReadYourWrites,
  ) {}

  private async run(command: IssueCommand, request: ApiRequest, seller: SellerIdentity) {
    const outcome = await this.commands.execute<IssueCommandMessage, CommandOutcome<IssueState>>(new IssueCommandMessage(command, sellerMeta(request, seller)));
    return { ...issueView(opened(outcome.state, command.issueId)), ...written(outcome) };
  }

  @Post('v1/orders/:orderId/shipments/:shipmentId/issues')
  @HttpCode(201)
  @ApiOperation({ summary: 'Raise an issue about an on-network shipment with its logistics partner (ONDC IGM 2.0 /issue)' })
  raise(@Param() { orderId, shipmentId }: ShipmentParams, @Body() body: RaiseIssueDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    const issueId = newId('iss', request, seller, `issue:${orderId}:${shipmentId}`);
    return this.run({ type: 'RaiseIssue', sellerId: seller.sellerId, issueId, orderId, shipmentId, kind: body.kind, description: body.description }, request, seller);
  }

  @Get('v1/orders/:orderId/issues')
  @ApiOperation({ summary: "The issues raised about the order's shipments, oldest first, each with its history (read models)" })
  async list(@Param() { orderId }: OrderIdParam, @Query() query: FreshReadQueryDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    await this.freshness.awaitRequested(request, query);
    // Both reads are scoped to the calling seller: another seller's order reads as missing.
    const [order, issues] = await Promise.all([this.queries.orderExists(seller.sellerId, orderId), this.queries.shipmentIssues(seller.sellerId, orderId)]);
    if (!order) throw new NotFoundError('ORDER_NOT_FOUND', `Order ${orderId} was not found`, { orderId });
    return { orderId, issues: issues.map(issueView) };
  }

  @Get('v1/issues/:issueId')
  @ApiOperation({ summary: 'An issue: its status and level, the resolution proposed or accepted, and every action of both sides' })
  async get(@Param() { issueId }: IssueIdParam, @CurrentSeller() seller: SellerIdentity) {
    const { state } = await loadStream<IssueState, IssueEvent>(this.store, issueStream(seller.sellerId, issueId), issueDecider);
    return issueView(opened(state, issueId));
  }

  @Post('v1/issues/:issueId/info')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give the partner the information it asked for' })
  info(@Param() { issueId }: IssueIdParam, @Body() body: ProvideIssueInfoDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    return this.run({ type: 'ProvideIssueInfo', sellerId: seller.sellerId, issueId, info: body.info }, request, seller);
  }

  @Post('v1/issues/:issueId/accept')
  @HttpCode(200)
  @ApiOperation({ summary: "Accept the partner's proposed resolution; the partner then resolves the issue" })
  accept(@Param() { issueId }: IssueIdParam, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    return this.run({ type: 'AcceptIssueResolution', sellerId: seller.sellerId, issueId }, request, seller);
  }

  @Post('v1/issues/:issueId/escalate')
  @HttpCode(200)
  @ApiOperation({ summary: "Reject the proposal (or the silence) and escalate: the issue becomes a grievance for the partner's grievance officer" })
  escalate(@Param() { issueId }: IssueIdParam, @Body() body: EscalateIssueDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    return this.run({ type: 'EscalateIssue', sellerId: seller.sellerId, issueId, reason: body.reason }, request, seller);
  }

  @Post('v1/issues/:issueId/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the issue once a resolution is proposed or made, saying whether the seller is satisfied' })
  close(@Param() { issueId }: IssueIdParam, @Body() body: CloseIssueDto, @CurrentSeller() seller: SellerIdentity, @Req() request: ApiRequest) {
    return this.run({ type: 'CloseIssue', sellerId: seller.sellerId, issueId, satisfied: body.satisfied }, request, seller);
  }
}

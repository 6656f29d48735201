import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE } from '@fulfil/commands';
import type { EventFilter, EventStore, Position, RecordedEvent } from '@fulfil/event-store';
import { PlatformRoute } from '../auth/auth.decorators';

/** One page of a filtered scan; operator views are rare and the filter runs in the store. */
const PAGE = 1000;
/** A scan stops after this many matching events, and says so: an operator view must answer, not hang on a huge store. */
const SCAN_LIMIT = 50_000;

async function scan(store: EventStore, filter: EventFilter, visit: (event: RecordedEvent) => void): Promise<{ truncated: boolean }> {
  let after: Position | undefined;
  let seen = 0;
  for (;;) {
    const page = await store.readAll({ maxCount: PAGE, filter, ...(after !== undefined ? { after } : {}) });
    for (const event of page) visit(event);
    seen += page.length;
    if (page.length < PAGE) return { truncated: false };
    if (seen >= SCAN_LIMIT) return { truncated: true };
    after = page[page.length - 1]!.position;
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

interface PartnerTally {
  partnerId: string;
  partnerName: string | null;
  assigned: number;
  delivered: number;
  cancelledByPartner: number;
  rtoInitiated: number;
  candidateFailures: number;
  lastFailure: { step: string | null; why: string | null; at: string } | null;
  lastSeenAt: string;
}

/** What platform operators see in the console: the sellers on the engine and the ONDC partners it dealt with. */
@ApiTags('admin')
@ApiBearerAuth()
@PlatformRoute()
@Controller('v1/admin')
export class OperatorOverviewController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('sellers')
  @ApiOperation({ summary: 'Every registered seller, oldest first, with its legal name and GSTIN at registration (platform key)' })
  async sellers() {
    const sellers: Array<{ sellerId: string; legalName: string | null; gstin: string | null; registeredAt: string }> = [];
    const { truncated } = await scan(this.store, { kind: 'eventType', prefixes: ['SellerRegistered'] }, (event) => {
      const profile = (event.data['profile'] ?? {}) as Record<string, unknown>;
      sellers.push({
        sellerId: str(event.data['sellerId']) ?? '',
        legalName: str(profile['legalName']) ?? null,
        gstin: str(profile['gstin']) ?? null,
        registeredAt: str(event.data['registeredAt']) ?? event.recordedAt.toISOString(),
      });
    });
    return { sellers, truncated };
  }

  @Get('ondc-partners')
  @ApiOperation({ summary: 'ONDC logistics partners the engine assigned or tried, with their outcomes: deliveries, cancellations, RTOs and failed steps (platform key)' })
  async partners() {
    const partners = new Map<string, PartnerTally>();
    const partnerOfShipment = new Map<string, string>();
    const tally = (partnerId: string, at: string): PartnerTally => {
      let entry = partners.get(partnerId);
      if (!entry) {
        entry = { partnerId, partnerName: null, assigned: 0, delivered: 0, cancelledByPartner: 0, rtoInitiated: 0, candidateFailures: 0, lastFailure: null, lastSeenAt: at };
        partners.set(partnerId, entry);
      }
      if (at > entry.lastSeenAt) entry.lastSeenAt = at;
      return entry;
    };
    const types = ['LogisticsPartnerAssigned', 'ShipmentDelivered', 'ShipmentCancelledByPartner', 'ShipmentRtoInitiated', 'CandidateFailed'];
    const { truncated } = await scan(this.store, { kind: 'eventType', prefixes: types }, (event) => {
      // Prefix filters also match longer type names: take only the exact ones.
      if (!types.includes(event.type)) return;
      const at = event.recordedAt.toISOString();
      const shipmentId = str(event.data['shipmentId']);
      if (event.type === 'LogisticsPartnerAssigned') {
        const partnerId = str(event.data['partnerId']);
        if (!partnerId) return;
        const entry = tally(partnerId, at);
        entry.partnerName = str(event.data['partnerName']) ?? entry.partnerName;
        entry.assigned += 1;
        if (shipmentId) partnerOfShipment.set(shipmentId, partnerId);
        return;
      }
      if (event.type === 'CandidateFailed') {
        const bppId = str(event.data['bppId']);
        if (!bppId) return;
        const entry = tally(bppId, at);
        entry.candidateFailures += 1;
        entry.lastFailure = { step: str(event.data['step']) ?? null, why: str(event.data['why']) ?? null, at };
        return;
      }
      const partnerId = shipmentId ? partnerOfShipment.get(shipmentId) : undefined;
      if (!partnerId) return; // an off-network shipment
      const entry = tally(partnerId, at);
      if (event.type === 'ShipmentDelivered') entry.delivered += 1;
      else if (event.type === 'ShipmentCancelledByPartner') entry.cancelledByPartner += 1;
      else entry.rtoInitiated += 1;
    });
    return { partners: [...partners.values()].sort((a, b) => (a.lastSeenAt < b.lastSeenAt ? 1 : -1)), truncated };
  }
}

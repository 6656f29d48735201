import { ISSUE_EVENT_TYPES, evolveIssue, initialIssueState, issueRefOfStream } from '@fulfil/domain';
import type { IssueEvent, IssueState, OpenedIssue } from '@fulfil/domain';
import type { RecordedEvent } from '@fulfil/event-store';
import type { SqlProjection } from '../runner/subscriber';
import { upsertRows, type ColumnSpec } from './bulk-write';
import { alreadyApplied } from './stream-revision';

const TABLE = 'shipment_issues';

/** One issue: the columns a list filters and sorts by, and the folded issue for its view. Timestamps are PostgreSQL text. */
interface IssueRow {
  seller_id: string;
  issue_id: string;
  order_id: string;
  shipment_id: string;
  kind: string;
  status: string;
  level: string;
  partner_id: string;
  raised_at: string;
  updated_at: string;
  last_revision: string;
  issue: OpenedIssue;
}

const COLUMNS: readonly ColumnSpec[] = [
  ...['seller_id', 'issue_id', 'order_id', 'shipment_id', 'kind', 'status', 'level', 'partner_id'].map((name) => ({ name, type: 'text' })),
  { name: 'raised_at', type: 'timestamptz' },
  { name: 'updated_at', type: 'timestamptz' },
  { name: 'last_revision', type: 'bigint' },
  { name: 'issue', type: 'jsonb' },
];

/** An issue stream begins with IssueRaised: anything else first means events were lost. */
export class IssueStreamStartError extends Error {
  constructor(stream: string, type: string) {
    super(`Stream ${stream} starts with ${type}, not IssueRaised`);
    this.name = 'IssueStreamStartError';
  }
}

const rowOf = (issue: OpenedIssue, revision: bigint): IssueRow => ({
  seller_id: issue.sellerId,
  issue_id: issue.issueId,
  order_id: issue.orderId,
  shipment_id: issue.shipmentId,
  kind: issue.kind,
  status: issue.status,
  level: issue.level,
  partner_id: issue.partnerId,
  raised_at: issue.raisedAt,
  updated_at: issue.updatedAt,
  last_revision: revision.toString(),
  issue,
});

/**
 * The issues raised about each order's shipments, so the order page lists them by seller and order
 * (each issue has its own stream). A row holds the issue folded as the domain folds it.
 */
export const shipmentIssuesProjection: SqlProjection = {
  kind: 'projection',
  name: 'shipment_issues',
  filter: { kind: 'eventType', prefixes: [...ISSUE_EVENT_TYPES] },
  tables: [TABLE],
  async apply(tx, events) {
    const relevant = events.filter((e) => issueRefOfStream(e.stream) !== undefined && (ISSUE_EVENT_TYPES as readonly string[]).includes(e.type));
    if (relevant.length === 0) return;
    const refs = [...new Map(relevant.map((e) => [e.stream, issueRefOfStream(e.stream)!])).values()];
    const { rows } = await tx.sql.query<{ seller_id: string; issue_id: string; last_revision: string; issue: OpenedIssue }>(
      `SELECT seller_id, issue_id, last_revision::text AS last_revision, issue FROM ${tx.table(TABLE)}
        WHERE (seller_id, issue_id) IN (SELECT k.seller_id, k.issue_id FROM jsonb_to_recordset($1::jsonb) AS k(seller_id text, issue_id text))`,
      [JSON.stringify(refs.map((r) => ({ seller_id: r.sellerId, issue_id: r.issueId })))],
    );
    const folded = new Map<string, { state: IssueState; revision: bigint | undefined }>(rows.map((r) => [`${r.seller_id}:${r.issue_id}`, { state: r.issue, revision: BigInt(r.last_revision) }]));
    const touched = new Set<string>();
    for (const recorded of relevant) {
      const ref = issueRefOfStream(recorded.stream)!;
      const key = `${ref.sellerId}:${ref.issueId}`;
      const current = folded.get(key) ?? { state: initialIssueState(), revision: undefined };
      if (alreadyApplied(current.revision, recorded)) continue;
      if (current.state.status === 'none' && recorded.type !== 'IssueRaised') throw new IssueStreamStartError(recorded.stream, recorded.type);
      folded.set(key, { state: evolveIssue(current.state, toIssueEvent(recorded)), revision: recorded.revision });
      touched.add(key);
    }
    const upserts = [...touched].flatMap((key) => {
      const { state, revision } = folded.get(key)!;
      return state.status === 'none' || revision === undefined ? [] : [rowOf(state, revision)];
    });
    await upsertRows(tx.sql, tx.table(TABLE), COLUMNS, upserts as unknown as Record<string, unknown>[], { key: ['seller_id', 'issue_id'], onConflict: 'update' });
  },
};

const toIssueEvent = (recorded: RecordedEvent): IssueEvent => ({ type: recorded.type, data: recorded.data }) as unknown as IssueEvent;

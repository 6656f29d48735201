import { useState } from 'preact/hooks';
import { api } from './api';
import { ActionForm, Field, Section } from './action-form';
import { label, rupees, when } from './format';
import { ISSUE_KINDS, type IssueKind, type IssueResolution, type OrderDetail, type ShipmentIssue, type Written } from './types';

type OnDone = (written: Written, name: string) => Promise<void>;

const post = (path: string, body: object = {}) => api<Written>(path, { method: 'POST', body });
const offer = (r: IssueResolution) => `${r.text}${r.refundPaise !== undefined ? ` (${rupees(r.refundPaise)})` : ''}`;

/** Raising an issue with the partner of an on-network shipment (lost, damaged, delayed, wrong delivery). */
function RaiseIssue({ order, shipmentId, onDone }: { order: OrderDetail; shipmentId: string; onDone: OnDone }) {
  const [kind, setKind] = useState<IssueKind>('damaged');
  const [description, setDescription] = useState('');
  const id = `issue-${shipmentId}`;
  return (
    <ActionForm name={`Raise an issue about ${shipmentId}`} onDone={onDone} submit={() => post(`/v1/orders/${encodeURIComponent(order.orderId)}/shipments/${encodeURIComponent(shipmentId)}/issues`, { kind, description })}>
      <Field id={`${id}-kind`} label="What went wrong">
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as IssueKind)}>
          {ISSUE_KINDS.map((k) => (
            <option key={k} value={k}>
              {label(k)}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-description`} label="Describe it for the partner">
        <textarea id={`${id}-description`} required maxLength={1000} value={description} onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)} />
      </Field>
    </ActionForm>
  );
}

/** One issue: where it stands, the partner's question or offer with the seller's answers to it, and the history. */
function IssueCard({ issue, onDone }: { issue: ShipmentIssue; onDone: OnDone }) {
  const [info, setInfo] = useState('');
  const [reason, setReason] = useState('');
  const base = `/v1/issues/${encodeURIComponent(issue.issueId)}`;
  const open = issue.status !== 'closed';
  return (
    <li data-issue-id={issue.issueId}>
      <strong>{label(issue.kind)}</strong> about {issue.shipmentId} with {issue.partnerName} · <span class="badge" data-testid="issue-status">{label(issue.status)}</span>
      {issue.level === 'grievance' && ' · grievance'}
      {issue.proposal && <p data-testid="issue-proposal">Proposed: {offer(issue.proposal)}</p>}
      {issue.accepted && <p data-testid="issue-accepted">Accepted: {offer(issue.accepted)}</p>}
      {open && issue.infoRequest && (
        <ActionForm name="Send the information" onDone={onDone} submit={() => post(`${base}/info`, { info })}>
          <Field id={`${issue.issueId}-info`} label={`The partner asks: ${issue.infoRequest.text}`}>
            <textarea id={`${issue.issueId}-info`} required maxLength={1000} value={info} onInput={(e) => setInfo((e.target as HTMLTextAreaElement).value)} />
          </Field>
        </ActionForm>
      )}
      {open && issue.proposal && <ActionForm name="Accept the resolution" onDone={onDone} submit={() => post(`${base}/accept`)} />}
      {open && issue.level === 'issue' && issue.status !== 'resolved' && issue.status !== 'resolution_accepted' && (
        <ActionForm name="Escalate" danger onDone={onDone} submit={() => post(`${base}/escalate`, { reason })}>
          <Field id={`${issue.issueId}-reason`} label="Why it falls short">
            <input id={`${issue.issueId}-reason`} required maxLength={1000} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          </Field>
        </ActionForm>
      )}
      {open && issue.resolutions.length > 0 && (
        <>
          <ActionForm name="Close, satisfied" onDone={onDone} submit={() => post(`${base}/close`, { satisfied: true })} />
          <ActionForm name="Close, not satisfied" onDone={onDone} submit={() => post(`${base}/close`, { satisfied: false })} />
        </>
      )}
      <ol class="history">
        {issue.actions.map((a) => (
          <li key={a.actionId}>
            <time dateTime={a.at}>{when(a.at)}</time> <strong>{a.by === 'seller' ? 'You' : issue.partnerName}</strong>: {label(a.code)} — {a.text}
          </li>
        ))}
      </ol>
    </li>
  );
}

/** The order's issues with its logistics partners, and a way to raise one about each shipment that has a partner. */
export function IssuesSection({ order, issues, onDone }: { order: OrderDetail; issues: ShipmentIssue[]; onDone: OnDone }) {
  const withPartner = order.shipments.filter((s) => s.mode === 'on-network' && s.partner);
  return (
    <Section id="issues-title" title="Issues with the delivery partner">
      {issues.length === 0 ? <p>No issue raised.</p> : <ul class="issues">{issues.map((issue) => <IssueCard key={issue.issueId} issue={issue} onDone={onDone} />)}</ul>}
      {withPartner.map((s) => (
        <RaiseIssue key={s.shipmentId} order={order} shipmentId={s.shipmentId} onDone={onDone} />
      ))}
    </Section>
  );
}

import { FindingList, arrayAt, at, textAt } from './conformance-finding';
import type { TransactionMessage } from './check-transaction';

/**
 * The IGM 2.0 rules for an issue about a shipment (issue, on_issue), as ONDC's log validation
 * states them for IGM 2.0.0 (its schemas and its issue, on_issue, actors, actions and refs checks),
 * with the checks it means but misspells (the FULFILLMENT ref) made as intended. Pure.
 */

const IGM_VERSION = '2.0.0';
const TEN_DIGITS = /^[0-9]{10}$/;
/** Codes whose action refers to a resolution: the message must carry the resolutions. */
const RESOLUTION_CODES = ['RESOLUTION_PROPOSED', 'RESOLUTION_ACCEPTED', 'RESOLVED', 'CLOSED'];
const REQUIRED_REFS = ['ORDER', 'PROVIDER', 'FULFILLMENT'];
const UPDATE_ACTIONS = ['APPENDED', 'REMOVED', 'MODIFIED'];

const time = (value: string | undefined): number => (value === undefined ? NaN : Date.parse(value));

function checkContext(f: FindingList, body: unknown, sent: boolean): void {
  f.require('igm.context', 'context', ['domain', 'country', 'city', 'action', 'core_version', 'bap_id', 'bap_uri', 'bpp_id', 'bpp_uri', 'transaction_id', 'message_id', 'timestamp', 'ttl']);
  const domain = textAt(body, 'context.domain');
  f.check('igm.context', 'context.domain', domain === 'ONDC:LOG10' || domain === 'ONDC:LOG11', 'domain is neither ONDC:LOG10 nor ONDC:LOG11');
  f.check('igm.context', 'context.core_version', textAt(body, 'context.core_version') === IGM_VERSION, `core_version must be ${IGM_VERSION}`);
  // Contexts of the 2.x protocol name the place by location; ONDC's IGM check asks it of logistics too.
  if (sent) f.require('igm.context', 'context.location', ['country.code', 'city.code']);
}

function checkIssue(f: FindingList, body: unknown, action: 'issue' | 'on_issue'): void {
  const issue = 'message.issue';
  f.require('igm.issue', issue, ['id', 'status', 'level', 'created_at', 'updated_at', 'expected_response_time.duration', 'expected_resolution_time.duration', 'source_id', 'complainant_id', 'descriptor.code', 'descriptor.short_desc', 'descriptor.long_desc', 'last_action_id']);
  const created = time(textAt(body, `${issue}.created_at`));
  const updated = time(textAt(body, `${issue}.updated_at`));
  f.check('igm.timestamps', `${issue}.created_at`, !(created > updated), 'created_at is after updated_at');
  f.check('igm.timestamps', `${issue}.updated_at`, !(updated > time(textAt(body, 'context.timestamp'))), 'updated_at is after the context timestamp');
  // ONDC's on_issue check: the answer updates the issue as it is sent.
  if (action === 'on_issue') f.check('igm.timestamps', `${issue}.updated_at`, !(updated < time(textAt(body, 'context.timestamp'))), 'an on_issue updates the issue when it is sent: updated_at is before the context timestamp');
  const actions = arrayAt(body, `${issue}.actions`);
  f.check('igm.actions', `${issue}.actions`, actions.length > 0, 'an issue carries its actions');
  const last = actions[actions.length - 1];
  if (last !== undefined) {
    f.check('igm.last-action', `${issue}.last_action_id`, textAt(body, `${issue}.last_action_id`) === textAt(last, 'id'), 'last_action_id is not the id of the last action');
    f.check('igm.timestamps', `${issue}.updated_at`, !(updated > time(textAt(last, 'updated_at'))), "updated_at is after the last action's updated_at");
  }
  if (action === 'issue' && actions.length === 1) {
    f.check('igm.first-issue', `${issue}.status`, textAt(body, `${issue}.status`) === 'OPEN', 'the first issue is OPEN');
    f.check('igm.first-issue', `${issue}.updated_at`, textAt(body, `${issue}.updated_at`) === textAt(body, `${issue}.created_at`), 'the first issue is updated when it is created');
  }
  if (action === 'on_issue' || actions.length > 1) {
    const targets = arrayAt(body, 'message.update_target');
    f.check('igm.update-target', 'message.update_target', targets.length > 0, 'an update of the issue says what changed');
    targets.forEach((t, i) => {
      f.check('igm.update-target', `message.update_target[${i}].path`, textAt(t, 'path')?.startsWith('issue.') === true, 'path starts with "issue."');
      f.check('igm.update-target', `message.update_target[${i}].action`, UPDATE_ACTIONS.includes(textAt(t, 'action') ?? ''), `action is one of ${UPDATE_ACTIONS.join(', ')}`);
    });
  }
  checkActors(f, body);
  const resolutions = arrayAt(body, `${issue}.resolutions`);
  actions.forEach((a, i) => {
    const path = `${issue}.actions[${i}]`;
    f.require('igm.actions', path, ['id', 'descriptor.code', 'updated_at', 'action_by', 'actor_details.name']);
    const code = textAt(a, 'descriptor.code') ?? '';
    if (RESOLUTION_CODES.includes(code)) f.check('igm.resolutions', `${issue}.resolutions`, resolutions.length > 0, `a ${code} action needs the resolutions`);
    const ref = textAt(a, 'ref_id');
    if (code === 'RESOLUTION_ACCEPTED' || code === 'RESOLUTION_PROPOSED') f.check('igm.resolutions', `${path}.ref_id`, resolutions.some((r) => textAt(r, 'id') === ref), `${code} names no resolution of the issue`);
  });
  const refTypes = arrayAt(body, `${issue}.refs`).map((r) => textAt(r, 'ref_type'));
  for (const type of REQUIRED_REFS) f.check('igm.refs', `${issue}.refs`, refTypes.includes(type), `no ${type} ref`);
}

function checkActors(f: FindingList, body: unknown): void {
  const issue = 'message.issue';
  const actors = arrayAt(body, `${issue}.actors`);
  const ids = actors.map((a) => textAt(a, 'id'));
  actors.forEach((a, i) => {
    f.require('igm.actors', `${issue}.actors[${i}]`, ['id', 'type', 'info.org.name', 'info.contact.phone', 'info.contact.email']);
    const phone = textAt(a, 'info.contact.phone');
    if (phone !== undefined) f.check('igm.actors', `${issue}.actors[${i}].info.contact.phone`, TEN_DIGITS.test(phone), 'phone is not ten digits');
    const email = textAt(a, 'info.contact.email');
    if (email !== undefined) f.check('igm.actors', `${issue}.actors[${i}].info.contact.email`, email.includes('@'), 'email is not an e-mail address');
  });
  for (const field of ['source_id', 'complainant_id']) {
    const id = textAt(body, `${issue}.${field}`);
    if (id !== undefined) f.check('igm.actors', `${issue}.${field}`, ids.includes(id), `${field} names no actor`);
  }
  const complainant = actors.find((a) => textAt(a, 'id') === textAt(body, `${issue}.complainant_id`));
  if (complainant) f.check('igm.actors', `${issue}.complainant_id`, textAt(complainant, 'type') === 'INTERFACING_NP', 'the complainant is the interfacing network participant');
  const respondents = at(body, `${issue}.respondent_ids`);
  if (Array.isArray(respondents)) respondents.forEach((id, i) => f.check('igm.actors', `${issue}.respondent_ids[${i}]`, ids.includes(String(id)), 'respondent names no actor'));
  arrayAt(body, `${issue}.actions`).forEach((a, i) => {
    const by = textAt(a, 'action_by');
    if (by !== undefined) f.check('igm.actors', `${issue}.actions[${i}].action_by`, ids.includes(by), 'action_by names no actor');
  });
}

/** The rules of one IGM message, sent (issue) or received (on_issue). */
export function checkIgmMessage(f: FindingList, body: unknown, action: 'issue' | 'on_issue'): void {
  checkContext(f, body, action === 'issue');
  if (action === 'on_issue') {
    f.check('igm.respondent', 'message.issue.respondent_ids', arrayAt(body, 'message.issue.respondent_ids').length > 0, 'an on_issue names its respondent');
  }
  checkIssue(f, body, action);
}

/**
 * What an on_issue must keep of the transaction: our issue's id and every action we sent (the
 * partner appends), and an issue names the order confirmed.
 */
export function checkIgmAgainstTransaction(f: FindingList, body: unknown, before: readonly TransactionMessage[]): void {
  const action = textAt(body, 'context.action');
  const issueId = textAt(body, 'message.issue.id');
  const confirm = [...before].reverse().find((m) => m.direction === 'sent' && textAt(m.body, 'context.action') === 'confirm');
  if (confirm) {
    const orderRef = arrayAt(body, 'message.issue.refs').find((r) => textAt(r, 'ref_type') === 'ORDER');
    f.check('transaction.igm-order', 'message.issue.refs', textAt(orderRef, 'ref_id') === textAt(confirm.body, 'message.order.id'), 'the ORDER ref is not the order confirmed');
  }
  if (action !== 'on_issue') return;
  const ours = [...before].reverse().find((m) => m.direction === 'sent' && textAt(m.body, 'context.action') === 'issue' && textAt(m.body, 'message.issue.id') === issueId);
  f.check('transaction.igm-issue', 'message.issue.id', ours !== undefined, `no issue ${String(issueId)} of ours in this transaction`);
  if (!ours) return;
  const echoed = new Set(arrayAt(body, 'message.issue.actions').map((a) => textAt(a, 'id')));
  const missing = arrayAt(ours.body, 'message.issue.actions').map((a) => textAt(a, 'id')).filter((id) => !echoed.has(id));
  f.check('transaction.igm-actions', 'message.issue.actions', missing.length === 0, `actions of ours left out: ${missing.join(', ')}`);
}

import { formatRupees, parseRupees } from '@fulfil/ondc';
import type { OnReconMessage, RsfOrder, RsfSettlement } from '@fulfil/ondc';
import type { SandboxPartner } from '../network';
import type { SandboxOrder } from './partner-book';

/**
 * How a sandbox partner answers a /recon (RSF 2.0) about the COD of one of its orders: it remits
 * what it collected, less `reconShortPaise`; in accord when that is what we claimed, else with its
 * own figure as diff_value. It settles at once, or after `settleAfterRecons` rounds it answers
 * PENDING to. Pure.
 */
export function answerRecon(partner: SandboxPartner, asked: RsfOrder, order: SandboxOrder, round: number, nowIso: string): OnReconMessage['orders'][number] {
  const collected = parseRupees(order.codCollected?.value ?? '0') ?? 0;
  const remits = Math.max(0, collected - (partner.setup.reconShortPaise ?? 0));
  const settled = round > (partner.setup.settleAfterRecons ?? 0);
  let accord = true;
  const settlements = asked.settlements.map((ours): RsfSettlement => {
    const claimed = parseRupees(ours.amount.value);
    const agrees = claimed === remits;
    accord &&= agrees;
    return {
      ...ours,
      status: settled ? 'SETTLED' : 'PENDING',
      amount: agrees ? { currency: 'INR', value: ours.amount.value } : { currency: 'INR', value: ours.amount.value, diff_value: formatRupees(remits) },
      ...(settled ? { settlement_ref_no: `SBXUTR${order.id.slice(0, 12).toUpperCase()}` } : { due_date: nowIso.slice(0, 10) }),
      updated_at: nowIso,
    };
  });
  return { id: asked.id, amount: asked.amount, recon_accord: accord, settlements };
}

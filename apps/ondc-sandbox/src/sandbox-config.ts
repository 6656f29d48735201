import { KeyFormatError, signingPublicKeyFrom } from '@fulfil/ondc';
import { BuyerRegistration, PARTNER_NAMES, PartnerName, PartnerSetup, TROUBLES, isPartnerName, isTrouble } from './sandbox-options';
import type { StandaloneSandboxOptions } from './start-sandbox';

export class SandboxConfigError extends Error {
  override readonly name = 'SandboxConfigError';
}

export const DEFAULT_SANDBOX_PORT = 4010;
export const DEFAULT_STEP_MS = 5_000;
export const DEFAULT_ENGINE_KEY_ID = 'k1';

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** A partner's own habit in SANDBOX_PARTNERS: a surge fee in paise, or the weight in grams it measures every parcel at. */
const HABIT = /^(surge|weighs|remits-short|settles-after)=([1-9][0-9]{0,6})$/;

/**
 * `name`, `troublemaker:<trouble>` to pick the troublemaker's habit, and for any partner
 * `:surge=<paise>` (a surge fee before GST), `:weighs=<grams>` (a weight differential after
 * pickup), `:remits-short=<paise>` (a COD remittance short by that much when reconciled) or
 * `:settles-after=<rounds>` (reconciliation rounds answered pending first), e.g.
 * `cheap-slow:surge=1500:weighs=2600` (see the README's sandbox partner behaviours).
 */
function partners(env: Env, problems: string[]): Array<PartnerName | PartnerSetup> | undefined {
  const raw = env['SANDBOX_PARTNERS'];
  if (!raw) return undefined;
  const entries = raw.split(',').map((n) => n.trim()).filter(Boolean);
  const names = entries.map((e) => e.split(':')[0]!);
  const unknown = names.filter((n) => !isPartnerName(n));
  if (unknown.length > 0) problems.push(`SANDBOX_PARTNERS has unknown partners ${unknown.join(', ')}; known: ${PARTNER_NAMES.join(', ')}`);
  const isHabit = (name: string, part: string) => HABIT.test(part) || (name === 'troublemaker' && isTrouble(part));
  const badTrouble = entries.filter((e) => {
    const [name = '', ...parts] = e.split(':');
    return parts.some((part) => !isHabit(name, part));
  });
  if (badTrouble.length > 0) problems.push(`SANDBOX_PARTNERS: ${badTrouble.join(', ')} is no partner habit; troublemaker takes one of ${TROUBLES.join(', ')}, any partner surge=<paise>, weighs=<grams>, remits-short=<paise> or settles-after=<rounds>`);
  return entries.flatMap((entry): Array<PartnerName | PartnerSetup> => {
    const [name, ...parts] = entry.split(':');
    if (!name || !isPartnerName(name)) return [];
    if (parts.length === 0) return [name];
    const setup: PartnerSetup = { name };
    for (const part of parts) {
      const habit = HABIT.exec(part);
      if (habit?.[1] === 'surge') setup.surgePaise = Number(habit[2]);
      else if (habit?.[1] === 'weighs') setup.measuredWeightGrams = Number(habit[2]);
      else if (habit?.[1] === 'remits-short') setup.reconShortPaise = Number(habit[2]);
      else if (habit?.[1] === 'settles-after') setup.settleAfterRecons = Number(habit[2]);
      else if (isTrouble(part)) setup.trouble = part;
    }
    return [setup];
  });
}

function engine(env: Env, problems: string[]): BuyerRegistration[] {
  const subscriberId = env['ENGINE_SUBSCRIBER_ID'];
  const signingPublicKey = env['ENGINE_SIGNING_PUBLIC_KEY'];
  const subscriberUrl = env['ENGINE_BAP_URI'];
  if (!subscriberId && !signingPublicKey && !subscriberUrl) return [];
  if (!subscriberId || !signingPublicKey || !subscriberUrl) {
    problems.push('ENGINE_SUBSCRIBER_ID, ENGINE_SIGNING_PUBLIC_KEY and ENGINE_BAP_URI go together: set all three, or none');
    return [];
  }
  try {
    signingPublicKeyFrom(signingPublicKey);
  } catch (error) {
    if (!(error instanceof KeyFormatError)) throw error;
    problems.push(`ENGINE_SIGNING_PUBLIC_KEY: ${error.message}`);
  }
  if (!/^https?:\/\/[^\s]+$/.test(subscriberUrl)) problems.push(`ENGINE_BAP_URI must be an http(s) URL, got "${subscriberUrl}"`);
  return [{ subscriberId, uniqueKeyId: env['ENGINE_UNIQUE_KEY_ID'] || DEFAULT_ENGINE_KEY_ID, signingPublicKey, subscriberUrl }];
}

/**
 * The standalone sandbox's settings: PORT, SANDBOX_STEP_MS, SANDBOX_PARTNERS (comma-separated, the troublemaker as `troublemaker:<trouble>` when wanted),
 * SANDBOX_BASE_URL, and the engine's registration (ENGINE_SUBSCRIBER_ID, ENGINE_UNIQUE_KEY_ID,
 * ENGINE_SIGNING_PUBLIC_KEY, ENGINE_BAP_URI). Every bad value is reported, not just the first.
 */
export function sandboxOptionsFromEnv(env: Env): StandaloneSandboxOptions {
  const problems: string[] = [];
  const port = integer(env, 'PORT', DEFAULT_SANDBOX_PORT, 0, 65_535, problems);
  const stepMs = integer(env, 'SANDBOX_STEP_MS', DEFAULT_STEP_MS, 1, 3_600_000, problems);
  const participants = partners(env, problems);
  const buyers = engine(env, problems);
  if (problems.length > 0) throw new SandboxConfigError(`ONDC sandbox configuration:\n  ${problems.join('\n  ')}`);
  const options: StandaloneSandboxOptions = { port, host: '0.0.0.0', stepMs, buyers };
  if (env['SANDBOX_BASE_URL']) options.baseUrl = env['SANDBOX_BASE_URL'];
  if (participants) options.participants = participants;
  return options;
}

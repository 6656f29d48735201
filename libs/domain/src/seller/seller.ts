import { ConflictError, IllegalStepError, NotFoundError, RateLimitedError } from '../shared/domain-error';
import { Validator } from '../shared/validation';
import { isGstStateCode, normalizeGstin } from '../gst';
import {
  Address,
  DELIVERY_CATEGORIES,
  DeliveryCategory,
  PackageDetails,
  SHIPPING_MODES,
  ShippingMode,
  validateAddress,
  validateGstin,
  validatePackage,
} from '../shared/values';
import { DEFAULT_WHATSAPP_NUMBER_POLICY, WhatsAppNumberCodes, WhatsAppNumberPolicy, whatsappNumberTaken } from './whatsapp-number';

export const sellerStream = (sellerId: string): string => `seller-${sellerId}`;

export interface SellerProfile {
  legalName: string;
  gstin: string;
  /** GST state code of the seller's registration (and pickup). */
  stateCode: string;
  /** Must lie in the GSTIN's state, or in one of `additionalPlacesOfBusiness`. */
  pickupAddress: Address;
  /** GST state codes of the additional places of business declared on the registration. */
  additionalPlacesOfBusiness?: string[];
}

export interface SellerSettings {
  autoInvoice: boolean;
  autoManifest: boolean;
  /** Prefix of sequential invoice numbers, e.g. "INV/"; the number adds a 5-digit sequence. */
  invoicePrefix: string;
  defaultShippingMode: ShippingMode;
  defaultPackage?: PackageDetails;
  /**
   * The number the seller runs WhatsApp order processing from, E.164 without "+"; set only once the
   * seller confirmed the code sent to it. Setting another one leaves this until that one is verified.
   */
  whatsappNumber?: string;
  /** Days after delivery within which a customer return is accepted (0: no returns); absent: `DEFAULT_RETURN_WINDOW_DAYS`. */
  returnWindowDays?: number;
  /** The delivery category the seller's on-network shipments ask for unless a shipment names one; absent: the ONDC adapter's configured default. */
  deliveryCategory?: DeliveryCategory;
  /**
   * The most an ONDC partner's surge fee (its surge item's price, before GST) may be for the seller's
   * on-network shipments; a dearer surge rules the offer out. Absent: `DEFAULT_MAX_SURGE_FEE_PAISE`.
   */
  maxSurgeFeePaise?: number;
}

/** No surge accepted unless the seller says so: a surge is a price the seller did not see when pricing the order. */
export const DEFAULT_MAX_SURGE_FEE_PAISE = 0;
/** ₹10,000: a cap above any plausible surge, so a typo of a few zeros is caught. */
export const MAX_SURGE_FEE_CAP_PAISE = 1_000_000;
export const maxSurgeFeeOf = (settings: SellerSettings): number => settings.maxSurgeFeePaise ?? DEFAULT_MAX_SURGE_FEE_PAISE;

export const DEFAULT_RETURN_WINDOW_DAYS = 7;
export const MAX_RETURN_WINDOW_DAYS = 365;

export const returnWindowDaysOf = (settings: SellerSettings): number => settings.returnWindowDays ?? DEFAULT_RETURN_WINDOW_DAYS;

/** A number set but not yet confirmed with the code sent to it. */
export interface PendingWhatsAppNumber {
  number: string;
  /** Which request this is for the seller: the code is derived from it. */
  codeSequence: number;
  expiresAt: string;
  failedAttempts: number;
}

export type SellerEvent =
  | { type: 'SellerRegistered'; data: { sellerId: string; profile: SellerProfile; settings: SellerSettings; registeredAt: string } }
  | { type: 'SellerProfileUpdated'; data: { sellerId: string; profile: SellerProfile; updatedAt: string } }
  | { type: 'SellerSettingsChanged'; data: { sellerId: string; settings: SellerSettings; changedAt: string } }
  | { type: 'SellerApiKeyIssued'; data: { sellerId: string; keyId: string; secretSha256: string; issuedAt: string } }
  | { type: 'SellerApiKeyRevoked'; data: { sellerId: string; keyId: string; revokedAt: string } }
  | { type: 'SellerWhatsAppNumberVerificationRequested'; data: { sellerId: string; number: string; codeSequence: number; expiresAt: string; requestedAt: string } }
  | {
      type: 'SellerWhatsAppNumberCodeRejected';
      data: { sellerId: string; number: string; codeSequence: number; failedAttempts: number; attemptsLeft: number; rejectedAt: string };
    }
  | { type: 'SellerWhatsAppNumberVerified'; data: { sellerId: string; number: string; codeSequence: number; verifiedAt: string } };

export type SellerCommand =
  | { type: 'RegisterSeller'; sellerId: string; profile: SellerProfile; settings: Partial<SellerSettings> }
  | { type: 'UpdateSellerProfile'; sellerId: string; profile: Partial<SellerProfile> }
  | { type: 'ChangeSellerSettings'; sellerId: string; settings: Partial<SellerSettings> }
  | { type: 'IssueSellerApiKey'; sellerId: string; keyId: string; secretSha256: string }
  /** Revokes every key the seller has and issues this one: for a key lost or leaked. */
  | { type: 'RotateSellerApiKey'; sellerId: string; keyId: string; secretSha256: string }
  /** The code sent to the pending WhatsApp number, as the seller received it. */
  | { type: 'ConfirmSellerWhatsAppNumber'; sellerId: string; code: string };

export type SellerState =
  | { status: 'unregistered' }
  | {
      status: 'registered';
      sellerId: string;
      profile: SellerProfile;
      settings: SellerSettings;
      apiKeys: SellerApiKey[];
      pendingWhatsAppNumber?: PendingWhatsAppNumber;
      /** When each verification code was requested, for the rolling limit; its length numbers the next code. */
      whatsappCodeRequests: string[];
    };

/** Only a hash of the key's secret is kept; the key itself is shown to the seller once. */
export interface SellerApiKey {
  keyId: string;
  secretSha256: string;
}

export const initialSellerState = (): SellerState => ({ status: 'unregistered' });

export const DEFAULT_SELLER_SETTINGS: SellerSettings = {
  autoInvoice: false,
  autoManifest: false,
  invoicePrefix: 'INV/',
  defaultShippingMode: 'on-network',
};

/**
 * A prefix leaves room for a 5-digit sequence inside the 16-character invoice number limit, and
 * starts with a letter or 1-9, so that no number of the series starts with "0", "/" or "-", which
 * the e-invoice portal refuses (ADR 0019).
 */
const INVOICE_PREFIX = /^[A-Za-z1-9][A-Za-z0-9/-]{0,10}$/;
const WHATSAPP_NUMBER = /^[1-9][0-9]{9,14}$/;

export const isWhatsAppNumber = (value: unknown): value is string => typeof value === 'string' && WHATSAPP_NUMBER.test(value);

export function validateSellerProfile(v: Validator, profile: Partial<SellerProfile>, partial: boolean): void {
  const present = (value: unknown): boolean => !partial || value !== undefined;
  if (present(profile.legalName)) v.nonEmptyString(profile.legalName, 'profile.legalName', 200);
  if (present(profile.gstin)) validateGstin(v, profile.gstin, 'profile.gstin');
  if (present(profile.pickupAddress)) validateAddress(v, profile.pickupAddress, 'profile.pickupAddress');
  if (present(profile.stateCode)) {
    v.check(typeof profile.stateCode === 'string' && isGstStateCode(profile.stateCode), 'profile.stateCode', 'must be a GST state code such as "29"');
    v.check(typeof profile.gstin !== 'string' || profile.gstin.startsWith(String(profile.stateCode)), 'profile.stateCode', 'must match the first two digits of the GSTIN');
  }
  if (profile.additionalPlacesOfBusiness !== undefined) validatePlacesOfBusiness(v, profile.additionalPlacesOfBusiness);
}

const MAX_PLACES_OF_BUSINESS = 40;

function validatePlacesOfBusiness(v: Validator, places: unknown): void {
  const field = 'profile.additionalPlacesOfBusiness';
  if (!Array.isArray(places) || places.length > MAX_PLACES_OF_BUSINESS) {
    v.check(false, field, `must list at most ${MAX_PLACES_OF_BUSINESS} GST state codes`);
    return;
  }
  places.forEach((code, i) => v.check(typeof code === 'string' && isGstStateCode(code), `${field}.${i}`, 'must be a GST state code such as "29"'));
  v.check(new Set(places).size === places.length, field, 'must not list a state twice');
}

/**
 * Goods leave from a place of business of the registration: the GSTIN's own state (its first two
 * digits) or one declared as an additional place of business. Judged on the whole profile.
 */
export function validatePickupState(v: Validator, profile: Partial<SellerProfile>): void {
  const pickupState = profile.pickupAddress?.stateCode;
  if (typeof profile.gstin !== 'string' || typeof pickupState !== 'string') return;
  const allowed = [profile.gstin.slice(0, 2), ...(Array.isArray(profile.additionalPlacesOfBusiness) ? profile.additionalPlacesOfBusiness : [])];
  v.check(
    allowed.includes(pickupState),
    'profile.pickupAddress.stateCode',
    `must be the GSTIN's state (${profile.gstin.slice(0, 2)}) or a declared additional place of business (profile.additionalPlacesOfBusiness)`,
  );
}

export function validateSellerSettings(v: Validator, settings: Partial<SellerSettings>): void {
  if (settings.autoInvoice !== undefined) v.check(typeof settings.autoInvoice === 'boolean', 'settings.autoInvoice', 'must be true or false');
  if (settings.autoManifest !== undefined) v.check(typeof settings.autoManifest === 'boolean', 'settings.autoManifest', 'must be true or false');
  if (settings.invoicePrefix !== undefined) {
    v.matches(
      settings.invoicePrefix,
      INVOICE_PREFIX,
      'settings.invoicePrefix',
      'must be 1 to 11 characters of letters, digits, "/" and "-", starting with a letter or 1-9 (the e-invoice portal refuses numbers starting with "0", "/" or "-")',
    );
  }
  if (settings.defaultShippingMode !== undefined) v.oneOf(settings.defaultShippingMode, SHIPPING_MODES, 'settings.defaultShippingMode');
  if (settings.deliveryCategory !== undefined) v.oneOf(settings.deliveryCategory, DELIVERY_CATEGORIES, 'settings.deliveryCategory');
  if (settings.maxSurgeFeePaise !== undefined) v.integer(settings.maxSurgeFeePaise, 'settings.maxSurgeFeePaise', 0, MAX_SURGE_FEE_CAP_PAISE);
  if (settings.defaultPackage !== undefined) validatePackage(v, settings.defaultPackage, 'settings.defaultPackage');
  if (settings.returnWindowDays !== undefined) v.integer(settings.returnWindowDays, 'settings.returnWindowDays', 0, MAX_RETURN_WINDOW_DAYS);
  if (settings.whatsappNumber !== undefined) {
    v.matches(settings.whatsappNumber, WHATSAPP_NUMBER, 'settings.whatsappNumber', 'must be an international number in digits only, e.g. 919876543210');
  }
}

/** A profile or patch as given, its GSTIN (if any) in the capitals the portal prints. */
function withNormalGstin<P extends Partial<SellerProfile>>(profile: P): P {
  return profile && typeof profile === 'object' && profile.gstin !== undefined ? { ...profile, gstin: normalizeGstin(profile.gstin) } : profile;
}

export interface SellerContext {
  now: Date;
  /** Checks a WhatsApp verification code; the code is derived from a server secret, never stored. */
  whatsappCodes: WhatsAppNumberCodes;
  /** The seller holding the WhatsApp number this command names, as its claim stream says. */
  whatsappNumberHolder?: string;
  whatsappPolicy?: WhatsAppNumberPolicy;
}

type RegisteredState = Extract<SellerState, { status: 'registered' }>;

/** Records `number` as pending and asks for a code to be sent to it (the WhatsApp channel sends it). */
function requestWhatsAppVerification(
  seller: Pick<RegisteredState, 'sellerId' | 'whatsappCodeRequests'>,
  number: string,
  ctx: SellerContext,
): SellerEvent[] {
  if (ctx.whatsappNumberHolder !== undefined && ctx.whatsappNumberHolder !== seller.sellerId) throw whatsappNumberTaken(number);
  const policy = ctx.whatsappPolicy ?? DEFAULT_WHATSAPP_NUMBER_POLICY;
  const windowStart = ctx.now.getTime() - policy.requestWindowMs;
  const recent = seller.whatsappCodeRequests.map((at) => Date.parse(at)).filter((at) => at > windowStart);
  if (recent.length >= policy.maxRequests) {
    const retryAt = Math.min(...recent) + policy.requestWindowMs;
    throw new RateLimitedError(
      'WHATSAPP_CODE_REQUEST_LIMIT',
      `At most ${policy.maxRequests} WhatsApp verification codes per ${Math.round(policy.requestWindowMs / 60000)} minutes`,
      Math.max(1, Math.ceil((retryAt - ctx.now.getTime()) / 1000)),
      { number },
    );
  }
  return [
    {
      type: 'SellerWhatsAppNumberVerificationRequested',
      data: {
        sellerId: seller.sellerId,
        number,
        codeSequence: seller.whatsappCodeRequests.length + 1,
        expiresAt: new Date(ctx.now.getTime() + policy.codeTtlMs).toISOString(),
        requestedAt: ctx.now.toISOString(),
      },
    },
  ];
}

function decideConfirmWhatsAppNumber(state: RegisteredState, code: string, ctx: SellerContext): SellerEvent[] {
  new Validator().matches(code, /^[0-9]{6}$/, 'code', 'must be the 6 digits sent to the WhatsApp number').throwIfInvalid();
  const pending = state.pendingWhatsAppNumber;
  if (!pending) throw new IllegalStepError('WHATSAPP_NUMBER_NOT_PENDING', 'No WhatsApp number is waiting for its code: set settings.whatsappNumber first');
  const policy = ctx.whatsappPolicy ?? DEFAULT_WHATSAPP_NUMBER_POLICY;
  const ref = { sellerId: state.sellerId, number: pending.number, codeSequence: pending.codeSequence };
  if (pending.failedAttempts >= policy.maxAttempts) {
    throw new IllegalStepError('WHATSAPP_CODE_LOCKED', 'Too many wrong codes: set the WhatsApp number again for a fresh code', { number: pending.number });
  }
  if (ctx.now.getTime() > Date.parse(pending.expiresAt)) {
    throw new IllegalStepError('WHATSAPP_CODE_EXPIRED', 'The code has expired: set the WhatsApp number again for a fresh code', { number: pending.number, expiresAt: pending.expiresAt });
  }
  const at = ctx.now.toISOString();
  if (ctx.whatsappCodes.matches({ sellerId: state.sellerId, number: pending.number, sequence: pending.codeSequence }, code)) {
    if (ctx.whatsappNumberHolder !== undefined && ctx.whatsappNumberHolder !== state.sellerId) throw whatsappNumberTaken(pending.number);
    return [{ type: 'SellerWhatsAppNumberVerified', data: { ...ref, verifiedAt: at } }];
  }
  const failedAttempts = pending.failedAttempts + 1;
  return [{ type: 'SellerWhatsAppNumberCodeRejected', data: { ...ref, failedAttempts, attemptsLeft: Math.max(0, policy.maxAttempts - failedAttempts), rejectedAt: at } }];
}

export function decideSeller(command: SellerCommand, state: SellerState, ctx: SellerContext): SellerEvent[] {
  const at = ctx.now.toISOString();
  if (command.type === 'RegisterSeller') {
    if (state.status === 'registered') throw new ConflictError('SELLER_ALREADY_REGISTERED', `Seller ${command.sellerId} is already registered`);
    const profile = withNormalGstin(command.profile);
    const v = new Validator().matches(command.sellerId, /^[A-Za-z0-9_-]{3,64}$/, 'sellerId', 'must be 3 to 64 letters, digits, "_" or "-"');
    validateSellerProfile(v, profile, false);
    validatePickupState(v, profile);
    validateSellerSettings(v, command.settings);
    v.throwIfInvalid();
    const { whatsappNumber, ...given } = command.settings;
    const settings = { ...DEFAULT_SELLER_SETTINGS, ...given };
    const registered: SellerEvent = { type: 'SellerRegistered', data: { sellerId: command.sellerId, profile, settings, registeredAt: at } };
    if (whatsappNumber === undefined) return [registered];
    return [registered, ...requestWhatsAppVerification({ sellerId: command.sellerId, whatsappCodeRequests: [] }, whatsappNumber, ctx)];
  }
  if (state.status !== 'registered') throw new NotFoundError('SELLER_NOT_FOUND', `Seller ${command.sellerId} is not registered`);
  switch (command.type) {
    case 'UpdateSellerProfile': {
      const v = new Validator();
      const patch = withNormalGstin(command.profile);
      // GSTIN and state are checked together even when only one of them changes.
      validateSellerProfile(v, { ...patch, gstin: patch.gstin ?? state.profile.gstin, stateCode: patch.stateCode ?? state.profile.stateCode }, true);
      const profile = { ...state.profile, ...patch };
      validatePickupState(v, profile);
      v.throwIfInvalid();
      if (JSON.stringify(profile) === JSON.stringify(state.profile)) return [];
      return [{ type: 'SellerProfileUpdated', data: { sellerId: state.sellerId, profile, updatedAt: at } }];
    }
    case 'ChangeSellerSettings': {
      const v = new Validator();
      validateSellerSettings(v, command.settings);
      v.throwIfInvalid();
      // A new WhatsApp number is only pending until its code comes back; the verified one stays in use.
      const { whatsappNumber, ...given } = command.settings;
      const settings = { ...state.settings, ...given };
      const changed: SellerEvent[] =
        JSON.stringify(settings) === JSON.stringify(state.settings) ? [] : [{ type: 'SellerSettingsChanged', data: { sellerId: state.sellerId, settings, changedAt: at } }];
      const verification = whatsappNumber === undefined || whatsappNumber === state.settings.whatsappNumber ? [] : requestWhatsAppVerification(state, whatsappNumber, ctx);
      return [...changed, ...verification];
    }
    case 'ConfirmSellerWhatsAppNumber':
      return decideConfirmWhatsAppNumber(state, command.code, ctx);
    case 'IssueSellerApiKey':
    case 'RotateSellerApiKey': {
      new Validator()
        .matches(command.keyId, /^[A-Za-z0-9]{8,32}$/, 'keyId', 'must be 8 to 32 letters or digits')
        .matches(command.secretSha256, /^[a-f0-9]{64}$/, 'secretSha256', 'must be a hex SHA-256')
        .throwIfInvalid();
      if (state.apiKeys.some((k) => k.keyId === command.keyId)) throw new IllegalStepError('API_KEY_ALREADY_ISSUED', 'This API key id is already issued');
      const revoked: SellerEvent[] =
        command.type === 'RotateSellerApiKey' ? state.apiKeys.map((k) => ({ type: 'SellerApiKeyRevoked', data: { sellerId: state.sellerId, keyId: k.keyId, revokedAt: at } })) : [];
      return [...revoked, { type: 'SellerApiKeyIssued', data: { sellerId: state.sellerId, keyId: command.keyId, secretSha256: command.secretSha256, issuedAt: at } }];
    }
  }
}

export function evolveSeller(state: SellerState, event: SellerEvent): SellerState {
  switch (event.type) {
    case 'SellerRegistered':
      return { status: 'registered', sellerId: event.data.sellerId, profile: event.data.profile, settings: event.data.settings, apiKeys: [], whatsappCodeRequests: [] };
    case 'SellerProfileUpdated':
      return state.status === 'registered' ? { ...state, profile: event.data.profile } : state;
    case 'SellerSettingsChanged':
      return state.status === 'registered' ? { ...state, settings: event.data.settings } : state;
    case 'SellerApiKeyIssued':
      return state.status === 'registered' ? { ...state, apiKeys: [...state.apiKeys, { keyId: event.data.keyId, secretSha256: event.data.secretSha256 }] } : state;
    case 'SellerApiKeyRevoked':
      return state.status === 'registered' ? { ...state, apiKeys: state.apiKeys.filter((k) => k.keyId !== event.data.keyId) } : state;
    case 'SellerWhatsAppNumberVerificationRequested': {
      if (state.status !== 'registered') return state;
      const { number, codeSequence, expiresAt, requestedAt } = event.data;
      return { ...state, pendingWhatsAppNumber: { number, codeSequence, expiresAt, failedAttempts: 0 }, whatsappCodeRequests: [...state.whatsappCodeRequests, requestedAt] };
    }
    case 'SellerWhatsAppNumberCodeRejected':
      return state.status === 'registered' && state.pendingWhatsAppNumber
        ? { ...state, pendingWhatsAppNumber: { ...state.pendingWhatsAppNumber, failedAttempts: event.data.failedAttempts } }
        : state;
    case 'SellerWhatsAppNumberVerified': {
      if (state.status !== 'registered') return state;
      const { pendingWhatsAppNumber: _verified, ...rest } = state;
      return { ...rest, settings: { ...state.settings, whatsappNumber: event.data.number } };
    }
  }
}


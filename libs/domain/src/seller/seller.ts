import { ConflictError, IllegalStepError, NotFoundError } from '../shared/domain-error';
import { Validator } from '../shared/validation';
import { isGstStateCode } from '../gst';
import {
  Address,
  GSTIN,
  PackageDetails,
  SHIPPING_MODES,
  ShippingMode,
  validateAddress,
  validatePackage,
} from '../shared/values';

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
  /** The number the seller runs WhatsApp order processing from, E.164 without "+". */
  whatsappNumber?: string;
}

export type SellerEvent =
  | { type: 'SellerRegistered'; data: { sellerId: string; profile: SellerProfile; settings: SellerSettings; registeredAt: string } }
  | { type: 'SellerProfileUpdated'; data: { sellerId: string; profile: SellerProfile; updatedAt: string } }
  | { type: 'SellerSettingsChanged'; data: { sellerId: string; settings: SellerSettings; changedAt: string } }
  | { type: 'SellerApiKeyIssued'; data: { sellerId: string; keyId: string; secretSha256: string; issuedAt: string } }
  | { type: 'SellerApiKeyRevoked'; data: { sellerId: string; keyId: string; revokedAt: string } };

export type SellerCommand =
  | { type: 'RegisterSeller'; sellerId: string; profile: SellerProfile; settings: Partial<SellerSettings> }
  | { type: 'UpdateSellerProfile'; sellerId: string; profile: Partial<SellerProfile> }
  | { type: 'ChangeSellerSettings'; sellerId: string; settings: Partial<SellerSettings> }
  | { type: 'IssueSellerApiKey'; sellerId: string; keyId: string; secretSha256: string }
  /** Revokes every key the seller has and issues this one: for a key lost or leaked. */
  | { type: 'RotateSellerApiKey'; sellerId: string; keyId: string; secretSha256: string };

export type SellerState =
  | { status: 'unregistered' }
  | { status: 'registered'; sellerId: string; profile: SellerProfile; settings: SellerSettings; apiKeys: SellerApiKey[] };

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

/** A prefix leaves room for a 5-digit sequence inside the 16-character invoice number limit. */
const INVOICE_PREFIX = /^[A-Za-z0-9/-]{0,11}$/;
const WHATSAPP_NUMBER = /^[1-9][0-9]{9,14}$/;

export function validateSellerProfile(v: Validator, profile: Partial<SellerProfile>, partial: boolean): void {
  const present = (value: unknown): boolean => !partial || value !== undefined;
  if (present(profile.legalName)) v.nonEmptyString(profile.legalName, 'profile.legalName', 200);
  if (present(profile.gstin)) v.matches(profile.gstin, GSTIN, 'profile.gstin', 'must be a 15-character GSTIN');
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
    v.matches(settings.invoicePrefix, INVOICE_PREFIX, 'settings.invoicePrefix', 'must be at most 11 characters of letters, digits, "/" and "-"');
  }
  if (settings.defaultShippingMode !== undefined) v.oneOf(settings.defaultShippingMode, SHIPPING_MODES, 'settings.defaultShippingMode');
  if (settings.defaultPackage !== undefined) validatePackage(v, settings.defaultPackage, 'settings.defaultPackage');
  if (settings.whatsappNumber !== undefined) {
    v.matches(settings.whatsappNumber, WHATSAPP_NUMBER, 'settings.whatsappNumber', 'must be an international number in digits only, e.g. 919876543210');
  }
}

export interface SellerContext {
  now: Date;
}

export function decideSeller(command: SellerCommand, state: SellerState, ctx: SellerContext): SellerEvent[] {
  const at = ctx.now.toISOString();
  if (command.type === 'RegisterSeller') {
    if (state.status === 'registered') throw new ConflictError('SELLER_ALREADY_REGISTERED', `Seller ${command.sellerId} is already registered`);
    const v = new Validator().matches(command.sellerId, /^[A-Za-z0-9_-]{3,64}$/, 'sellerId', 'must be 3 to 64 letters, digits, "_" or "-"');
    validateSellerProfile(v, command.profile, false);
    validatePickupState(v, command.profile);
    validateSellerSettings(v, command.settings);
    v.throwIfInvalid();
    const settings = { ...DEFAULT_SELLER_SETTINGS, ...command.settings };
    return [{ type: 'SellerRegistered', data: { sellerId: command.sellerId, profile: command.profile, settings, registeredAt: at } }];
  }
  if (state.status !== 'registered') throw new NotFoundError('SELLER_NOT_FOUND', `Seller ${command.sellerId} is not registered`);
  switch (command.type) {
    case 'UpdateSellerProfile': {
      const v = new Validator();
      // GSTIN and state are checked together even when only one of them changes.
      validateSellerProfile(
        v,
        { ...command.profile, gstin: command.profile.gstin ?? state.profile.gstin, stateCode: command.profile.stateCode ?? state.profile.stateCode },
        true,
      );
      const profile = { ...state.profile, ...command.profile };
      validatePickupState(v, profile);
      v.throwIfInvalid();
      if (JSON.stringify(profile) === JSON.stringify(state.profile)) return [];
      return [{ type: 'SellerProfileUpdated', data: { sellerId: state.sellerId, profile, updatedAt: at } }];
    }
    case 'ChangeSellerSettings': {
      const v = new Validator();
      validateSellerSettings(v, command.settings);
      v.throwIfInvalid();
      const settings = { ...state.settings, ...command.settings };
      if (JSON.stringify(settings) === JSON.stringify(state.settings)) return [];
      return [{ type: 'SellerSettingsChanged', data: { sellerId: state.sellerId, settings, changedAt: at } }];
    }
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
      return { status: 'registered', sellerId: event.data.sellerId, profile: event.data.profile, settings: event.data.settings, apiKeys: [] };
    case 'SellerProfileUpdated':
      return state.status === 'registered' ? { ...state, profile: event.data.profile } : state;
    case 'SellerSettingsChanged':
      return state.status === 'registered' ? { ...state, settings: event.data.settings } : state;
    case 'SellerApiKeyIssued':
      return state.status === 'registered' ? { ...state, apiKeys: [...state.apiKeys, { keyId: event.data.keyId, secretSha256: event.data.secretSha256 }] } : state;
    case 'SellerApiKeyRevoked':
      return state.status === 'registered' ? { ...state, apiKeys: state.apiKeys.filter((k) => k.keyId !== event.data.keyId) } : state;
  }
}


import { ConflictError, IllegalStepError, NotFoundError, ValidationError } from '../shared/domain-error';
import { KARNATAKA_GSTIN, NOW_ISO, freshId, sellerDefaultPackage, sellerProfile, sellerSpecification } from '../testing/decider-specification';
import { DEFAULT_SELLER_SETTINGS, SellerCommand, SellerEvent, SellerSettings, sellerStream } from './seller';

const spec = sellerSpecification();

const fieldsOf = (error: ValidationError): string[] => error.issues.map((issue) => issue.field);

const register = (sellerId: string, settings: Partial<SellerSettings> = {}): SellerCommand => ({ type: 'RegisterSeller', sellerId, profile: sellerProfile(), settings });

const registered = (sellerId: string, settings: Partial<SellerSettings> = {}): SellerEvent => ({
  type: 'SellerRegistered',
  data: { sellerId, profile: sellerProfile(), settings: { ...DEFAULT_SELLER_SETTINGS, ...settings }, registeredAt: '2026-04-01T06:00:00.000Z' },
});

const MAHARASHTRA_GSTIN = '27AAPFU0939F1ZV';
const mumbaiPickup = { ...sellerProfile().pickupAddress, line1: '7 Linking Road', city: 'Mumbai', stateCode: '27', pincode: '400050' };

describe('Seller registered', () => {
  it('with a valid profile, taking default settings for what is not given', () => {
    const sellerId = freshId('seller');

    spec.given([]).when(register(sellerId, { autoInvoice: true })).then([
      {
        type: 'SellerRegistered',
        data: {
          sellerId,
          profile: sellerProfile(),
          settings: { autoInvoice: true, autoManifest: false, invoicePrefix: 'INV/', defaultShippingMode: 'on-network' },
          registeredAt: NOW_ISO,
        },
      },
    ]);
  });

  it('with a GSTIN typed in lower case, records it in capitals', () => {
    const sellerId = freshId('seller');

    spec
      .given([])
      .when({ type: 'RegisterSeller', sellerId, profile: sellerProfile({ gstin: ` ${KARNATAKA_GSTIN.toLowerCase()}` }), settings: {} })
      .thenMatches([{ type: 'SellerRegistered', data: { profile: { gstin: KARNATAKA_GSTIN } } }]);
  });

  it('with a mistyped GSTIN names the fault', () => {
    const command: SellerCommand = { type: 'RegisterSeller', sellerId: freshId('seller'), profile: sellerProfile({ gstin: '29AAICA3918J1ZF' }), settings: {} };

    const error = spec.given([]).when(command).thenThrows<ValidationError>(ValidationError, 'VALIDATION_FAILED');
    expect(error.issues).toEqual([{ field: 'profile.gstin', message: 'fails its check character (the 15th): a character is mistyped' }]);
  });

  it('twice is refused', () => {
    const sellerId = freshId('seller');

    spec.given([registered(sellerId)]).when(register(sellerId)).thenThrows(ConflictError, 'SELLER_ALREADY_REGISTERED');
  });

  it.each<[string, Partial<ReturnType<typeof sellerProfile>>, string[]]>([
    ['a GSTIN of 14 characters', { gstin: '29AAICA3918J1Z' }, ['profile.gstin']],
    ['a GSTIN without the Z', { gstin: '29AAICA3918J1YE' }, ['profile.gstin']],
    ['a GSTIN with a mistyped character (check character fails)', { gstin: '29AAICA3918J1ZF' }, ['profile.gstin']],
    ['a state that is not the GSTIN state', { stateCode: '27' }, ['profile.stateCode']],
    ['an unknown state code', { stateCode: '99', gstin: '99AAICA3918J1ZE' }, ['profile.gstin', 'profile.stateCode', 'profile.pickupAddress.stateCode']],
    ['a pickup in another state than the GSTIN', { pickupAddress: { ...sellerProfile().pickupAddress, stateCode: '27' } }, ['profile.pickupAddress.stateCode']],
    ['an additional place of business that is no state', { additionalPlacesOfBusiness: ['27', '99'] }, ['profile.additionalPlacesOfBusiness.1']],
    ['the same additional place of business twice', { additionalPlacesOfBusiness: ['27', '27'] }, ['profile.additionalPlacesOfBusiness']],
    ['no legal name', { legalName: '' }, ['profile.legalName']],
    ['a pickup PIN code of 5 digits', { pickupAddress: { ...sellerProfile().pickupAddress, pincode: '56001' } }, ['profile.pickupAddress.pincode']],
  ])('with %s is refused', (_, profile, fields) => {
    const command: SellerCommand = { type: 'RegisterSeller', sellerId: freshId('seller'), profile: sellerProfile(profile), settings: {} };

    const error = spec.given([]).when(command).thenThrows<ValidationError>(ValidationError, 'VALIDATION_FAILED');
    expect(fieldsOf(error)).toEqual(fields);
  });

  it.each<[string, Partial<SellerSettings>, string]>([
    ['an invoice prefix of 12 characters (no room for a 5-digit sequence in 16)', { invoicePrefix: 'KAVERI/26-27' }, 'settings.invoicePrefix'],
    ['an invoice prefix with a space', { invoicePrefix: 'INV ' }, 'settings.invoicePrefix'],
    ['an empty invoice prefix (numbers would start with "0")', { invoicePrefix: '' }, 'settings.invoicePrefix'],
    ['an invoice prefix starting with "/"', { invoicePrefix: '/INV' }, 'settings.invoicePrefix'],
    ['an invoice prefix starting with "0"', { invoicePrefix: '0INV/' }, 'settings.invoicePrefix'],
    ['an invoice prefix with an underscore', { invoicePrefix: 'INV_' }, 'settings.invoicePrefix'],
    ['a WhatsApp number with a plus', { whatsappNumber: '+919876543210' }, 'settings.whatsappNumber'],
    ['a WhatsApp number of 9 digits', { whatsappNumber: '987654321' }, 'settings.whatsappNumber'],
    ['a WhatsApp number with spaces', { whatsappNumber: '91 98765 43210' }, 'settings.whatsappNumber'],
    ['an unknown shipping mode', { defaultShippingMode: 'drone' as SellerSettings['defaultShippingMode'] }, 'settings.defaultShippingMode'],
    ['a default package without weight', { defaultPackage: { ...sellerDefaultPackage, weightGrams: 0 } }, 'settings.defaultPackage.weightGrams'],
    ['auto invoice that is not a boolean', { autoInvoice: 'yes' as unknown as boolean }, 'settings.autoInvoice'],
  ])('with %s is refused', (_, settings, field) => {
    const error = spec.given([]).when(register(freshId('seller'), settings)).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual([field]);
  });

  it('with a pickup in a state declared as an additional place of business', () => {
    const profile = sellerProfile({ pickupAddress: { ...sellerProfile().pickupAddress, stateCode: '27' }, additionalPlacesOfBusiness: ['27'] });

    spec.given([]).when({ type: 'RegisterSeller', sellerId: freshId('seller'), profile, settings: {} }).thenMatches([{ type: 'SellerRegistered', data: { profile } }]);
  });

  it('accepts an invoice prefix of 11 characters', () => {
    spec.given([]).when(register(freshId('seller'), { invoicePrefix: 'KAVERI/26-' })).thenMatches([{ type: 'SellerRegistered', data: { settings: { invoicePrefix: 'KAVERI/26-' } } }]);
  });

  it('with a malformed seller id is refused', () => {
    const error = spec.given([]).when(register('s1')).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['sellerId']);
  });

  it('lives in its own stream', () => {
    expect(sellerStream('kaveri-01')).toBe('seller-kaveri-01');
  });
});

describe('Seller profile updated', () => {
  it('records the whole new profile', () => {
    const sellerId = freshId('seller');
    const pickupAddress = { ...sellerProfile().pickupAddress, line1: '48 Residency Road' };

    spec.given([registered(sellerId)]).when({ type: 'UpdateSellerProfile', sellerId, profile: { pickupAddress } }).then([
      { type: 'SellerProfileUpdated', data: { sellerId, profile: sellerProfile({ pickupAddress }), updatedAt: NOW_ISO } },
    ]);
  });

  it('to a registration in another state, with GSTIN and state together', () => {
    const sellerId = freshId('seller');

    spec
      .given([registered(sellerId)])
      .when({ type: 'UpdateSellerProfile', sellerId, profile: { gstin: MAHARASHTRA_GSTIN, stateCode: '27', pickupAddress: mumbaiPickup } })
      .thenMatches([{ type: 'SellerProfileUpdated', data: { profile: { gstin: MAHARASHTRA_GSTIN, stateCode: '27', pickupAddress: mumbaiPickup } } }]);
  });

  it('to a registration in another state, keeping the pickup, is refused unless that pickup state is declared', () => {
    const sellerId = freshId('seller');
    const moved = { gstin: MAHARASHTRA_GSTIN, stateCode: '27' };

    const error = spec.given([registered(sellerId)]).when({ type: 'UpdateSellerProfile', sellerId, profile: moved }).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['profile.pickupAddress.stateCode']);
    spec
      .given([registered(sellerId)])
      .when({ type: 'UpdateSellerProfile', sellerId, profile: { ...moved, additionalPlacesOfBusiness: ['29'] } })
      .thenMatches([{ type: 'SellerProfileUpdated', data: { profile: { ...moved, additionalPlacesOfBusiness: ['29'], pickupAddress: { stateCode: '29' } } } }]);
  });

  it('with a pickup in another state than the GSTIN is refused, and accepted once that state is declared', () => {
    const sellerId = freshId('seller');

    const error = spec.given([registered(sellerId)]).when({ type: 'UpdateSellerProfile', sellerId, profile: { pickupAddress: mumbaiPickup } }).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['profile.pickupAddress.stateCode']);
    expect(error.message).toContain("must be the GSTIN's state (29) or a declared additional place of business");
    spec
      .given([registered(sellerId)])
      .when({ type: 'UpdateSellerProfile', sellerId, profile: { pickupAddress: mumbaiPickup, additionalPlacesOfBusiness: ['27'] } })
      .thenMatches([{ type: 'SellerProfileUpdated', data: { profile: { pickupAddress: mumbaiPickup, additionalPlacesOfBusiness: ['27'] } } }]);
  });

  it('dropping the declared state of the pickup is refused', () => {
    const sellerId = freshId('seller');
    const declared: SellerEvent = { type: 'SellerProfileUpdated', data: { sellerId, profile: sellerProfile({ pickupAddress: mumbaiPickup, additionalPlacesOfBusiness: ['27'] }), updatedAt: NOW_ISO } };

    const error = spec.given([registered(sellerId), declared]).when({ type: 'UpdateSellerProfile', sellerId, profile: { additionalPlacesOfBusiness: [] } }).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['profile.pickupAddress.stateCode']);
  });

  it('with a GSTIN of another state than the registered state is refused', () => {
    const sellerId = freshId('seller');

    const error = spec.given([registered(sellerId)]).when({ type: 'UpdateSellerProfile', sellerId, profile: { gstin: MAHARASHTRA_GSTIN } }).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['profile.stateCode', 'profile.pickupAddress.stateCode']);
  });

  it('with a state that does not match the registered GSTIN is refused', () => {
    const sellerId = freshId('seller');

    const error = spec.given([registered(sellerId)]).when({ type: 'UpdateSellerProfile', sellerId, profile: { stateCode: '27' } }).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['profile.stateCode']);
  });

  it('with the same values changes nothing', () => {
    const sellerId = freshId('seller');

    spec.given([registered(sellerId)]).when({ type: 'UpdateSellerProfile', sellerId, profile: { legalName: sellerProfile().legalName } }).thenNothingHappens();
  });

  it('of a seller who never registered is not found', () => {
    const sellerId = freshId('seller');

    spec.given([]).when({ type: 'UpdateSellerProfile', sellerId, profile: { legalName: 'X Pvt Ltd' } }).thenThrows(NotFoundError, 'SELLER_NOT_FOUND');
  });
});

describe('Seller settings changed', () => {
  it('records the whole new settings', () => {
    const sellerId = freshId('seller');

    spec
      .given([registered(sellerId)])
      .when({ type: 'ChangeSellerSettings', sellerId, settings: { autoManifest: true, defaultPackage: sellerDefaultPackage } })
      .then([{ type: 'SellerSettingsChanged', data: { sellerId, settings: { ...DEFAULT_SELLER_SETTINGS, autoManifest: true, defaultPackage: sellerDefaultPackage }, changedAt: NOW_ISO } }]);
  });

  it('to what they already are changes nothing', () => {
    const sellerId = freshId('seller');

    spec.given([registered(sellerId, { autoInvoice: true })]).when({ type: 'ChangeSellerSettings', sellerId, settings: { autoInvoice: true } }).thenNothingHappens();
  });

  it('with a bad invoice prefix and WhatsApp number is refused, naming both', () => {
    const sellerId = freshId('seller');

    const error = spec
      .given([registered(sellerId)])
      .when({ type: 'ChangeSellerSettings', sellerId, settings: { invoicePrefix: 'INVOICE/2026/', whatsappNumber: '0987654321' } })
      .thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['settings.invoicePrefix', 'settings.whatsappNumber']);
  });

  it('with a return window of 0 to 365 whole days is recorded, and any other is refused', () => {
    const sellerId = freshId('seller');
    for (const returnWindowDays of [0, 10, 365]) {
      const state = spec.given([registered(sellerId)]).when({ type: 'ChangeSellerSettings', sellerId, settings: { returnWindowDays } }).thenState();
      expect(state).toMatchObject({ settings: { returnWindowDays } });
    }
    for (const returnWindowDays of [-1, 366, 1.5]) {
      const error = spec.given([registered(sellerId)]).when({ type: 'ChangeSellerSettings', sellerId, settings: { returnWindowDays } }).thenThrows<ValidationError>(ValidationError);
      expect(fieldsOf(error)).toEqual(['settings.returnWindowDays']);
    }
  });

  it('with an ONDC delivery category is recorded, and anything else is refused', () => {
    const sellerId = freshId('seller');
    const state = spec.given([registered(sellerId)]).when({ type: 'ChangeSellerSettings', sellerId, settings: { deliveryCategory: 'Next Day Delivery' } }).thenState();
    expect(state).toMatchObject({ settings: { deliveryCategory: 'Next Day Delivery' } });
    const error = spec
      .given([registered(sellerId)])
      .when({ type: 'ChangeSellerSettings', sellerId, settings: { deliveryCategory: 'Tomorrow' as 'Next Day Delivery' } })
      .thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['settings.deliveryCategory']);
  });

  it('of a seller who never registered is not found', () => {
    spec.given([]).when({ type: 'ChangeSellerSettings', sellerId: freshId('seller'), settings: { autoInvoice: true } }).thenThrows(NotFoundError, 'SELLER_NOT_FOUND');
  });

  it('are what the state then holds', () => {
    const sellerId = freshId('seller');

    const state = spec.given([registered(sellerId)]).when({ type: 'ChangeSellerSettings', sellerId, settings: { autoManifest: true } }).thenState();
    expect(state).toMatchObject({ status: 'registered', settings: { autoManifest: true, invoicePrefix: 'INV/' } });
  });
});

describe('Seller API key issued', () => {
  const secretSha256 = 'ab'.repeat(32);

  it('keeps only the hash of the secret', () => {
    const sellerId = freshId('seller');

    spec.given([registered(sellerId)]).when({ type: 'IssueSellerApiKey', sellerId, keyId: 'key0000001', secretSha256 }).then([
      { type: 'SellerApiKeyIssued', data: { sellerId, keyId: 'key0000001', secretSha256, issuedAt: NOW_ISO } },
    ]);
  });

  it('with a key id already issued is refused', () => {
    const sellerId = freshId('seller');
    const issued: SellerEvent = { type: 'SellerApiKeyIssued', data: { sellerId, keyId: 'key0000001', secretSha256, issuedAt: NOW_ISO } };

    spec.given([registered(sellerId), issued]).when({ type: 'IssueSellerApiKey', sellerId, keyId: 'key0000001', secretSha256 }).thenThrows(IllegalStepError, 'API_KEY_ALREADY_ISSUED');
  });

  it('with a short key id or a secret that is not a SHA-256 is refused', () => {
    const sellerId = freshId('seller');

    const error = spec.given([registered(sellerId)]).when({ type: 'IssueSellerApiKey', sellerId, keyId: 'k1', secretSha256: 'plain-secret' }).thenThrows<ValidationError>(ValidationError);
    expect(fieldsOf(error)).toEqual(['keyId', 'secretSha256']);
  });
});

describe('Seller API key rotated', () => {
  const secretSha256 = 'ab'.repeat(32);

  it('revokes every key the seller holds and issues the new one', () => {
    const sellerId = freshId('seller');
    const issued = (keyId: string): SellerEvent => ({ type: 'SellerApiKeyIssued', data: { sellerId, keyId, secretSha256, issuedAt: NOW_ISO } });

    spec
      .given([registered(sellerId), issued('key0000001'), issued('key0000002')])
      .when({ type: 'RotateSellerApiKey', sellerId, keyId: 'key0000003', secretSha256: 'cd'.repeat(32) })
      .then([
        { type: 'SellerApiKeyRevoked', data: { sellerId, keyId: 'key0000001', revokedAt: NOW_ISO } },
        { type: 'SellerApiKeyRevoked', data: { sellerId, keyId: 'key0000002', revokedAt: NOW_ISO } },
        { type: 'SellerApiKeyIssued', data: { sellerId, keyId: 'key0000003', secretSha256: 'cd'.repeat(32), issuedAt: NOW_ISO } },
      ]);
  });

  it('leaves only the new key in the state', () => {
    const sellerId = freshId('seller');
    const issued: SellerEvent = { type: 'SellerApiKeyIssued', data: { sellerId, keyId: 'key0000001', secretSha256, issuedAt: NOW_ISO } };

    const state = spec.given([registered(sellerId), issued]).when({ type: 'RotateSellerApiKey', sellerId, keyId: 'key0000002', secretSha256 }).thenState();
    expect(state).toMatchObject({ status: 'registered', apiKeys: [{ keyId: 'key0000002', secretSha256 }] });
  });

  it('of a seller who never registered is not found', () => {
    spec.given([]).when({ type: 'RotateSellerApiKey', sellerId: freshId('seller'), keyId: 'key0000001', secretSha256 }).thenThrows(NotFoundError, 'SELLER_NOT_FOUND');
  });
});

import { ConflictError, DomainError, IllegalStepError, RateLimitedError, ValidationError } from '../shared/domain-error';
import { NOW, NOW_ISO, freshId, minutesAfterNow, sellerProfile, sellerSpecification, whatsappCodeFor } from '../testing/decider-specification';
import { DEFAULT_SELLER_SETTINGS, SellerCommand, SellerEvent } from './seller';
import {
  DEFAULT_WHATSAPP_NUMBER_POLICY as POLICY,
  WhatsAppNumberClaimEvent,
  decideClaimWhatsAppNumber,
  decideReleaseWhatsAppNumber,
  evolveWhatsAppNumberClaim,
  initialWhatsAppNumberClaim,
  whatsappCodeRefusalRecordedIn,
  whatsappNumberStream,
} from './whatsapp-number';

const spec = sellerSpecification();
const NUMBER = '919876543210';
const OTHER_NUMBER = '919812345678';
const EARLIER = minutesAfterNow(-2).toISOString();

const registered = (sellerId: string, whatsappNumber?: string): SellerEvent => ({
  type: 'SellerRegistered',
  data: { sellerId, profile: sellerProfile(), settings: { ...DEFAULT_SELLER_SETTINGS, ...(whatsappNumber ? { whatsappNumber } : {}) }, registeredAt: EARLIER },
});
const requested = (sellerId: string, number = NUMBER, codeSequence = 1, requestedAt = EARLIER): SellerEvent => ({
  type: 'SellerWhatsAppNumberVerificationRequested',
  data: { sellerId, number, codeSequence, expiresAt: new Date(Date.parse(requestedAt) + POLICY.codeTtlMs).toISOString(), requestedAt },
});
const rejected = (sellerId: string, failedAttempts: number, number = NUMBER): SellerEvent => ({
  type: 'SellerWhatsAppNumberCodeRejected',
  data: { sellerId, number, codeSequence: 1, failedAttempts, attemptsLeft: POLICY.maxAttempts - failedAttempts, rejectedAt: EARLIER },
});
const setNumber = (sellerId: string, whatsappNumber: string): SellerCommand => ({ type: 'ChangeSellerSettings', sellerId, settings: { whatsappNumber } });
const confirm = (sellerId: string, code: string): SellerCommand => ({ type: 'ConfirmSellerWhatsAppNumber', sellerId, code });
const wrongCode = (right: string): string => (right === '000000' ? '111111' : '000000');

describe('WhatsApp number set', () => {
  it('at registration is recorded as pending, with a code requested for it; the settings hold no number yet', () => {
    const sellerId = freshId('seller');
    const command: SellerCommand = { type: 'RegisterSeller', sellerId, profile: sellerProfile(), settings: { whatsappNumber: NUMBER } };

    spec.given([]).when(command).then([
      { type: 'SellerRegistered', data: { sellerId, profile: sellerProfile(), settings: DEFAULT_SELLER_SETTINGS, registeredAt: NOW_ISO } },
      { type: 'SellerWhatsAppNumberVerificationRequested', data: { sellerId, number: NUMBER, codeSequence: 1, expiresAt: new Date(NOW.getTime() + POLICY.codeTtlMs).toISOString(), requestedAt: NOW_ISO } },
    ]);
  });

  it('in the settings is pending, and the verified number stays in use until the new one is confirmed', () => {
    const sellerId = freshId('seller');
    const history = [registered(sellerId, NUMBER)];

    spec.given(history).when(setNumber(sellerId, OTHER_NUMBER)).thenMatches([{ type: 'SellerWhatsAppNumberVerificationRequested', data: { number: OTHER_NUMBER, codeSequence: 1 } }]);
    const state = spec.given(history).when(setNumber(sellerId, OTHER_NUMBER)).thenState();
    expect(state).toMatchObject({ settings: { whatsappNumber: NUMBER }, pendingWhatsAppNumber: { number: OTHER_NUMBER, failedAttempts: 0 } });
  });

  it('with other settings changes those at once', () => {
    const sellerId = freshId('seller');

    spec
      .given([registered(sellerId)])
      .when({ type: 'ChangeSellerSettings', sellerId, settings: { autoInvoice: true, whatsappNumber: NUMBER } })
      .thenMatches([{ type: 'SellerSettingsChanged', data: { settings: { autoInvoice: true } } }, { type: 'SellerWhatsAppNumberVerificationRequested', data: { number: NUMBER } }]);
  });

  it('to the number already verified changes nothing', () => {
    const sellerId = freshId('seller');

    spec.given([registered(sellerId, NUMBER)]).when(setNumber(sellerId, NUMBER)).thenNothingHappens();
  });

  it('again sends a fresh code, numbered after the last', () => {
    const sellerId = freshId('seller');

    spec.given([registered(sellerId), requested(sellerId)]).when(setNumber(sellerId, NUMBER)).thenMatches([{ type: 'SellerWhatsAppNumberVerificationRequested', data: { codeSequence: 2 } }]);
  });

  it('when another seller holds the number is refused as a conflict', () => {
    const sellerId = freshId('seller');

    const error = spec.given([registered(sellerId)]).when(setNumber(sellerId, NUMBER), { whatsappNumberHolder: 'someone-else' }).thenThrows<ConflictError>(ConflictError, 'WHATSAPP_NUMBER_TAKEN');
    expect(error.details).toEqual({ number: NUMBER });
  });

  it(`more than ${POLICY.maxRequests} times within an hour is refused until the oldest request leaves the window`, () => {
    const sellerId = freshId('seller');
    const history = [registered(sellerId), ...[-50, -30, -10].map((m, i) => requested(sellerId, NUMBER, i + 1, minutesAfterNow(m).toISOString()))];

    const error = spec.given(history).when(setNumber(sellerId, OTHER_NUMBER)).thenThrows<RateLimitedError>(RateLimitedError, 'WHATSAPP_CODE_REQUEST_LIMIT');
    expect(error.retryAfterSeconds).toBe(10 * 60);
  });
});

describe('WhatsApp number confirmed', () => {
  it('with the code sent to it becomes the number in use', () => {
    const sellerId = freshId('seller');
    const history = [registered(sellerId), requested(sellerId)];

    spec.given(history).when(confirm(sellerId, whatsappCodeFor(sellerId, NUMBER))).then([
      { type: 'SellerWhatsAppNumberVerified', data: { sellerId, number: NUMBER, codeSequence: 1, verifiedAt: NOW_ISO } },
    ]);
    const state = spec.given(history).when(confirm(sellerId, whatsappCodeFor(sellerId, NUMBER))).thenState();
    expect(state).toMatchObject({ settings: { whatsappNumber: NUMBER } });
    expect(state).not.toHaveProperty('pendingWhatsAppNumber');
  });

  it('never puts the code in an event', () => {
    const sellerId = freshId('seller');
    const code = whatsappCodeFor(sellerId, NUMBER);

    const events = [...spec.given([]).when({ type: 'RegisterSeller', sellerId, profile: sellerProfile(), settings: { whatsappNumber: NUMBER } }).thenAccepted()];
    events.push(...spec.given(events).when(confirm(sellerId, code)).thenAccepted());
    expect(JSON.stringify(events)).not.toContain(code);
  });

  it('with a wrong code is rejected with the tries left; the last wrong try locks it', () => {
    const sellerId = freshId('seller');
    const wrong = wrongCode(whatsappCodeFor(sellerId, NUMBER));

    spec.given([registered(sellerId), requested(sellerId)]).when(confirm(sellerId, wrong)).then([
      { type: 'SellerWhatsAppNumberCodeRejected', data: { sellerId, number: NUMBER, codeSequence: 1, failedAttempts: 1, attemptsLeft: POLICY.maxAttempts - 1, rejectedAt: NOW_ISO } },
    ]);
    const almost = [registered(sellerId), requested(sellerId), ...Array.from({ length: POLICY.maxAttempts - 1 }, (_, i) => rejected(sellerId, i + 1))];
    spec.given(almost).when(confirm(sellerId, wrong)).thenMatches([{ type: 'SellerWhatsAppNumberCodeRejected', data: { failedAttempts: POLICY.maxAttempts, attemptsLeft: 0 } }]);
    const locked = [...almost, rejected(sellerId, POLICY.maxAttempts)];
    spec.given(locked).when(confirm(sellerId, whatsappCodeFor(sellerId, NUMBER))).thenThrows(IllegalStepError, 'WHATSAPP_CODE_LOCKED');
  });

  it('after the code expired is refused', () => {
    const sellerId = freshId('seller');
    const history = [registered(sellerId), requested(sellerId)];
    const expiry = Date.parse(EARLIER) + POLICY.codeTtlMs;

    spec.given(history).when(confirm(sellerId, whatsappCodeFor(sellerId, NUMBER)), { now: new Date(expiry + 1) }).thenThrows(IllegalStepError, 'WHATSAPP_CODE_EXPIRED');
    spec.given(history).when(confirm(sellerId, whatsappCodeFor(sellerId, NUMBER)), { now: new Date(expiry) }).thenMatches([{ type: 'SellerWhatsAppNumberVerified' }]);
  });

  it('with the code of an earlier request is rejected: each request has its own code', () => {
    const sellerId = freshId('seller');

    spec
      .given([registered(sellerId), requested(sellerId, NUMBER, 1), requested(sellerId, NUMBER, 2)])
      .when(confirm(sellerId, whatsappCodeFor(sellerId, NUMBER, 1)))
      .thenMatches([{ type: 'SellerWhatsAppNumberCodeRejected', data: { codeSequence: 2 } }]);
  });

  it("with another seller's code for the same number is rejected", () => {
    const sellerId = freshId('seller');

    spec
      .given([registered(sellerId), requested(sellerId)])
      .when(confirm(sellerId, whatsappCodeFor('another-seller', NUMBER)))
      .thenMatches([{ type: 'SellerWhatsAppNumberCodeRejected' }]);
  });

  it('when another seller verified the number meanwhile is refused as a conflict', () => {
    const sellerId = freshId('seller');

    spec
      .given([registered(sellerId), requested(sellerId)])
      .when(confirm(sellerId, whatsappCodeFor(sellerId, NUMBER)), { whatsappNumberHolder: 'someone-else' })
      .thenThrows(ConflictError, 'WHATSAPP_NUMBER_TAKEN');
  });

  it('without a number pending is refused', () => {
    const sellerId = freshId('seller');

    spec.given([registered(sellerId, NUMBER)]).when(confirm(sellerId, '123456')).thenThrows(IllegalStepError, 'WHATSAPP_NUMBER_NOT_PENDING');
  });

  it.each(['12345', '1234567', 'abcdef', ' 123456'])('with a code of the wrong shape (%j) is refused without counting a try', (code) => {
    const sellerId = freshId('seller');

    const error = spec.given([registered(sellerId), requested(sellerId)]).when(confirm(sellerId, code)).thenThrows<ValidationError>(ValidationError);
    expect(error.issues.map((i) => i.field)).toEqual(['code']);
  });

  it('reports a recorded wrong code as an error: incorrect with tries left, then locked', () => {
    expect(whatsappCodeRefusalRecordedIn([rejected('s', 1)])).toMatchObject({ kind: 'validation', code: 'WHATSAPP_CODE_INCORRECT', details: { attemptsLeft: POLICY.maxAttempts - 1 } });
    expect(whatsappCodeRefusalRecordedIn([rejected('s', POLICY.maxAttempts)])).toBeInstanceOf(DomainError);
    expect(whatsappCodeRefusalRecordedIn([rejected('s', POLICY.maxAttempts)])).toMatchObject({ code: 'WHATSAPP_CODE_LOCKED' });
    expect(whatsappCodeRefusalRecordedIn([])).toBeUndefined();
  });
});

describe('WhatsApp number claim', () => {
  const at = (events: WhatsAppNumberClaimEvent[]) => events.reduce(evolveWhatsAppNumberClaim, initialWhatsAppNumberClaim());
  const claim = (sellerId: string) => ({ number: NUMBER, sellerId, now: NOW });

  it('lives in one stream per number', () => {
    expect(whatsappNumberStream(NUMBER)).toBe(`whatsapp-number-${NUMBER}`);
  });

  it('of a free number is recorded; claiming it again as its holder changes nothing', () => {
    const claimed = decideClaimWhatsAppNumber(initialWhatsAppNumberClaim(), claim('seller-a'));
    expect(claimed).toEqual([{ type: 'WhatsAppNumberClaimed', data: { number: NUMBER, sellerId: 'seller-a', claimedAt: NOW_ISO } }]);
    expect(decideClaimWhatsAppNumber(at(claimed), claim('seller-a'))).toEqual([]);
  });

  it('of a number another seller holds is refused as a conflict', () => {
    const held = at(decideClaimWhatsAppNumber(initialWhatsAppNumberClaim(), claim('seller-a')));
    expect(() => decideClaimWhatsAppNumber(held, claim('seller-b'))).toThrow(expect.objectContaining({ kind: 'conflict', code: 'WHATSAPP_NUMBER_TAKEN' }));
  });

  it('released by its holder frees the number for another seller; no one else can release it', () => {
    const claimed = decideClaimWhatsAppNumber(initialWhatsAppNumberClaim(), claim('seller-a'));
    expect(decideReleaseWhatsAppNumber(at(claimed), claim('seller-b'))).toEqual([]);
    const released = decideReleaseWhatsAppNumber(at(claimed), claim('seller-a'));
    expect(released).toEqual([{ type: 'WhatsAppNumberReleased', data: { number: NUMBER, sellerId: 'seller-a', releasedAt: NOW_ISO } }]);
    expect(decideClaimWhatsAppNumber(at([...claimed, ...released]), claim('seller-b'))).toMatchObject([{ type: 'WhatsAppNumberClaimed', data: { sellerId: 'seller-b' } }]);
  });
});

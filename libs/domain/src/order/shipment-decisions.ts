import { IllegalStepError, NotFoundError, RateLimitedError } from '../shared/domain-error';
import { Validator } from '../shared/validation';
import { Address, DELIVERY_CATEGORIES, DeliveryCategory, PackageDetails, SHIPPING_MODES, ShippingMode, validatePackage } from '../shared/values';
import type { OrderContext, PincodeLocator, RegisteredSeller } from './order-context';
import { OrderCommandOf, RESHIP_REASONS } from './order-commands';
import type { GpsDerivedAddress, OrderEvent, StoredImage } from './order-events';
import { waysForward } from './ways-forward';
import { maxSurgeFeeOf } from '../seller/seller';
import { creditNoteOnCancellation } from './invoice-decisions';
import { SELLER_CANCELLATION_REASON_CODES, isSellerCancellationReason } from './cancellation-reasons';
import type { SellerCancellationReason } from './cancellation-reasons';
import { ActiveOrder, DISPATCHED_SHIPMENT_STATUSES, ShipmentState, ShipmentStatus, currentShipment, isCancelledByPartner, isTerminal } from './order-state';

const SHIPMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_IMAGES_PER_SHIPMENT = 20;

export function requireShipment(order: ActiveOrder, shipmentId: string): ShipmentState {
  const shipment = order.shipments.find((s) => s.shipmentId === shipmentId);
  if (!shipment) throw new NotFoundError('SHIPMENT_NOT_FOUND', `Order ${order.orderId} has no shipment ${shipmentId}`, { shipmentId });
  return shipment;
}

/** " (what the seller can do instead: …)" for a refusal's message; its details carry the list as `allowed`. */
function allowedText(shipment: ShipmentState): string {
  const ways = waysForward(shipment);
  return ways.length > 0 ? `; allowed now: ${ways.join(', ')}` : '';
}

function refusal(shipment: ShipmentState, code: string, message: string): IllegalStepError {
  return new IllegalStepError(code, `${message}${allowedText(shipment)}`, {
    shipmentId: shipment.shipmentId,
    shipmentStatus: shipment.status,
    allowed: waysForward(shipment),
  });
}

function requireStatus(shipment: ShipmentState, allowed: readonly ShipmentStatus[], code: string, action: string): void {
  if (!allowed.includes(shipment.status)) throw refusal(shipment, code, `Cannot ${action}: shipment ${shipment.shipmentId} is ${shipment.status}`);
}

function requireOpenOrder(order: ActiveOrder): void {
  if (order.cancelled) throw new IllegalStepError('ORDER_CANCELLED', `Order ${order.orderId} is cancelled`);
}

function validateImages(v: Validator, images: StoredImage[] | undefined, field: string): void {
  if (images === undefined) return;
  if (!Array.isArray(images) || images.length > MAX_IMAGES_PER_SHIPMENT) {
    v.check(false, field, `must list at most ${MAX_IMAGES_PER_SHIPMENT} images`);
    return;
  }
  images.forEach((image, i) => {
    v.matches(image?.sha256, /^[a-f0-9]{64}$/, `${field}.${i}.sha256`, 'must be a hex SHA-256')
      .matches(image?.contentType, /^image\/(jpeg|png|webp)$/, `${field}.${i}.contentType`, 'must be image/jpeg, image/png or image/webp')
      .integer(image?.sizeBytes, `${field}.${i}.sizeBytes`, 1, 10 * 1024 * 1024);
  });
}

/** A new shipment and its first label; shared by "ship now" and reship. */
function newShipmentEvents(
  order: ActiveOrder,
  seller: RegisteredSeller,
  input: { shipmentId: string; mode?: ShippingMode; package?: PackageDetails; deliveryCategory?: DeliveryCategory; reshipOf?: string },
  ctx: Pick<OrderContext, 'now' | 'locatePincode'>,
): OrderEvent[] {
  const mode = input.mode ?? seller.settings.defaultShippingMode;
  const v = new Validator().matches(input.shipmentId, SHIPMENT_ID, 'shipmentId', 'must be 1 to 64 letters, digits, "_" or "-"');
  if (input.mode !== undefined) v.oneOf(input.mode, SHIPPING_MODES, 'mode');
  if (input.deliveryCategory !== undefined) {
    v.oneOf(input.deliveryCategory, DELIVERY_CATEGORIES, 'deliveryCategory');
    v.check(mode === 'on-network', 'deliveryCategory', 'is asked of ONDC logistics partners: it applies to on-network shipments only');
  }
  const pkg = input.package ?? order.package ?? seller.settings.defaultPackage;
  if (pkg === undefined) v.check(false, 'package', 'is required (weight and dimensions) when the seller has no default package');
  else validatePackage(v, pkg, 'package');
  v.throwIfInvalid();
  if (order.shipments.some((s) => s.shipmentId === input.shipmentId)) {
    throw new IllegalStepError('SHIPMENT_ID_IN_USE', `Shipment ${input.shipmentId} already exists`);
  }
  const addresses = { pickupAddress: seller.profile.pickupAddress, deliveryAddress: order.invoice?.current.snapshot.deliveryAddress ?? order.deliveryAddress };
  const located = mode === 'on-network' ? locateStops(addresses, ctx.locatePincode) : { ...addresses, gpsFromPincode: [] };
  const at = ctx.now.toISOString();
  const ref = { orderId: order.orderId, shipmentId: input.shipmentId };
  const codAmountPaise = order.paymentMethod === 'cod' ? (order.invoice?.current.totals.grandTotalPaise ?? order.totalPaise) : 0;
  const deliveryCategory = mode === 'on-network' ? (input.deliveryCategory ?? seller.settings.deliveryCategory) : undefined;
  return [
    {
      type: 'ShipmentCreated',
      data: {
        ...ref,
        sellerId: order.sellerId,
        mode,
        package: pkg!,
        pickupAddress: located.pickupAddress,
        deliveryAddress: located.deliveryAddress,
        paymentMethod: order.paymentMethod,
        codAmountPaise,
        ...(input.reshipOf ? { reshipOf: input.reshipOf } : {}),
        ...(located.gpsFromPincode.length > 0 ? { gpsFromPincode: located.gpsFromPincode } : {}),
        ...(deliveryCategory ? { deliveryCategory } : {}),
        // Absent means no surge accepted, so the default needs no field (and older shipments read the same).
        ...(mode === 'on-network' && maxSurgeFeeOf(seller.settings) > 0 ? { maxSurgeFeePaise: maxSurgeFeeOf(seller.settings) } : {}),
        createdAt: at,
      },
    },
    { type: 'ShippingLabelGenerated', data: { ...ref, labelVersion: 1, generatedAt: at } },
  ];
}


/**
 * ONDC searches need both ends' coordinates. An address without GPS gets its PIN code's (rough,
 * ADR 0025); when the directory does not know the PIN code either, the shipment is refused before
 * anything is written, naming the field to fill (or ship off-network).
 */
function locateStops(addresses: Record<GpsDerivedAddress, Address>, locate: PincodeLocator): Record<GpsDerivedAddress, Address> & { gpsFromPincode: GpsDerivedAddress[] } {
  const v = new Validator();
  const gpsFromPincode: GpsDerivedAddress[] = [];
  const located = { ...addresses };
  for (const role of ['pickupAddress', 'deliveryAddress'] as const) {
    const address = addresses[role];
    if (address.gps) continue;
    const gps = locate(address.pincode);
    v.check(gps !== undefined, role === 'pickupAddress' ? 'pickupAddress.gps' : 'deliveryAddress.gps',
      `is needed on-network and PIN code ${address.pincode} is not in the PIN code directory: give the address GPS coordinates or ship off-network`);
    if (gps) {
      located[role] = { ...address, gps };
      gpsFromPincode.push(role);
    }
  }
  v.throwIfInvalid();
  return { ...located, gpsFromPincode };
}

function requireSeller(ctx: OrderContext): RegisteredSeller {
  if (!ctx.seller) throw new NotFoundError('SELLER_NOT_FOUND', 'The seller profile is needed to create a shipment');
  return ctx.seller;
}

export function decideCreateShipment(order: ActiveOrder, command: OrderCommandOf<'CreateShipment'>, ctx: OrderContext): OrderEvent[] {
  requireOpenOrder(order);
  if (!order.invoice) throw new IllegalStepError('INVOICE_REQUIRED', `Order ${order.orderId} needs an invoice before it can ship`);
  const active = order.shipments.find((s) => !isTerminal(s));
  if (active) {
    throw new IllegalStepError('SHIPMENT_ALREADY_ACTIVE', `Order ${order.orderId} already has shipment ${active.shipmentId} (${active.status}) in progress${allowedText(active)}`, {
      shipmentId: active.shipmentId,
      shipmentStatus: active.status,
      allowed: waysForward(active),
    });
  }
  if (order.shipments.some((s) => s.status === 'delivered')) {
    throw new IllegalStepError('ORDER_ALREADY_DELIVERED', `Order ${order.orderId} was delivered; use reship to send it again`);
  }
  return newShipmentEvents(order, requireSeller(ctx), command, ctx);
}

export function decideMarkReadyToShip(order: ActiveOrder, command: OrderCommandOf<'MarkShipmentReadyToShip'>, now: Date): OrderEvent[] {
  requireOpenOrder(order);
  const shipment = requireShipment(order, command.shipmentId);
  if (shipment.status !== 'created' && shipment.status !== 'no_partner_found') {
    const code = shipment.status === 'cancelled' ? 'SHIPMENT_CANCELLED' : 'SHIPMENT_ALREADY_READY';
    throw refusal(shipment, code, `Shipment ${shipment.shipmentId} is ${shipment.status} and cannot be marked ready to ship`);
  }
  return readyToShipEvents(order, shipment, command.bulk ?? false, now);
}

function readyToShipEvents(order: ActiveOrder, shipment: ShipmentState, bulk: boolean, now: Date): OrderEvent[] {
  if (shipment.mode === 'on-network') requireGps(shipment);
  return [
    {
      type: 'ShipmentMarkedReadyToShip',
      data: {
        orderId: order.orderId,
        shipmentId: shipment.shipmentId,
        sellerId: order.sellerId,
        mode: shipment.mode,
        attempt: shipment.readyAttempts + 1,
        bulk,
        markedAt: now.toISOString(),
      },
    },
  ];
}

/** Shipments created before PIN codes were located may lack GPS: refused here rather than left to a search that cannot go out. */
function requireGps(shipment: ShipmentState): void {
  new Validator()
    .check(shipment.pickupAddress.gps !== undefined, 'pickupAddress.gps', "is needed on-network: the shipment's pickup address has no GPS; switch it to off-network or cancel it")
    .check(shipment.deliveryAddress.gps !== undefined, 'deliveryAddress.gps', "is needed on-network: the shipment's delivery address has no GPS; switch it to off-network or cancel it")
    .throwIfInvalid();
}

/**
 * A shipment the partner cancelled is taken up again only while it is the order's shipment: once
 * the seller reshipped or made a new one, that one carries the order (two live shipments never).
 */
function requireTakenUpAgain(order: ActiveOrder, shipment: ShipmentState, action: string): void {
  if (!isCancelledByPartner(shipment)) return;
  const current = currentShipment(order);
  if (current?.shipmentId === shipment.shipmentId) return;
  throw new IllegalStepError('SHIPMENT_SUPERSEDED', `Cannot ${action}: shipment ${shipment.shipmentId} was followed by shipment ${current?.shipmentId}`, {
    shipmentId: shipment.shipmentId,
    currentShipmentId: current?.shipmentId,
  });
}

const describeStatus = (shipment: ShipmentState): string =>
  shipment.status === 'cancelled' ? `cancelled by the ${shipment.cancelledBy ?? 'seller'}` : shipment.status;

/** After no partner found, or the partner cancelled: the ways the same shipment goes on. */
const partnerless = (shipment: ShipmentState): boolean => shipment.status === 'no_partner_found' || isCancelledByPartner(shipment);

/**
 * The seller's retry after "no partner found" or the partner's cancellation: the same shipment
 * searched for again, as a new ready-to-ship attempt. A shipment the seller cancelled stays cancelled.
 */
export function decideRetryPartnerSearch(order: ActiveOrder, command: OrderCommandOf<'RetryPartnerSearch'>, now: Date): OrderEvent[] {
  requireOpenOrder(order);
  const shipment = requireShipment(order, command.shipmentId);
  if (shipment.mode !== 'on-network') throw refusal(shipment, 'SHIPMENT_IS_OFF_NETWORK', `Shipment ${shipment.shipmentId} is shipped by the seller's own courier: there is no partner to search for`);
  if (!partnerless(shipment)) throw refusal(shipment, 'PARTNER_SEARCH_NOT_FAILED', `Cannot search for a partner again: shipment ${shipment.shipmentId} is ${describeStatus(shipment)}`);
  requireTakenUpAgain(order, shipment, 'search for a partner again');
  return readyToShipEvents(order, shipment, false, now);
}

/** A photo of the packed parcel is taken once the shipment is past created, and never for a cancelled one. */
export const takesPackageImages = (shipment: ShipmentState): boolean => shipment.status !== 'created' && shipment.status !== 'cancelled';

export function decideRecordPackageImage(order: ActiveOrder, command: OrderCommandOf<'RecordPackageImage'>, now: Date): OrderEvent[] {
  const shipment = requireShipment(order, command.shipmentId);
  const v = new Validator();
  validateImages(v, [command.image], 'image');
  v.throwIfInvalid();
  if (!takesPackageImages(shipment)) {
    throw new IllegalStepError('SHIPMENT_NOT_READY', `Package images are taken once shipment ${shipment.shipmentId} is ready for pickup`, {
      shipmentStatus: shipment.status,
    });
  }
  if (shipment.images.length >= MAX_IMAGES_PER_SHIPMENT) {
    throw new IllegalStepError('TOO_MANY_IMAGES', `Shipment ${shipment.shipmentId} already has ${MAX_IMAGES_PER_SHIPMENT} images`);
  }
  if (shipment.images.some((i) => i.sha256 === command.image.sha256)) return [];
  return [{ type: 'PackageImageRecorded', data: { orderId: order.orderId, shipmentId: shipment.shipmentId, image: command.image, recordedAt: now.toISOString() } }];
}

export function decideSwitchToOffNetwork(order: ActiveOrder, command: OrderCommandOf<'SwitchShipmentToOffNetwork'>, now: Date): OrderEvent[] {
  requireOpenOrder(order);
  const shipment = requireShipment(order, command.shipmentId);
  if (shipment.mode === 'off-network') throw refusal(shipment, 'SHIPMENT_ALREADY_OFF_NETWORK', `Shipment ${shipment.shipmentId} is already off-network`);
  if (shipment.status !== 'created' && !partnerless(shipment)) {
    throw refusal(shipment, 'SHIPMENT_MODE_LOCKED', `Cannot switch to off-network: shipment ${shipment.shipmentId} is ${describeStatus(shipment)}`);
  }
  requireTakenUpAgain(order, shipment, 'switch to off-network');
  return [
    {
      type: 'ShipmentModeSwitched',
      data: { orderId: order.orderId, shipmentId: shipment.shipmentId, from: 'on-network', to: 'off-network', switchedAt: now.toISOString() },
    },
  ];
}

export function decideMarkShipped(order: ActiveOrder, command: OrderCommandOf<'MarkShipmentShipped'>, ctx: OrderContext): OrderEvent[] {
  requireOpenOrder(order);
  const shipment = requireShipment(order, command.shipmentId);
  const v = new Validator()
    .nonEmptyString(command.courierName, 'courierName', 100)
    .matches(command.trackingNumber, /^[A-Za-z0-9/-]{3,40}$/, 'trackingNumber', 'must be 3 to 40 letters, digits, "/" or "-"');
  if (command.trackingUrl !== undefined) v.matches(command.trackingUrl, /^https?:\/\/[^\s]{1,500}$/, 'trackingUrl', 'must be an http(s) URL');
  validateImages(v, command.images, 'images');
  v.throwIfInvalid();
  if (shipment.mode !== 'off-network') {
    throw refusal(shipment, 'SHIPMENT_IS_ON_NETWORK', `Shipment ${shipment.shipmentId} is handled by an ONDC logistics partner`);
  }
  requireStatus(shipment, ['created', 'ready_to_ship'], 'SHIPMENT_NOT_SHIPPABLE', 'mark as shipped');
  const at = ctx.now.toISOString();
  const ref = { orderId: order.orderId, shipmentId: shipment.shipmentId };
  return [
    {
      type: 'ShipmentMarkedShipped',
      data: {
        ...ref,
        courierName: command.courierName,
        trackingNumber: command.trackingNumber,
        ...(command.trackingUrl ? { trackingUrl: command.trackingUrl } : {}),
        images: command.images ?? [],
        shippedAt: at,
      },
    },
    // The label now carries the courier's tracking number as its barcode.
    {
      type: 'ShippingLabelGenerated',
      data: { ...ref, labelVersion: shipment.labelVersion + 1, awb: command.trackingNumber, carrierName: command.courierName, generatedAt: at },
    },
    { type: 'DeliveryOtpIssued', data: { ...ref, otpSequence: 1, issuedAt: at, expiresAt: new Date(ctx.now.getTime() + ctx.otpPolicy.ttlMs).toISOString() } },
  ];
}

export function decideVerifyDeliveryOtp(order: ActiveOrder, command: OrderCommandOf<'VerifyDeliveryOtp'>, ctx: OrderContext): OrderEvent[] {
  new Validator().matches(command.otp, /^[0-9]{4,8}$/, 'otp', 'must be the digits the buyer received').throwIfInvalid();
  const shipment = requireShipment(order, command.shipmentId);
  if (shipment.status === 'delivered') throw new IllegalStepError('SHIPMENT_ALREADY_DELIVERED', `Shipment ${shipment.shipmentId} is already delivered`);
  requireStatus(shipment, ['shipped', 'delivery_failed'], 'SHIPMENT_NOT_SHIPPED', 'verify the delivery OTP');
  const otp = shipment.otp;
  if (!otp) throw new IllegalStepError('DELIVERY_OTP_NOT_ISSUED', `No delivery OTP was issued for shipment ${shipment.shipmentId}`);
  if (otp.locked) throw new IllegalStepError('DELIVERY_OTP_LOCKED', 'Too many wrong OTPs: issue a fresh OTP to the buyer once the lockout ends', { shipmentId: shipment.shipmentId });
  if (ctx.now.getTime() > Date.parse(otp.expiresAt)) {
    throw new IllegalStepError('DELIVERY_OTP_EXPIRED', 'The delivery OTP has expired: issue a fresh OTP to the buyer', { expiresAt: otp.expiresAt });
  }
  const at = ctx.now.toISOString();
  const ref = { orderId: order.orderId, shipmentId: shipment.shipmentId };
  if (ctx.otp.matches({ sellerId: order.sellerId, ...ref, sequence: otp.sequence }, command.otp)) {
    return [
      { type: 'DeliveryOtpVerified', data: { ...ref, otpSequence: otp.sequence, verifiedAt: at } },
      { type: 'ShipmentDelivered', data: { ...ref, via: 'otp', deliveredAt: at } },
    ];
  }
  const failedAttempts = otp.failedAttempts + 1;
  const attemptsLeft = Math.max(0, ctx.otpPolicy.maxAttempts - failedAttempts);
  const rejected: OrderEvent = { type: 'DeliveryOtpRejected', data: { ...ref, otpSequence: otp.sequence, failedAttempts, attemptsLeft, rejectedAt: at } };
  if (attemptsLeft > 0) return [rejected];
  return [rejected, { type: 'DeliveryOtpLocked', data: { ...ref, otpSequence: otp.sequence, failedAttempts, lockedAt: at } }];
}

/** Whole seconds from `now` until `at`, at least 1 so a client never retries at once. */
const secondsUntil = (at: number, now: Date): number => Math.max(1, Math.ceil((at - now.getTime()) / 1000));

/**
 * Each reissue messages the buyer and, after a lockout, grants fresh wrong tries; so a lock holds
 * for its full period and reissues are capped per rolling window.
 */
function requireReissueAllowed(shipment: ShipmentState, ctx: OrderContext): void {
  const otp = shipment.otp;
  if (!otp) return;
  const policy = ctx.otpPolicy;
  if (otp.locked && otp.lockedAt) {
    const lockEnds = Date.parse(otp.lockedAt) + policy.lockoutMs;
    if (ctx.now.getTime() < lockEnds) {
      throw new RateLimitedError('DELIVERY_OTP_LOCKOUT_ACTIVE', 'Too many wrong OTPs: a fresh OTP can be issued once the lockout ends', secondsUntil(lockEnds, ctx.now), {
        shipmentId: shipment.shipmentId,
        lockedUntil: new Date(lockEnds).toISOString(),
      });
    }
  }
  const windowStart = ctx.now.getTime() - policy.reissueWindowMs;
  const recent = otp.reissuedAt.map((at) => Date.parse(at)).filter((at) => at > windowStart);
  if (recent.length >= policy.maxReissues) {
    const oldest = Math.min(...recent);
    throw new RateLimitedError(
      'DELIVERY_OTP_REISSUE_LIMIT',
      `At most ${policy.maxReissues} fresh OTPs per ${Math.round(policy.reissueWindowMs / 60000)} minutes for a shipment`,
      secondsUntil(oldest + policy.reissueWindowMs, ctx.now),
      { shipmentId: shipment.shipmentId, maxReissues: policy.maxReissues },
    );
  }
}

export function decideReissueDeliveryOtp(order: ActiveOrder, command: OrderCommandOf<'ReissueDeliveryOtp'>, ctx: OrderContext): OrderEvent[] {
  const shipment = requireShipment(order, command.shipmentId);
  requireStatus(shipment, ['shipped', 'delivery_failed'], 'SHIPMENT_NOT_SHIPPED', 'issue a fresh delivery OTP');
  requireReissueAllowed(shipment, ctx);
  const sequence = (shipment.otp?.sequence ?? 0) + 1;
  return [
    {
      type: 'DeliveryOtpReissued',
      data: {
        orderId: order.orderId,
        shipmentId: shipment.shipmentId,
        otpSequence: sequence,
        issuedAt: ctx.now.toISOString(),
        expiresAt: new Date(ctx.now.getTime() + ctx.otpPolicy.ttlMs).toISOString(),
      },
    },
  ];
}

const RETURNED: readonly ShipmentStatus[] = ['rto_delivered', 'rto_disposed'];

/** Statuses in which the parcel is still with the seller, so cancelling needs no return. */
const CANCELLABLE: readonly ShipmentStatus[] = ['created', 'ready_to_ship', 'no_partner_found', 'partner_assigned', 'agent_assigned', 'pickup_failed'];

function cancellation(order: ActiveOrder, shipment: ShipmentState, reason: string, reasonCode: SellerCancellationReason | undefined, now: Date): OrderEvent {
  return {
    type: 'ShipmentCancelled',
    data: {
      orderId: order.orderId,
      shipmentId: shipment.shipmentId,
      reason,
      ...(reasonCode ? { reasonCode } : {}),
      partnerAssigned: shipment.partner !== undefined,
      cancelledAt: now.toISOString(),
    },
  };
}

const validateCancellation = (reason: string, reasonCode: unknown): void =>
  new Validator()
    .nonEmptyString(reason, 'reason', 500)
    .check(reasonCode === undefined || isSellerCancellationReason(reasonCode), 'reasonCode', `must be one of ${SELLER_CANCELLATION_REASON_CODES.join(', ')}`)
    .throwIfInvalid();

export function decideCancelShipment(order: ActiveOrder, command: OrderCommandOf<'CancelShipment'>, now: Date): OrderEvent[] {
  validateCancellation(command.reason, command.reasonCode);
  const shipment = requireShipment(order, command.shipmentId);
  if (shipment.status === 'cancelled') return [];
  requireStatus(shipment, CANCELLABLE, 'SHIPMENT_ALREADY_DISPATCHED', 'cancel the shipment');
  return [cancellation(order, shipment, command.reason, command.reasonCode, now)];
}

/**
 * Whether the order can be cancelled now; checked before a credit note number is allocated too, so
 * a refused cancellation never consumes one. False when it is cancelled already (nothing to do).
 */
export function orderNeedsCancelling(order: ActiveOrder, reason: string, reasonCode?: unknown): boolean {
  validateCancellation(reason, reasonCode);
  if (order.cancelled) return false;
  // A parcel that came back (or was disposed of on its way back) is no longer out with the buyer.
  const dispatched = order.shipments.find((s) => DISPATCHED_SHIPMENT_STATUSES.includes(s.status) && !RETURNED.includes(s.status));
  if (dispatched) {
    throw new IllegalStepError('ORDER_ALREADY_DISPATCHED', `Order ${order.orderId} cannot be cancelled: shipment ${dispatched.shipmentId} is ${dispatched.status}`, {
      shipmentId: dispatched.shipmentId,
      shipmentStatus: dispatched.status,
    });
  }
  return true;
}

export function decideCancelOrder(order: ActiveOrder, command: OrderCommandOf<'CancelOrder'>, now: Date): OrderEvent[] {
  if (!orderNeedsCancelling(order, command.reason, command.reasonCode)) return [];
  const open = order.shipments.filter((s) => CANCELLABLE.includes(s.status));
  const { reasonCode } = command;
  return [
    ...creditNoteOnCancellation(order, command, now),
    ...open.map((s) => cancellation(order, s, command.reason, reasonCode, now)),
    {
      type: 'OrderCancelled',
      data: { orderId: order.orderId, sellerId: order.sellerId, reason: command.reason, ...(reasonCode ? { reasonCode } : {}), cancelledAt: now.toISOString() },
    },
  ];
}

const IN_FLIGHT: readonly ShipmentStatus[] = ['picked_up', 'in_transit', 'out_for_delivery', 'shipped', 'rto_initiated'];

export function decideReship(order: ActiveOrder, command: OrderCommandOf<'ReshipOrder'>, ctx: OrderContext): OrderEvent[] {
  const v = new Validator().oneOf(command.reason, RESHIP_REASONS, 'reason').optionalString(command.note, 'note', 500);
  v.throwIfInvalid();
  requireOpenOrder(order);
  if (!order.invoice) throw new IllegalStepError('INVOICE_REQUIRED', `Order ${order.orderId} needs an invoice before it can ship`);
  const previous = currentShipment(order);
  if (!previous) throw new IllegalStepError('NOTHING_TO_RESHIP', `Order ${order.orderId} has no shipment yet; create one instead`);
  const lostInFlight = command.reason === 'lost' && IN_FLIGHT.includes(previous.status);
  if (!isTerminal(previous) && !lostInFlight) {
    throw refusal(previous, 'SHIPMENT_STILL_ACTIVE', `Shipment ${previous.shipmentId} is ${previous.status}; reship once it is delivered, returned or cancelled (or lost)`);
  }
  const seller = requireSeller(ctx);
  const mode = command.mode ?? previous.mode;
  // A reship on-network asks for what the shipment it replaces asked for, unless told otherwise.
  const deliveryCategory = command.deliveryCategory ?? (mode === 'on-network' ? previous.deliveryCategory : undefined);
  const created = newShipmentEvents(
    order,
    seller,
    { ...command, mode, package: command.package ?? previous.package, ...(deliveryCategory ? { deliveryCategory } : {}), reshipOf: previous.shipmentId },
    ctx,
  );
  return [
    {
      type: 'OrderReshipped',
      data: {
        orderId: order.orderId,
        shipmentId: command.shipmentId,
        previousShipmentId: previous.shipmentId,
        reason: command.reason,
        ...(command.note ? { note: command.note } : {}),
        reshippedAt: ctx.now.toISOString(),
      },
    },
    ...created,
  ];
}

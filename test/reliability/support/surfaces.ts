import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sellerProfile } from '../../support/fixtures';
import { orderBody } from './http-client';
import { REPO_ROOT } from './paths';

/** The ids a surface's path is filled with: a real order and shipment of the calling seller, made for that surface alone. */
export interface Target {
  orderId: string;
  shipmentId: string;
}

/** What a surface answers to garbage: seller routes a problem document, ONDC a NACK, the WhatsApp webhook a 401. */
export type Refusal = 'problem' | 'ondc-nack';

/** One HTTP surface: routes from contracts/openapi.json are listed by themselves; others are one entry each in the spec that needs them. */
export interface Surface {
  name: string;
  method: string;
  path: string;
  auth: 'seller' | 'platform' | 'none';
  /** A body that passes validation, so mutations of it reach deeper than the first check. */
  valid?: (target: Target) => Record<string, unknown>;
  hasBody: boolean;
  queryParams: string[];
  refusal: Refusal;
  /** Which channel's events an unauthenticated surface could write, for the "changed nothing" check. */
  channel?: string;
}

interface OpenApiOperation {
  operationId: string;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: unknown;
}

/** Bodies that pass validation, by OpenAPI operation. */
export const VALID_BODIES: Record<string, (target: Target) => Record<string, unknown>> = {
  SellersController_create: () => ({ profile: sellerProfile(), settings: { invoicePrefix: 'FZ/' } }),
  SellersController_update: () => ({ settings: { invoicePrefix: 'FZ/', autoInvoice: false } }),
  SellersController_verifyWhatsApp: () => ({ code: '123456' }),
  OrdersController_receive: () => orderBody(),
  OrdersController_invoice: () => ({}),
  OrdersController_regenerate: () => ({ reason: 'Address typo', corrections: { deliveryAddress: { line1: 'Flat 4C' } } }),
  OrdersController_reship: () => ({ reason: 'lost' }),
  OrdersController_cancel: () => ({ reason: 'Buyer cancelled' }),
  ShipmentsController_create: () => ({ mode: 'off-network' }),
  ShipmentsController_ship: () => ({ courierName: 'Blue Dart', trackingNumber: 'BD12345' }),
  ShipmentsController_verifyOtp: () => ({ otp: '123456' }),
  BulkReadyToShipController_bulk: (target) => ({ items: [target] }),
  ShipmentsController_cancel: () => ({ reason: 'Buyer asked' }),
  FailedAttemptsController_failedAttempt: () => ({ reason: 'Buyer not at home' }),
  FailedAttemptsController_returned: () => ({ reason: 'Buyer refused the parcel' }),
  ReturnsController_request: () => ({ lines: [{ sku: 'SAREE-1', quantity: 1 }], reason: 'Wrong size' }),
  ReturnsController_ship: () => ({ courierName: 'Blue Dart', trackingNumber: 'BD998877' }),
  ReturnsController_receive: () => ({ accepted: [{ sku: 'SAREE-1', quantity: 1 }], rejected: [] }),
  ReturnsController_cancel: () => ({ reason: 'Buyer kept it' }),
  IssuesController_raise: () => ({ kind: 'lost', description: 'Tracking has not moved for three days' }),
  IssuesController_info: () => ({ info: 'Photos: https://example.in/box.jpg' }),
  IssuesController_escalate: () => ({ reason: 'The refund does not cover the goods' }),
  IssuesController_close: () => ({ satisfied: true }),
};

const PLATFORM_OPERATIONS = new Set(['SellersController_create', 'WhatsAppOutboxController_list']);
const PUBLIC_PREFIXES = ['/webhooks/', '/health', '/metrics'];

export function openApiSurfaces(): Surface[] {
  const document = JSON.parse(readFileSync(join(REPO_ROOT, 'contracts/openapi.json'), 'utf8')) as { paths: Record<string, Record<string, OpenApiOperation>> };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]): Surface => ({
      name: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      auth: PUBLIC_PREFIXES.some((p) => path.startsWith(p)) ? 'none' : PLATFORM_OPERATIONS.has(operation.operationId) ? 'platform' : 'seller',
      hasBody: operation.requestBody !== undefined || method === 'post' || method === 'patch',
      queryParams: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      refusal: 'problem',
      ...(VALID_BODIES[operation.operationId] ? { valid: VALID_BODIES[operation.operationId]! } : {}),
    })),
  );
}

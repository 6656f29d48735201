import { ONDC_ERRORS, type OndcErrorCode } from './error-codes';
import type { AckResponse, NackResponse, OndcError, OndcErrorType } from './types';

export const ack = (): AckResponse => ({ message: { ack: { status: 'ACK' } } });

/** A NACK carrying a listed code; `detail` replaces the list's generic message when it says more. */
export function nack(type: OndcErrorType, code: OndcErrorCode, detail?: string, path?: string): NackResponse {
  const error: OndcError = { type, code: code.code, message: detail ?? code.description };
  if (path !== undefined) error.path = path;
  return { message: { ack: { status: 'NACK' } }, error };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function readError(value: unknown): OndcError | undefined {
  if (!isObject(value) || typeof value['code'] !== 'string' || typeof value['type'] !== 'string') return undefined;
  const error: OndcError = { type: value['type'] as OndcErrorType, code: value['code'] };
  if (typeof value['message'] === 'string') error.message = value['message'];
  if (typeof value['path'] === 'string') error.path = value['path'];
  return error;
}

/**
 * Reads a synchronous answer. A NACK without a well-formed error still counts as a NACK (its
 * error is then undefined); anything that is neither is undefined.
 */
export function readAckOrNack(body: unknown): { status: 'ACK' } | { status: 'NACK'; error: OndcError | undefined } | undefined {
  if (!isObject(body) || !isObject(body['message']) || !isObject(body['message']['ack'])) return undefined;
  const status = body['message']['ack']['status'];
  if (status === 'ACK') return { status: 'ACK' };
  if (status === 'NACK') return { status: 'NACK', error: readError(body['error']) };
  return undefined;
}

/**
 * The NACK for a request refused before any ONDC rule read it (by the HTTP layer: body parsing,
 * size and depth limits, routing, an internal failure), by its HTTP status. A body that cannot
 * be read as a message is a schema error; a limit or a media type is our policy; a wrong route is
 * a context error; our own failure is retriable.
 */
export function nackForHttpRefusal(httpStatus: number, detail: string): NackResponse {
  if (httpStatus >= 500) return nack('CORE-ERROR', ONDC_ERRORS.LBNP_INTERNAL_ERROR, detail);
  if (httpStatus === 401 || httpStatus === 403) return nack('POLICY-ERROR', ONDC_ERRORS.BUYER_INVALID_SIGNATURE, detail);
  if (httpStatus === 413 || httpStatus === 415 || httpStatus === 429 || httpStatus === 431) return nack('POLICY-ERROR', ONDC_ERRORS.BUYER_INVALID_RESPONSE, detail);
  if (httpStatus === 404 || httpStatus === 405 || httpStatus === 414) return nack('CONTEXT-ERROR', ONDC_ERRORS.BUYER_INVALID_RESPONSE, detail);
  return nack('JSON-SCHEMA-ERROR', ONDC_ERRORS.LBNP_ORDER_VALIDATION_FAILURE, detail);
}

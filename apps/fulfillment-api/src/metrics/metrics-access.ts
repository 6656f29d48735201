import { createHash, timingSafeEqual } from 'node:crypto';

export const METRICS_TOKEN = Symbol('METRICS_TOKEN');

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Whether an Authorization header carries the metrics token; always true when no token is configured. Compared in constant time. */
export function metricsAuthorized(token: string | undefined, authorization: string | string[] | undefined): boolean {
  if (token === undefined) return true;
  const given = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = given?.match(/^Bearer\s+(\S+)$/i);
  return match !== null && match !== undefined && timingSafeEqual(digest(match[1]!), digest(token));
}

/** RFC 9457 problem details, with a stable `code` clients can branch on. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://fulfilment-engine.dev/problems/';

export function problem(status: number, code: string, title: string, detail: string, extensions: Record<string, unknown> = {}): ProblemDetails {
  // Extensions come first so that no detail of an error can overwrite the standard members.
  return { ...extensions, type: `${TYPE_BASE}${code.toLowerCase().replace(/_/g, '-')}`, title, status, detail, code };
}

/**
 * The console's only way to the engine: the public HTTP API, with the key the user typed kept in
 * sessionStorage (gone when the tab closes, never in localStorage or a cookie).
 */

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  issues?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

export type KeyKind = 'seller' | 'platform';
const STORAGE: Record<KeyKind, string> = { seller: 'fulfil.console.sellerKey', platform: 'fulfil.console.platformKey' };

export const keys = {
  get: (kind: KeyKind): string | null => sessionStorage.getItem(STORAGE[kind]),
  set: (kind: KeyKind, value: string): void => sessionStorage.setItem(STORAGE[kind], value.trim()),
  clear: (kind: KeyKind): void => sessionStorage.removeItem(STORAGE[kind]),
};

export type Query = Record<string, string | number | undefined | null>;

function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (typeof body.detail === 'string') return { title: body.title ?? response.statusText, status: response.status, ...body, detail: body.detail };
  } catch {
    // not JSON: fall through to a problem made from the status line
  }
  return { title: response.statusText || 'Request failed', status: response.status, detail: text.slice(0, 300) || `HTTP ${response.status}` };
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH';
  body?: unknown;
  query?: Query;
  key?: KeyKind | 'none';
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = {};
  const kind = options.key ?? 'seller';
  if (kind !== 'none') {
    const key = keys.get(kind);
    if (key) headers['authorization'] = `Bearer ${key}`;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url(path, options.query), { method: options.method ?? 'GET', headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  } catch (error) {
    throw new ProblemError({ title: 'Engine unreachable', status: 0, detail: error instanceof Error ? error.message : String(error) });
  }
  // /health/ready answers its details with 503 too: the caller reads them either way.
  if (!response.ok && !(path === '/health/ready' && response.status === 503)) throw new ProblemError(await problemOf(response));
  return response;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await (await send(path, options)).json()) as T;
}

/** A PDF or image, for an inline preview. */
export async function apiBlob(path: string, query: Query = {}): Promise<Blob> {
  return (await send(path, { query })).blob();
}

/** A multipart upload (package images). */
/** A multipart POST: text fields and files (a package image, shipment photos). */
export async function apiForm<T>(path: string, fields: Record<string, string>, files: Array<{ field: string; file: File }>): Promise<T> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const { field, file } of files) form.append(field, file);
  const key = keys.get('seller');
  const response = await fetch(path, { method: 'POST', body: form, headers: key ? { authorization: `Bearer ${key}` } : {} });
  if (!response.ok) throw new ProblemError(await problemOf(response));
  return (await response.json()) as T;
}

export const apiUpload = <T,>(path: string, file: File): Promise<T> => apiForm<T>(path, {}, [{ field: 'image', file }]);

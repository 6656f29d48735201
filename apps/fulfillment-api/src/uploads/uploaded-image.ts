import { createHash } from 'node:crypto';
import { ProblemError, problem } from '@fulfil/platform';
import { MAX_IMAGE_BYTES } from './image-store';

/** At most this many photos when a shipment is marked shipped; also the most files any multipart request may carry. */
export const MAX_SHIPMENT_PHOTOS = 5;
const MAX_FIELDS = 10;

interface MultipartPart {
  type: 'file' | 'field';
  fieldname: string;
  /** Files. */
  filename?: string;
  mimetype?: string;
  toBuffer?(): Promise<Buffer>;
  /** The part's stream; `truncated` once it hit the size limit. */
  file?: { truncated: boolean };
  /** Fields. */
  value?: unknown;
}

export interface UploadedImage {
  content: Buffer;
  filename: string;
  declaredType: string;
  /** The form field it came in. */
  field: string;
}

export interface UploadedForm {
  fields: Record<string, string>;
  files: UploadedImage[];
}

export interface UploadingRequest {
  isMultipart?: () => boolean;
  parts?: (options: { limits: { fileSize: number; files: number; fields: number; parts: number } }) => AsyncIterableIterator<MultipartPart>;
  /** The multipart body, read once: hashed for idempotency before the route runs, then used by the route. */
  uploadedForm?: Promise<UploadedForm | undefined>;
}

const tooLarge = (): ProblemError =>
  new ProblemError(problem(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', `Images may be at most ${MAX_IMAGE_BYTES / 1024 / 1024} MB each, at most ${MAX_SHIPMENT_PHOTOS} in a request`));

const malformed = (): ProblemError =>
  new ProblemError(problem(400, 'MALFORMED_MULTIPART', 'Bad request', 'The multipart/form-data body could not be parsed; send text fields and image file parts'));

async function readForm(request: UploadingRequest & { parts: NonNullable<UploadingRequest['parts']> }): Promise<UploadedForm> {
  const form: UploadedForm = { fields: {}, files: [] };
  try {
    for await (const part of request.parts({ limits: { fileSize: MAX_IMAGE_BYTES, files: MAX_SHIPMENT_PHOTOS, fields: MAX_FIELDS, parts: MAX_SHIPMENT_PHOTOS + MAX_FIELDS } })) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') form.fields[part.fieldname] = part.value;
        continue;
      }
      const content = await part.toBuffer!();
      // The parser's size-limit error races the last chunk: a file cut at the limit can come back without one. Never keep a cut file.
      if (part.file?.truncated) throw tooLarge();
      form.files.push({ content, filename: part.filename ?? '', declaredType: part.mimetype ?? '', field: part.fieldname });
    }
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    // Past a size or count limit: too large. Whatever else the parser choked on (no boundary, a cut or garbled part) is the request's fault, not ours.
    if ((error as { statusCode?: unknown }).statusCode === 413) throw tooLarge();
    throw malformed();
  }
  return form;
}

/** The request's multipart body, read (once); undefined for other bodies. */
export function uploadedForm(request: UploadingRequest): Promise<UploadedForm | undefined> {
  if (!request.isMultipart?.() || !request.parts) return Promise.resolve(undefined);
  request.uploadedForm ??= readForm(request as UploadingRequest & { parts: NonNullable<UploadingRequest['parts']> });
  return request.uploadedForm;
}

/** The request's first file part; undefined for other bodies and for a body without a file. */
export async function uploadedImage(request: UploadingRequest): Promise<UploadedImage | undefined> {
  return (await uploadedForm(request))?.files[0];
}

/** What an upload contributes to a request's identity: the file's bytes, name and declared type. */
export async function uploadedImageDigest(request: UploadingRequest): Promise<string | undefined> {
  const form = await uploadedForm(request);
  if (!form) return undefined;
  const files = form.files.map((f) => `${f.field} ${createHash('sha256').update(f.content).digest('hex')} ${JSON.stringify(f.filename)} ${JSON.stringify(f.declaredType)}`);
  return JSON.stringify({ fields: Object.entries(form.fields).sort(([a], [b]) => a.localeCompare(b)), files });
}

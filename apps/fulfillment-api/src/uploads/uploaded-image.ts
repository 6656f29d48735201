import { createHash } from 'node:crypto';
import { ProblemError, problem } from '@fulfil/platform';
import { MAX_IMAGE_BYTES } from './image-store';

interface MultipartFile {
  filename: string;
  mimetype: string;
  toBuffer(): Promise<Buffer>;
  /** The part's stream; `truncated` once it hit the size limit. */
  file: { truncated: boolean };
}

export interface UploadedImage {
  content: Buffer;
  filename: string;
  declaredType: string;
}

export interface UploadingRequest {
  isMultipart?: () => boolean;
  file?: (options: { limits: { fileSize: number; files: number } }) => Promise<MultipartFile | undefined>;
  /** The one image part, read once: hashed for idempotency before the route runs, then used by the route. */
  uploadedImage?: Promise<UploadedImage | undefined>;
}

const tooLarge = (): ProblemError => new ProblemError(problem(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', `Images may be at most ${MAX_IMAGE_BYTES / 1024 / 1024} MB`));

async function readImagePart(request: UploadingRequest & { file: NonNullable<UploadingRequest['file']> }): Promise<UploadedImage | undefined> {
  let file: MultipartFile | undefined;
  let content: Buffer;
  try {
    file = await request.file({ limits: { fileSize: MAX_IMAGE_BYTES, files: 1 } });
    if (!file) return undefined;
    content = await file.toBuffer();
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (status === 413) throw tooLarge();
    // Whatever the parser choked on (no boundary, a cut or garbled part) is the request's fault, not ours.
    throw new ProblemError(problem(400, 'MALFORMED_MULTIPART', 'Bad request', 'The multipart/form-data body could not be parsed; send one file part named "image"'));
  }
  // The parser's size-limit error races the last chunk: a file cut at the limit can come back without one. Never keep a cut file.
  if (file.file.truncated) throw tooLarge();
  return { content, filename: file.filename, declaredType: file.mimetype };
}

/** The request's image part, read (once) from a multipart body; undefined for other bodies and for a body without a file. */
export function uploadedImage(request: UploadingRequest): Promise<UploadedImage | undefined> {
  if (!request.isMultipart?.() || !request.file) return Promise.resolve(undefined);
  request.uploadedImage ??= readImagePart(request as UploadingRequest & { file: NonNullable<UploadingRequest['file']> });
  return request.uploadedImage;
}

/** What an upload contributes to a request's identity: the file's bytes, name and declared type. */
export async function uploadedImageDigest(request: UploadingRequest): Promise<string | undefined> {
  const image = await uploadedImage(request);
  if (!image) return undefined;
  return `${createHash('sha256').update(image.content).digest('hex')} ${JSON.stringify(image.filename)} ${JSON.stringify(image.declaredType)}`;
}

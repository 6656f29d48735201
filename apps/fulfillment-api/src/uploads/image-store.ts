import { createHash } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { StoredImage } from '@fulfil/domain';
import { ProblemError, problem } from '@fulfil/platform';

export const UPLOADS_DIR = Symbol('UPLOADS_DIR');
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

const SIGNATURES: Array<{ contentType: string; extension: string; matches: (b: Buffer) => boolean }> = [
  { contentType: 'image/jpeg', extension: 'jpg', matches: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    contentType: 'image/png',
    extension: 'png',
    matches: (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { contentType: 'image/webp', extension: 'webp', matches: (b) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP' },
];

/** The image type a file really is, judged by its first bytes rather than its name or declared type. */
export function sniffImage(content: Buffer): { contentType: string; extension: string } | undefined {
  return SIGNATURES.find((s) => s.matches(content));
}

/** Content-addressed image files under DATA_DIR: the same photo uploaded twice is stored once. */
@Injectable()
export class ImageStore {
  constructor(@Inject(UPLOADS_DIR) private readonly directory: string) {}

  async save(content: Buffer): Promise<StoredImage> {
    if (content.length === 0) throw new ProblemError(problem(400, 'EMPTY_UPLOAD', 'Bad request', 'The uploaded file is empty'));
    if (content.length > MAX_IMAGE_BYTES) {
      throw new ProblemError(problem(413, 'UPLOAD_TOO_LARGE', 'Payload too large', `Images may be at most ${MAX_IMAGE_BYTES / 1024 / 1024} MB`));
    }
    const kind = sniffImage(content);
    if (!kind) throw new ProblemError(problem(415, 'NOT_AN_IMAGE', 'Unsupported media type', 'Only JPEG, PNG and WebP images are accepted (checked by content)'));
    const sha256 = createHash('sha256').update(content).digest('hex');
    const path = join(this.directory, sha256.slice(0, 2), `${sha256}.${kind.extension}`);
    if (!(await exists(path))) {
      await mkdir(dirname(path), { recursive: true });
      // Write then rename, so a crash never leaves a half-written file under the final name.
      const partial = `${path}.${process.pid}.partial`;
      await writeFile(partial, content);
      await rename(partial, path);
    }
    return { sha256, contentType: kind.contentType, sizeBytes: content.length };
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

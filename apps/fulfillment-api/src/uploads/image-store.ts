import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
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

/** An image checked and written aside under its final name's hash: kept once its command is accepted, discarded otherwise. */
export interface StagedImage {
  image: StoredImage;
  keep(): Promise<void>;
  discard(): Promise<void>;
}

const extensionOf = (contentType: string): string | undefined => SIGNATURES.find((s) => s.contentType === contentType)?.extension;

/**
 * Content-addressed image files under DATA_DIR: the same photo uploaded twice is stored once. An
 * upload is staged first (so a bad or unwritable file is refused before anything is recorded) and
 * moved into place only once the command that records it is accepted: a refused one leaves no file.
 */
@Injectable()
export class ImageStore implements OnModuleInit {
  constructor(@Inject(UPLOADS_DIR) private readonly directory: string) {}

  /**
   * A process that died between a command's acceptance and moving its images into place left them
   * staged. Whether that command was accepted is not known here, so each is kept under its final
   * name (files are content-addressed, and only an event's reference ever serves one): an accepted
   * image is never lost, and at worst a refused one stays unreferenced.
   */
  async onModuleInit(): Promise<void> {
    const stagingDir = join(this.directory, '.staging');
    const staged = await readdir(stagingDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const name of staged) {
      const match = /^([0-9a-f]{64})\.[0-9a-f-]{36}\.(jpg|png|webp)$/.exec(name);
      const from = join(stagingDir, name);
      if (!match) continue;
      const path = this.pathOf(match[1]!, match[2]!);
      const present = await access(path).then(() => true, () => false);
      // A file cut short by the crash was never recorded by a command: it ran only after staging.
      const whole = !present && createHash('sha256').update(await readFile(from)).digest('hex') === match[1];
      if (!whole) {
        await rm(from, { force: true });
      } else {
        await mkdir(dirname(path), { recursive: true });
        await rename(from, path);
      }
    }
  }

  /** Stores the images for good once `command` succeeds; a command that throws leaves none of them. */
  async storedIfAccepted<T>(contents: Buffer[], command: (images: StoredImage[]) => Promise<T>): Promise<{ result: T; images: StoredImage[] }> {
    const staged: StagedImage[] = [];
    const discardAll = () => Promise.all(staged.map((s) => s.discard()));
    let result: T;
    try {
      for (const content of contents) staged.push(await this.stage(content));
      result = await command(staged.map((s) => s.image));
    } catch (error) {
      await discardAll();
      throw error;
    }
    for (const s of staged) await s.keep();
    return { result, images: staged.map((s) => s.image) };
  }

  /** Stores an image at once: for photos that are facts as soon as they arrive (a seller's on WhatsApp). */
  async save(content: Buffer): Promise<StoredImage> {
    const staged = await this.stage(content);
    await staged.keep();
    return staged.image;
  }

  /** A stored image's bytes; undefined when no such file is kept. */
  async read(image: StoredImage): Promise<Buffer | undefined> {
    const extension = extensionOf(image.contentType);
    if (!extension || !/^[0-9a-f]{64}$/.test(image.sha256)) return undefined;
    try {
      return await readFile(this.pathOf(image.sha256, extension));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async stage(content: Buffer): Promise<StagedImage> {
    if (content.length === 0) throw new ProblemError(problem(400, 'EMPTY_UPLOAD', 'Bad request', 'The uploaded file is empty'));
    if (content.length > MAX_IMAGE_BYTES) {
      throw new ProblemError(problem(413, 'UPLOAD_TOO_LARGE', 'Payload too large', `Images may be at most ${MAX_IMAGE_BYTES / 1024 / 1024} MB`));
    }
    const kind = sniffImage(content);
    if (!kind) throw new ProblemError(problem(415, 'NOT_AN_IMAGE', 'Unsupported media type', 'Only JPEG, PNG and WebP images are accepted (checked by content)'));
    const sha256 = createHash('sha256').update(content).digest('hex');
    const path = this.pathOf(sha256, kind.extension);
    const stagingDir = join(this.directory, '.staging');
    await mkdir(stagingDir, { recursive: true });
    // Its own name per upload: two requests staging the same photo never touch each other's file.
    const staged = join(stagingDir, `${sha256}.${randomUUID()}.${kind.extension}`);
    await writeFile(staged, content);
    return {
      image: { sha256, contentType: kind.contentType, sizeBytes: content.length },
      async keep() {
        await mkdir(dirname(path), { recursive: true });
        // A rename, so the final name never shows a half-written file; over an identical one it changes nothing.
        await rename(staged, path);
      },
      discard: () => rm(staged, { force: true }),
    };
  }

  private pathOf(sha256: string, extension: string): string {
    return join(this.directory, sha256.slice(0, 2), `${sha256}.${extension}`);
  }
}

import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutgoingMessage } from '../cloud-api/outgoing-message';
import { WhatsAppApiError, type WhatsAppApi } from '../cloud-api/whatsapp-api';

/** One message the engine "sent" in the sandbox, as `GET /v1/admin/outbox` lists it. */
export interface SandboxMessage {
  id: string;
  to: string;
  sentAt: string;
  type: OutgoingMessage['type'];
  message: OutgoingMessage;
  /** For documents: what was uploaded. */
  media?: { filename: string; mimeType: string; sha256: string; sizeBytes: number };
}

interface StoredMedia {
  mimeType: string;
  filename: string;
}

const MEDIA_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** What a secret body parameter is kept as when the sink may not keep secrets. */
export const REDACTED_SECRET = '••••••';

/** The message as the sink may keep it: its secret parameters masked. */
function redacted(message: OutgoingMessage): OutgoingMessage {
  if (message.type !== 'template' || !message.secretParameters?.length) return message;
  const secret = new Set(message.secretParameters);
  return { ...message, bodyParameters: message.bodyParameters.map((value, index) => (secret.has(index) ? REDACTED_SECRET : value)) };
}

export interface SandboxSinkOptions {
  /** Mask secrets (the delivery OTP) before anything is written or listed: every deployment but the embedded default. */
  redactSecrets: boolean;
  clock?: () => Date;
}

/**
 * The sandbox's stand-in for Meta: sent messages are appended to a JSON-lines file under
 * DATA_DIR (so they survive a restart), uploads are kept as files, and media "sent by a person"
 * can be placed in it for the engine to download.
 */
export class SandboxSink implements WhatsAppApi {
  private readonly outboxFile: string;
  private readonly mediaDir: string;
  private readonly messages: SandboxMessage[];

  private readonly redactSecrets: boolean;
  private readonly clock: () => Date;

  constructor(private readonly directory: string, options: SandboxSinkOptions) {
    this.redactSecrets = options.redactSecrets;
    this.clock = options.clock ?? (() => new Date());
    this.mediaDir = join(directory, 'media');
    mkdirSync(this.mediaDir, { recursive: true });
    this.outboxFile = join(directory, 'outbox.jsonl');
    this.messages = existsSync(this.outboxFile)
      ? readFileSync(this.outboxFile, 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as SandboxMessage)
      : [];
  }

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    const media = message.type === 'document' ? this.mediaFacts(message.mediaId) : undefined;
    const record: SandboxMessage = {
      id: `wamid.sandbox-${randomUUID()}`,
      to: message.to,
      sentAt: this.clock().toISOString(),
      type: message.type,
      message: this.redactSecrets ? redacted(message) : message,
      ...(media ? { media } : {}),
    };
    appendFileSync(this.outboxFile, `${JSON.stringify(record)}\n`);
    this.messages.push(record);
    return { messageId: record.id };
  }

  async uploadMedia(content: Buffer, mimeType: string, filename: string): Promise<{ mediaId: string }> {
    return { mediaId: placeSandboxMedia(this.directory, content, mimeType, filename) };
  }

  async downloadMedia(mediaId: string): Promise<{ content: Buffer; mimeType: string }> {
    const path = MEDIA_ID.test(mediaId) ? join(this.mediaDir, mediaId) : undefined;
    if (!path || !existsSync(path)) throw new WhatsAppApiError(`Sandbox: no media ${mediaId}`, 100, 404);
    const info = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as StoredMedia;
    return { content: readFileSync(path), mimeType: info.mimeType };
  }

  /** Newest first, optionally only those to one recipient. */
  list(recipient?: string): SandboxMessage[] {
    return this.messages.filter((m) => recipient === undefined || m.to === recipient).reverse();
  }

  private mediaFacts(mediaId: string): SandboxMessage['media'] {
    const path = join(this.mediaDir, mediaId);
    if (!MEDIA_ID.test(mediaId) || !existsSync(path)) throw new WhatsAppApiError(`Sandbox: no uploaded media ${mediaId}`, 100, 400);
    const info = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as StoredMedia;
    const content = readFileSync(path);
    return { filename: info.filename, mimeType: info.mimeType, sha256: createHash('sha256').update(content).digest('hex'), sizeBytes: content.length };
  }
}

/**
 * Puts a file where the sandbox serves media from and returns its media id: what the reply script
 * does to play a seller sending a photo, and what an upload does.
 */
export function placeSandboxMedia(sandboxDirectory: string, content: Buffer, mimeType: string, filename: string): string {
  const mediaDir = join(sandboxDirectory, 'media');
  mkdirSync(mediaDir, { recursive: true });
  const mediaId = `sandbox-media-${randomUUID()}`;
  writeFileSync(join(mediaDir, mediaId), content);
  writeFileSync(join(mediaDir, `${mediaId}.json`), JSON.stringify({ mimeType, filename } satisfies StoredMedia));
  return mediaId;
}

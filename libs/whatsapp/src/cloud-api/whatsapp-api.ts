import type { OutgoingMessage } from './outgoing-message';

/** What the engine needs from WhatsApp: the Cloud API client and the sandbox sink both provide it. */
export interface WhatsAppApi {
  /** Returns Meta's message id (`wamid...`), which status webhooks refer to. */
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  /** Uploads a file for a later document message; the id stays valid for 30 days. */
  uploadMedia(content: Buffer, mimeType: string, filename: string): Promise<{ mediaId: string }>;
  /** Downloads a file a person sent (an image), at once: Meta's URL expires after about five minutes. */
  downloadMedia(mediaId: string): Promise<{ content: Buffer; mimeType: string }>;
}

/** Error codes of the Cloud API the engine acts on. */
export const WHATSAPP_ERRORS = {
  /** Free-form message outside the 24-hour customer service window: only templates reach the person. */
  reengagement: 131047,
  /** Too many messages from the business number. */
  throughput: 130429,
  /** Too many messages to the same person in a short time (pair rate limit). */
  pairRate: 131056,
  /** The message could not be delivered (not a WhatsApp user, blocked, ...): retrying does not help. */
  undeliverable: 131026,
  /** The access token expired or was revoked. */
  expiredToken: 190,
} as const;

/** A refusal from the Cloud API (or the transport), with Meta's error code when there is one. */
export class WhatsAppApiError extends Error {
  constructor(
    message: string,
    /** Meta's `error.code`; undefined for a network failure. */
    readonly code: number | undefined,
    readonly httpStatus: number | undefined,
  ) {
    super(message);
    this.name = 'WhatsAppApiError';
  }
}

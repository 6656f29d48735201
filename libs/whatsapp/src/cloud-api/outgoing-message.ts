/** What the Cloud API's `/messages` endpoint accepts, for the message types the engine sends. */
export interface ReplyButton {
  /** Returned in the button reply; at most 256 characters. */
  id: string;
  /** At most 20 characters, unique within the message. */
  title: string;
}

export interface QuickReplyButton {
  /** Shown to the person; fixed by the approved template, kept here for the sandbox and the outbox. */
  text: string;
  /** Returned as `button.payload` when tapped. */
  payload: string;
}

export type OutgoingMessage =
  | { type: 'text'; to: string; body: string }
  | { type: 'buttons'; to: string; body: string; buttons: ReplyButton[] }
  | {
      type: 'template';
      to: string;
      name: string;
      language: string;
      bodyParameters: string[];
      quickReplies: QuickReplyButton[];
      /** Indexes of bodyParameters that are secrets (the delivery OTP, a number code): sent to Meta, never kept by a sink outside development. */
      secretParameters?: number[];
    }
  | { type: 'document'; to: string; mediaId: string; filename: string; caption?: string };

export const MAX_BUTTONS = 3;
export const MAX_BUTTON_TITLE = 20;
export const MAX_BUTTON_ID = 256;
export const MAX_INTERACTIVE_BODY = 1024;
export const MAX_TEXT_BODY = 4096;

/** Meta refuses a message that breaks these limits, so they are checked before anything is queued. */
export function messageLimitViolation(message: OutgoingMessage): string | undefined {
  if (!/^[1-9][0-9]{6,14}$/.test(message.to)) return `recipient ${message.to} is not an international number in digits`;
  switch (message.type) {
    case 'text':
      return message.body.length === 0 || message.body.length > MAX_TEXT_BODY ? `text body must be 1 to ${MAX_TEXT_BODY} characters` : undefined;
    case 'buttons': {
      if (message.body.length === 0 || message.body.length > MAX_INTERACTIVE_BODY) return `button message body must be 1 to ${MAX_INTERACTIVE_BODY} characters`;
      if (message.buttons.length === 0 || message.buttons.length > MAX_BUTTONS) return `a button message has 1 to ${MAX_BUTTONS} buttons`;
      const titles = new Set(message.buttons.map((b) => b.title));
      if (titles.size !== message.buttons.length) return 'button titles must be unique';
      const bad = message.buttons.find((b) => b.title.length === 0 || [...b.title].length > MAX_BUTTON_TITLE || b.id.length === 0 || b.id.length > MAX_BUTTON_ID);
      return bad ? `button "${bad.title}" breaks the title (${MAX_BUTTON_TITLE}) or id (${MAX_BUTTON_ID}) limit` : undefined;
    }
    case 'template':
      return message.quickReplies.length > 10 ? 'a template has at most 10 quick replies' : undefined;
    case 'document':
      return message.filename.length === 0 ? 'a document needs a file name' : undefined;
  }
}

/** The JSON body of `POST /{phone-number-id}/messages`. */
export function cloudApiBody(message: OutgoingMessage): Record<string, unknown> {
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: message.to };
  switch (message.type) {
    case 'text':
      return { ...base, type: 'text', text: { preview_url: false, body: message.body } };
    case 'buttons':
      return {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: message.body },
          action: { buttons: message.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
        },
      };
    case 'template':
      return {
        ...base,
        type: 'template',
        template: {
          name: message.name,
          language: { code: message.language },
          components: [
            { type: 'body', parameters: message.bodyParameters.map((text) => ({ type: 'text', text })) },
            ...message.quickReplies.map((q, index) => ({ type: 'button', sub_type: 'quick_reply', index: String(index), parameters: [{ type: 'payload', payload: q.payload }] })),
          ],
        },
      };
    case 'document':
      return { ...base, type: 'document', document: { id: message.mediaId, filename: message.filename, ...(message.caption ? { caption: message.caption } : {}) } };
  }
}

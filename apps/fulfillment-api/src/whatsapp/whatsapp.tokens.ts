/** Injection tokens of the WhatsApp channel. */
export const WHATSAPP_CONFIG = Symbol('WHATSAPP_CONFIG');
/** Present only when messages go to the sandbox sink. */
export const SANDBOX_SINK = Symbol('WHATSAPP_SANDBOX_SINK');
/** The WhatsApp reactions for the read-model runner. */
export const WHATSAPP_REACTIONS = Symbol('WHATSAPP_REACTIONS');

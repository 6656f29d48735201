/**
 * A document asked for with input it cannot be drawn from (an unparseable date, no labels, ...).
 * The domain validates orders before any document is rendered, so this means a caller's bug, not
 * a seller's typing mistake: it is deliberately not a domain ValidationError.
 */
export class DocumentInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentInputError';
  }
}

/**
 * Every rule the domain enforces fails with a DomainError carrying a stable `code`; the HTTP,
 * WhatsApp and ONDC edges map the `kind` to their own error shape (problem+json, reply text, NACK).
 */
export type DomainErrorKind = 'validation' | 'illegal_state' | 'not_found' | 'conflict' | 'rate_limited';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `items.0.quantity`. */
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Input that no state could accept; names every offending field. */
export class ValidationError extends DomainError {
  constructor(readonly issues: FieldIssue[]) {
    super(
      'validation',
      'VALIDATION_FAILED',
      issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
      { issues },
    );
    this.name = 'ValidationError';
  }
}

/** A step that is not allowed in the current state (ship before invoice, RTS twice, ...). */
export class IllegalStepError extends DomainError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super('illegal_state', code, message, details);
    this.name = 'IllegalStepError';
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super('not_found', code, message, details);
    this.name = 'NotFoundError';
  }
}

/** A uniqueness rule (invoice number taken, ...). */
export class ConflictError extends DomainError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super('conflict', code, message, details);
    this.name = 'ConflictError';
  }
}

/** A step allowed again later (too many OTP reissues, a lockout still running): says when to retry. */
export class RateLimitedError extends DomainError {
  constructor(code: string, message: string, readonly retryAfterSeconds: number, details: Record<string, unknown> = {}) {
    super('rate_limited', code, message, { ...details, retryAfterSeconds });
    this.name = 'RateLimitedError';
  }
}

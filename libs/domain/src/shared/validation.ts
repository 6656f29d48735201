import { FieldIssue, ValidationError } from './domain-error';

/**
 * Collects every problem with a command's input before deciding, so a caller learns about all
 * of its mistakes at once.
 */
export class Validator {
  private readonly issues: FieldIssue[] = [];

  check(condition: boolean, field: string, message: string): this {
    if (!condition) this.issues.push({ field, message });
    return this;
  }

  nonEmptyString(value: unknown, field: string, maxLength = 200): this {
    return this.check(
      typeof value === 'string' && value.trim().length > 0 && value.length <= maxLength,
      field,
      `must be a non-empty string of at most ${maxLength} characters`,
    );
  }

  optionalString(value: unknown, field: string, maxLength = 200): this {
    if (value === undefined || value === null) return this;
    return this.check(typeof value === 'string' && value.length <= maxLength, field, `must be a string of at most ${maxLength} characters`);
  }

  matches(value: unknown, pattern: RegExp, field: string, message: string): this {
    return this.check(typeof value === 'string' && pattern.test(value), field, message);
  }

  integer(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): this {
    return this.check(
      typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
      field,
      `must be an integer from ${min} to ${max}`,
    );
  }

  positiveNumber(value: unknown, field: string, max: number): this {
    return this.check(
      typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= max,
      field,
      `must be a number greater than 0 and at most ${max}`,
    );
  }

  oneOf<T>(value: unknown, allowed: readonly T[], field: string): this {
    return this.check(allowed.includes(value as T), field, `must be one of ${allowed.join(', ')}`);
  }

  throwIfInvalid(): void {
    if (this.issues.length > 0) throw new ValidationError([...this.issues]);
  }
}

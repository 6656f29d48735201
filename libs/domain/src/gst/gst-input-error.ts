import { FieldIssue, ValidationError } from '../shared/domain-error';

/**
 * Input the GST maths cannot work with (unknown state or rate, negative money, a discount above
 * the line's value, ...). A ValidationError, so every edge already maps it to a 4xx.
 */
export class GstInputError extends ValidationError {
  constructor(issues: FieldIssue[]) {
    super(issues);
    this.name = 'GstInputError';
  }
}

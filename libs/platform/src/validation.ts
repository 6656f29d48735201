import { ValidationError as ClassValidationError, ValidationPipe } from '@nestjs/common';
import { ProblemError } from './problem-details.filter';
import { problem } from './problem-details';

interface FieldProblem {
  field: string;
  message: string;
}

function flatten(errors: ClassValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Whitelisted DTOs; unknown fields are refused, and every bad field is named in one 400 problem. */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const issues = flatten(errors);
      return new ProblemError(
        problem(400, 'VALIDATION_FAILED', 'Bad request', issues.map((i) => `${i.field}: ${i.message}`).join('; '), { issues }),
      );
    },
  });
}

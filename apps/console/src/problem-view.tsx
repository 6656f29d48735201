import type { Problem } from './api';
import { ProblemError } from './api';

export const problemOf = (error: unknown): Problem =>
  error instanceof ProblemError ? error.problem : { title: 'Something went wrong', status: 0, detail: error instanceof Error ? error.message : String(error) };

/** An RFC 9457 problem as the API sent it: title, detail, code and the fields at fault. */
export function ProblemView({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <div class="problem" role="alert">
      <p>
        <strong>{problem.title}</strong>
        {problem.status ? ` (${problem.status}${problem.code ? ` ${problem.code}` : ''})` : ''}
      </p>
      <p class="problem-detail">{problem.detail}</p>
      {problem.issues && problem.issues.length > 0 && (
        <ul>
          {problem.issues.map((issue) => (
            <li key={issue.field}>
              <code>{issue.field}</code>: {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

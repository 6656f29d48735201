/**
 * Text every store can keep: PostgreSQL `text` and `jsonb` refuse NUL (U+0000) and JSON cannot
 * carry an unpaired UTF-16 surrogate as UTF-8. Such a string reaching a write fails deep inside
 * the database, after earlier steps (an invoice number) were taken; it is refused at the edge.
 */
// Without the `u` flag a regular expression sees UTF-16 code units, so a lone half of a pair is matchable.
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isCleanText(value: string): boolean {
  return !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);
}

const fieldPath = (parent: string, key: string | number): string =>
  typeof key === 'number' ? `${parent}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? (parent ? `${parent}.${key}` : key) : `${parent}[${JSON.stringify(key)}]`;

/** The path of the first string (value or key) in `value` that is not clean text, e.g. `items[0].name`; undefined when all are clean. */
export function uncleanTextField(value: unknown, root = ''): string | undefined {
  // Iterative, so that a hostile depth cannot overflow the stack here.
  const pending: Array<[unknown, string]> = [[value, root]];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      if (!isCleanText(current)) return path || '(body)';
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push([item, fieldPath(path, index)]));
      continue;
    }
    for (const [key, child] of Object.entries(current)) {
      const childPath = fieldPath(path, key);
      if (!isCleanText(key)) return childPath;
      pending.push([child, childPath]);
    }
  }
  return undefined;
}

export const UNCLEAN_TEXT_MESSAGE = 'must not contain NUL characters (U+0000) or unpaired UTF-16 surrogates';

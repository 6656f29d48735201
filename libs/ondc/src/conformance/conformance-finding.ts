/**
 * What the conformance checks report: one finding per broken rule, named after the rule and
 * pointing at the field, so a failing test says what to fix and where.
 */
export interface ConformanceFinding {
  /** Stable rule name, e.g. `confirm.bpp-terms-echoed`. */
  rule: string;
  /** Dotted path into the message, e.g. `message.order.payment.@ondc/org/settlement_window`. */
  path: string;
  message: string;
  /** The action of the message the finding is about, and its message id when it has one. */
  action: string;
  messageId?: string;
}

/** A JSON value read by path: the checks take messages as they travel, not as our types promise. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const isObject = (value: unknown): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Paths split into steps once: the checks read the same few hundred paths on every message. */
const STEPS = new Map<string, readonly string[]>();
const MAX_CACHED_PATHS = 10_000;

function stepsOf(path: string): readonly string[] {
  let steps = STEPS.get(path);
  if (!steps) {
    steps = path.split('.').flatMap((part) => part.split(/\[(\d+)\]/).filter(Boolean));
    if (STEPS.size < MAX_CACHED_PATHS) STEPS.set(path, steps);
  }
  return steps;
}

/** `a.b[0].c` read from a value; undefined where any step is missing. */
export function at(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const step of stepsOf(path)) {
    if (Array.isArray(current) && /^\d+$/.test(step)) current = current[Number(step)];
    else if (isObject(current)) current = current[step];
    else return undefined;
  }
  return current;
}

export const arrayAt = (value: unknown, path: string): unknown[] => {
  const found = at(value, path);
  return Array.isArray(found) ? found : [];
};

export const textAt = (value: unknown, path: string): string | undefined => {
  const found = at(value, path);
  return typeof found === 'string' ? found : undefined;
};

/** Tag groups (`{code, list:[{code, value}]}`) found at a path. */
export interface TagView {
  code: string;
  values: Map<string, string>;
}

export function tagsAt(value: unknown, path: string): TagView[] {
  return arrayAt(value, path).flatMap((tag) => {
    if (!isObject(tag) || typeof tag['code'] !== 'string') return [];
    const values = new Map<string, string>();
    for (const item of Array.isArray(tag['list']) ? tag['list'] : []) {
      if (isObject(item) && typeof item['code'] === 'string' && typeof item['value'] === 'string') values.set(item['code'], item['value']);
    }
    return [{ code: tag['code'], values }];
  });
}

/** Collects the findings of one message's checks. */
export class FindingList {
  readonly findings: ConformanceFinding[] = [];

  constructor(private readonly message: unknown) {}

  private get action(): string {
    return textAt(this.message, 'context.action') ?? 'unknown';
  }

  add(rule: string, path: string, message: string): void {
    const messageId = textAt(this.message, 'context.message_id');
    this.findings.push({ rule, path, message, action: this.action, ...(messageId ? { messageId } : {}) });
  }

  /** A finding for each path that holds no value (an empty string counts as none). */
  require(rule: string, base: string, fields: readonly string[]): void {
    for (const field of fields) {
      const path = base ? `${base}.${field}` : field;
      const found = at(this.message, path);
      if (found === undefined || found === null || found === '') this.add(rule, path, `${field} is required`);
    }
  }

  check(rule: string, path: string, ok: boolean, message: string): void {
    if (!ok) this.add(rule, path, message);
  }
}

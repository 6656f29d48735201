import fc from 'fast-check';

/**
 * Hostile JSON, generated as text: a tree serialised by hand so that keys such as `__proto__`
 * and duplicate keys reach the server exactly as an attacker would send them (JSON.stringify of a
 * JavaScript object cannot carry them).
 */
export type JsonTree = { kind: 'leaf'; text: string } | { kind: 'array'; items: JsonTree[] } | { kind: 'object'; entries: Array<[string, JsonTree]> };

export const serialise = (tree: JsonTree): string =>
  tree.kind === 'leaf'
    ? tree.text
    : tree.kind === 'array'
      ? `[${tree.items.map(serialise).join(',')}]`
      : `{${tree.entries.map(([key, value]) => `${JSON.stringify(key)}:${serialise(value)}`).join(',')}}`;

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u202eevil',
  '\ud83d\udca5'.repeat(500),
  'e\u0301'.repeat(200),
  "' OR '1'='1' --",
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '${jndi:ldap://x}',
  '{{constructor.constructor("return process")()}}',
  '%00%ff',
  'a'.repeat(70_000),
  'NaN',
  'null',
];

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const TEMPTING_KEYS = [...PROTOTYPE_KEYS, 'sellerId', 'orderId', 'status', 'position', 'actor', 'metadata', 'admin', 'isAdmin', '$where'];

const hostileString = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom(...NASTY_STRINGS));
const hostileNumberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.integer().map(String),
  fc.constantFrom('1e308', '-1e308', '1e400', '9007199254740993', '-0', '5e-324', '123456789012345678901234567890', '0.1e-999999'),
);
const key = fc.oneof(fc.constantFrom(...TEMPTING_KEYS), fc.string({ unit: 'grapheme', maxLength: 12 }));

const leaf: fc.Arbitrary<JsonTree> = fc.oneof(
  hostileString.map((s) => ({ kind: 'leaf' as const, text: JSON.stringify(s) })),
  hostileNumberText.map((text) => ({ kind: 'leaf' as const, text })),
  fc.constantFrom('true', 'false', 'null').map((text) => ({ kind: 'leaf' as const, text })),
);

export const hostileTree: fc.Arbitrary<JsonTree> = fc.letrec<{ tree: JsonTree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('tree'), { maxLength: 6 }).map((items) => ({ kind: 'array' as const, items })),
    fc.array(fc.tuple(key, tie('tree')), { maxLength: 6 }).map((entries) => ({ kind: 'object' as const, entries })),
  ),
})).tree;

/** Nesting far past any sane document: 1,000 to 20,000 levels of arrays or objects. */
export const deeplyNested = fc.tuple(fc.integer({ min: 1_000, max: 20_000 }), fc.boolean()).map(([depth, arrays]) =>
  arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
);

/** A valid body with one field replaced by something hostile, or hostile keys added: gets past the first checks. */
export function mutated(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const fields = Object.keys(valid);
  return fc.tuple(fc.constantFrom(...(fields.length ? fields : ['x'])), hostileTree, fc.array(fc.tuple(key, hostileTree), { maxLength: 3 })).map(([field, value, extra]) => {
    const entries: Array<[string, JsonTree]> = Object.entries(valid).map(([k, v]) => [k, k === field ? value : { kind: 'leaf', text: JSON.stringify(v) }]);
    return serialise({ kind: 'object', entries: [...entries, ...extra] });
  });
}

const MALFORMED = ['{"reason": ', '{', ']', '{"a":1,}', "{'a':1}", 'undefined', '\u0000', '{"a":"\ud800"}', 'NaN', '{"a":1}{"b":2}', '\ufeff{"a":1}'];

/** A JSON request body of any of the hostile shapes, with the content type it is sent as. */
export interface HostileBody {
  shape: 'hostile' | 'mutated' | 'nested' | 'malformed' | 'oversized' | 'wrong-type' | 'empty';
  body: string;
  contentType: string;
}

/** Counterexamples print as a summary: a 20,000-level body would drown the report. */
function summarised(body: HostileBody): HostileBody {
  const preview = body.body.length > 160 ? `${body.body.slice(0, 160)}... (${body.body.length} chars)` : body.body;
  return Object.assign(body, { [fc.toStringMethod]: () => `${body.shape} ${body.contentType} ${JSON.stringify(preview)}` });
}

export function hostileBody(valid: Record<string, unknown> | undefined): fc.Arbitrary<HostileBody> {
  return anyHostileBody(valid).map(summarised);
}

function anyHostileBody(valid: Record<string, unknown> | undefined): fc.Arbitrary<HostileBody> {
  const json = (shape: HostileBody['shape']) => (body: string) => ({ shape, body, contentType: 'application/json' });
  return fc.oneof(
    hostileTree.map(serialise).map(json('hostile')),
    ...(valid ? [mutated(valid).map(json('mutated'))] : []),
    deeplyNested.map(json('nested')),
    fc.oneof(fc.constantFrom(...MALFORMED), fc.string({ maxLength: 30 })).map(json('malformed')),
    fc.integer({ min: 1_100_000, max: 3_000_000 }).map((size) => ({ shape: 'oversized' as const, body: `{"reason":"${'x'.repeat(size)}"}`, contentType: 'application/json' })),
    fc
      .tuple(fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/octet-stream'), hostileTree.map(serialise))
      .map(([contentType, body]) => ({ shape: 'wrong-type' as const, body, contentType })),
    fc.constant({ shape: 'empty' as const, body: '', contentType: 'application/json' }),
  );
}

/** A path segment an attacker might put where an id goes. */
export const hostileId = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
  fc.constantFrom('..', '.', '%2e%2e', '__proto__', 'constructor', 'a'.repeat(5_000), "1' OR '1'='1", 'ord_x/../../seller', '\u0000', ' '),
);

/** Printable header values (fetch refuses control characters before they leave the client). */
export const hostileHeaderValue = fc.oneof(fc.stringMatching(/^[\x20-\x7e]{0,300}$/), fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'a'.repeat(8_000)}`, 'Bearer fes_x.y.z'));

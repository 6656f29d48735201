import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CALLBACK_ACTIONS, OndcAction, REQUEST_ACTIONS, isCallbackAction, isRequestAction } from './types';

/**
 * The JSON Schemas of `contracts/ondc/` (one per action, plus shared definitions), compiled once per
 * directory on first use. Runs on the receiving path: the sandbox partners check our requests with
 * them, and the adapter checks callbacks before reading them.
 */

export interface SchemaProblem {
  /** Where in the message, e.g. `message.order.fulfillments[0].start`; empty for the root. */
  path: string;
  message: string;
}

export interface SchemaCheck {
  valid: boolean;
  errors: SchemaProblem[];
}

/** `contracts/ondc` of the repository this file lives in, found by walking up (works from src and from dist). */
export function defaultOndcSchemaDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'contracts', 'ondc');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return resolve(process.cwd(), 'contracts', 'ondc');
  }
}

/** `/message/order/fulfillments/0/start` → `message.order.fulfillments[0].start`. */
function toDottedPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^[0-9]+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '');
}

function describe(error: ErrorObject): SchemaProblem {
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? error.keyword;
  if (error.keyword === 'enum') message += ` (${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`;
  if (error.keyword === 'const') message += ` (${JSON.stringify(params['allowedValue'])})`;
  const missing = error.keyword === 'required' ? String(params['missingProperty']) : undefined;
  const path = toDottedPath(error.instancePath);
  return { path: missing ? (path ? `${path}.${missing}` : missing) : path, message };
}

/** "must match then schema" repeats what the errors inside the then branch already say. */
const isNoise = (error: ErrorObject): boolean => error.keyword === 'if';

export interface OndcSchemas {
  validate(action: OndcAction, body: unknown): SchemaCheck;
  /** Compiles every action's validator now rather than on its first message. */
  compileAll(): void;
}

export function loadOndcSchemas(dir: string = defaultOndcSchemaDir()): OndcSchemas {
  // strictRequired is off: a "then" may require properties declared beside its "if", not inside it.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  addFormats(ajv);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.schema.json'))) {
    ajv.addSchema(JSON.parse(readFileSync(join(dir, file), 'utf8')) as object);
  }
  const compiled = new Map<OndcAction, ValidateFunction>();
  const validatorFor = (action: OndcAction): ValidateFunction => {
    let validate = compiled.get(action);
    if (!validate) {
      validate = ajv.getSchema(`https://schemas.fulfilment-engine.dev/ondc/${action}.json`);
      if (!validate) throw new Error(`no schema for ONDC action "${action}" in ${dir}`);
      compiled.set(action, validate);
    }
    return validate;
  };
  return {
    compileAll() {
      for (const action of [...REQUEST_ACTIONS, ...CALLBACK_ACTIONS]) validatorFor(action);
    },
    validate(action, body) {
      const validate = validatorFor(action);
      if (validate(body)) return { valid: true, errors: [] };
      return { valid: false, errors: (validate.errors ?? []).filter((e) => !isNoise(e)).map(describe) };
    },
  };
}

let defaultSchemas: OndcSchemas | undefined;

/**
 * Compiles the schemas of `contracts/ondc/` at start-up: compiled on first use, the first message
 * of each action waited about 20–40 ms on one core while ajv generated its validator.
 */
export function prepareOndcSchemas(): void {
  defaultSchemas ??= loadOndcSchemas();
  defaultSchemas.compileAll();
}

/** Checks a message against the schema of its action in `contracts/ondc/`. */
export function validateOndcMessage(action: OndcAction, body: unknown): SchemaCheck {
  if (!isRequestAction(action) && !isCallbackAction(action)) throw new Error(`unknown ONDC action "${String(action)}"`);
  defaultSchemas ??= loadOndcSchemas();
  return defaultSchemas.validate(action, body);
}

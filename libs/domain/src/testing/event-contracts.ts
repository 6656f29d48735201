import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { eventSchemaVersion, isDomainEventType } from '../domain-events';

/**
 * Checks events against the published JSON Schemas in `contracts/events/` (one file per event type
 * and schema version, see contracts/events/README.md). Meant for tests: it reads files with node:fs.
 */

export const EVENT_SCHEMA_BASE_URI = 'https://schemas.fulfilment-engine.dev/events/';
/** Files in the contracts directory that are not the schema of one event type. */
export const SHARED_SCHEMA_FILES: readonly string[] = ['common.v1.schema.json', 'ondc-common.v1.schema.json', 'event-metadata.v1.schema.json'];
const METADATA_SCHEMA_ID = `${EVENT_SCHEMA_BASE_URI}event-metadata.v1.json`;
const EVENT_SCHEMA_FILE = /^([A-Z][A-Za-z0-9]*)\.v([1-9][0-9]*)\.schema\.json$/;

export const eventSchemaFileName = (type: string, version: number): string => `${type}.v${version}.schema.json`;
export const eventSchemaId = (type: string, version: number): string => `${EVENT_SCHEMA_BASE_URI}${type}.v${version}.json`;

export interface ContractCheck {
  valid: boolean;
  /** One readable line per problem, e.g. `OrderReceived.v1 /deliveryAddress/pincode: must match pattern "^[1-9][0-9]{5}$"`. */
  errors: string[];
}

/** An event schema file found in the contracts directory. */
export interface EventSchemaFile {
  file: string;
  type: string;
  version: number;
  id: string;
}

export interface EventSchemas {
  dir: string;
  /** The event schema files of the directory (shared definitions excluded), sorted by name. */
  files: readonly EventSchemaFile[];
  /** Validates an event's data against the schema of its type, at the version the domain writes now unless another is given. */
  validate(event: { type: string; data: unknown }, version?: number): ContractCheck;
  /** Validates the metadata stored next to an event's data. */
  validateMetadata(metadata: unknown): ContractCheck;
}

/** `contracts/events` of the repository this file lives in, found by walking up from here. */
export function defaultEventSchemaDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'contracts', 'events');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return resolve(process.cwd(), 'contracts', 'events');
  }
}

function describe(error: ErrorObject): string {
  const at = error.instancePath || '(root)';
  const params = error.params as Record<string, unknown>;
  let detail = error.message ?? error.keyword;
  if (error.keyword === 'additionalProperties') detail += ` ("${String(params['additionalProperty'])}")`;
  if (error.keyword === 'enum') detail += ` (${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`;
  return `${at}: ${detail}`;
}

function check(validate: ValidateFunction, value: unknown, label: string): ContractCheck {
  if (validate(value)) return { valid: true, errors: [] };
  return { valid: false, errors: (validate.errors ?? []).map((e) => `${label} ${describe(e)}`) };
}

function readSchema(dir: string, file: string): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  if (typeof schema['$id'] !== 'string') throw new Error(`${file} has no $id`);
  return schema;
}

function load(dir: string): EventSchemas {
  // strict: a typo in a schema keyword fails loudly. strictRequired is off because "then": {"required": [...]}
  // legitimately names properties declared beside the "if", not inside it.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  addFormats(ajv);
  const names = readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort();
  const files: EventSchemaFile[] = [];
  for (const file of names) {
    const schema = readSchema(dir, file);
    if (!SHARED_SCHEMA_FILES.includes(file)) {
      const match = EVENT_SCHEMA_FILE.exec(file);
      if (!match) throw new Error(`${file} in ${dir} is not named <EventType>.v<version>.schema.json`);
      const entry = { file, type: match[1]!, version: Number(match[2]), id: eventSchemaId(match[1]!, Number(match[2])) };
      if (schema['$id'] !== entry.id) throw new Error(`${file} has $id ${String(schema['$id'])}, expected ${entry.id}`);
      files.push(entry);
    }
    ajv.addSchema(schema);
  }
  // Compiled on first use and kept: most callers check a handful of event types.
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (id: string): ValidateFunction | undefined => {
    let validate = compiled.get(id);
    if (!validate) {
      validate = ajv.getSchema(id);
      if (validate) compiled.set(id, validate);
    }
    return validate;
  };
  return {
    dir,
    files,
    validate(event, version) {
      const type = event?.type;
      const v = version ?? (typeof type === 'string' && isDomainEventType(type) ? eventSchemaVersion(type) : undefined);
      if (v === undefined) return { valid: false, errors: [`${String(type)}: not a domain event type`] };
      const validate = validatorFor(eventSchemaId(type, v));
      if (!validate) return { valid: false, errors: [`${type}: no schema ${eventSchemaFileName(type, v)} in ${dir}`] };
      return check(validate, event.data, `${type}.v${v}`);
    },
    validateMetadata(metadata) {
      const validate = validatorFor(METADATA_SCHEMA_ID);
      if (!validate) return { valid: false, errors: [`no event metadata schema in ${dir}`] };
      return check(validate, metadata, 'metadata');
    },
  };
}

const loaded = new Map<string, EventSchemas>();

/** Reads and registers every schema of a contracts directory (default: the repository's `contracts/events`); cached per directory. */
export function loadEventSchemas(dir: string = defaultEventSchemaDir()): EventSchemas {
  const key = resolve(dir);
  let schemas = loaded.get(key);
  if (!schemas) {
    schemas = load(key);
    loaded.set(key, schemas);
  }
  return schemas;
}

/** Validates an event's data against `contracts/events/<type>.v<eventSchemaVersion(type)>.schema.json`. */
export function validateDomainEvent(event: { type: string; data: unknown }): ContractCheck {
  return loadEventSchemas().validate(event);
}

/** Validates event metadata against `contracts/events/event-metadata.v1.schema.json`. */
export function validateEventMetadata(metadata: unknown): ContractCheck {
  return loadEventSchemas().validateMetadata(metadata);
}

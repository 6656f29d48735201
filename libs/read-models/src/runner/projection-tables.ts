import { qualifiedName, type ReadModelSchemas } from '../database/read-models-database';
import type { SqlProjection } from './subscriber';

export type TableResolver = (name: string) => string;

/** A rebuild writes into `<table>__rebuild`, then renames it over the live table. */
export const SHADOW_SUFFIX = '__rebuild';
export const RETIRED_SUFFIX = '__retired';

function resolver(schemas: ReadModelSchemas, projection: SqlProjection, suffix: string): TableResolver {
  return (name) => {
    // A projection writing a table it does not own would escape its rebuild: refuse loudly.
    if (!projection.tables.includes(name)) throw new Error(`Projection ${projection.name} does not own table ${name}`);
    return qualifiedName(schemas.internal, `${name}${suffix}`);
  };
}

export const liveTables = (schemas: ReadModelSchemas, projection: SqlProjection): TableResolver => resolver(schemas, projection, '');
export const shadowTables = (schemas: ReadModelSchemas, projection: SqlProjection): TableResolver => resolver(schemas, projection, SHADOW_SUFFIX);

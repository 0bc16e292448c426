/**
 * `LanceSchema`: an Arrow schema declared with embedding functions, as in
 * LanceDB.
 *
 * @module
 */

import { DataType, Field, Schema } from "apache-arrow";
import { adoptType } from "../arrow/adopt-arrow.js";
import { isArrowDataType } from "../arrow/is-arrow.js";
import { InvalidArgumentError } from "../errors.js";
import {
  SOURCE_COLUMN_MARKER,
  VECTOR_COLUMN_MARKER,
  isEmbeddingFunction,
  type EmbeddingFunction,
  type EmbeddingFunctionConfig,
} from "./embedding-function.js";
import { DEFAULT_VECTOR_COLUMN, getTableMetadata } from "./embedding-metadata.js";
import { displayNameOf } from "./function-names.js";

/**
 * Builds a schema from a record of column name to Arrow type, where the
 * embedding columns are declared with `fn.sourceField()` / `fn.vectorField()`.
 * Every field is nullable; the schema metadata `embedding_functions` lists one
 * (source -> vector) pair per function instance.
 *
 * @throws RegistryError when a function's class is not registered.
 * @throws InvalidArgumentError when a value is not an Arrow type, or a function
 *   has a vector field but no source field (or two of either).
 *
 * @example
 * ```ts
 * const fn = getRegistry().get("hashing")!.create();
 * const schema = LanceSchema({ id: new Int32(), text: fn.sourceField(), vector: fn.vectorField() });
 * const table = await db.createEmptyTable("docs", schema);
 * ```
 */
export function LanceSchema(fields: Record<string, [object, Map<string, EmbeddingFunction>] | object>): Schema {
  const arrowFields: Field[] = [];
  const roles = new Map<EmbeddingFunction, { source?: string; vector?: string }>();
  for (const [name, value] of Object.entries(fields)) {
    let typeLike: unknown = value;
    if (Array.isArray(value)) {
      const [type, markers] = value as [unknown, unknown];
      typeLike = type;
      if (markers instanceof Map) collectRoles(roles, name, markers as Map<string, unknown>);
    }
    if (!isArrowDataType(typeLike)) {
      throw new InvalidArgumentError(
        `LanceSchema: field "${name}" must be an Arrow data type (e.g. new Utf8()) or fn.sourceField() / fn.vectorField(), got ${describe(typeLike)}.`,
        name,
      );
    }
    arrowFields.push(new Field(name, adoptType(typeLike) as DataType, true));
  }
  const configs: EmbeddingFunctionConfig[] = [];
  for (const [fn, role] of roles) {
    if (role.source === undefined) {
      throw new InvalidArgumentError(
        `LanceSchema: embedding function "${displayNameOf(fn)}" has a vector field ("${role.vector}") but no source field; ` +
          `add the column it embeds, e.g. text: fn.sourceField().`,
        role.vector,
      );
    }
    const vectorColumn = role.vector ?? DEFAULT_VECTOR_COLUMN;
    if (role.vector === undefined && !arrowFields.some((f) => f.name === vectorColumn)) {
      throw new InvalidArgumentError(
        `LanceSchema: embedding function "${displayNameOf(fn)}" has a source field ("${role.source}") but no vector field; ` +
          `add one, e.g. vector: fn.vectorField().`,
        role.source,
      );
    }
    configs.push({ sourceColumn: role.source, vectorColumn, function: fn });
  }
  return new Schema(arrowFields, getTableMetadata(configs));
}

function collectRoles(roles: Map<EmbeddingFunction, { source?: string; vector?: string }>, column: string, markers: Map<string, unknown>): void {
  for (const [marker, key] of [
    [SOURCE_COLUMN_MARKER, "source"],
    [VECTOR_COLUMN_MARKER, "vector"],
  ] as const) {
    const fn = markers.get(marker);
    if (fn === undefined) continue;
    if (!isEmbeddingFunction(fn)) {
      throw new InvalidArgumentError(`LanceSchema: field "${column}" carries a "${marker}" marker that is not an embedding function.`, column);
    }
    const role = roles.get(fn) ?? {};
    const previous = role[key];
    if (previous !== undefined) {
      throw new InvalidArgumentError(
        `LanceSchema: embedding function "${displayNameOf(fn)}" is the ${key} of both "${previous}" and "${column}"; ` +
          `one instance fills one (source -> vector) pair: create a second instance for the second pair.`,
        column,
      );
    }
    role[key] = column;
    roles.set(fn, role);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * The codec of the schema metadata key `embedding_functions`: which function
 * fills which vector column from which source column, and with what options.
 *
 * Written exactly as LanceDB's TypeScript SDK writes it (compact JSON, keys in
 * the order `sourceColumn`, `vectorColumn`, `name`, `model`):
 *
 *     [{"sourceColumn":"text","vectorColumn":"vector","name":"hashing","model":{"ndims":384}}]
 *
 * Read in both spellings: TypeScript's camelCase and Python's snake_case
 * (`source_column`, `vector_column`, usually indented), so tables written by
 * either SDK open here.
 *
 * @module
 */

import { EmbeddingMetadataError, InvalidArgumentError, RegistryError } from "../errors.js";
import { isEmbeddingFunction, type EmbeddingFunctionConfig, type FunctionOptions } from "./embedding-function.js";
import { registeredNameOf } from "./function-names.js";

/** The schema metadata key holding the embedding configs. */
export const EMBEDDING_FUNCTIONS_KEY = "embedding_functions";

/** The vector column a config fills when it names none. */
export const DEFAULT_VECTOR_COLUMN = "vector";

/** One (source column -> vector column) binding as stored in a table's schema. */
export interface EmbeddingMetadataEntry {
  /** Registry name of the function. */
  name: string;
  sourceColumn: string;
  vectorColumn: string;
  /** The function's options as saved (`$var:` references unresolved). */
  model: FunctionOptions;
}

/**
 * Parses the value of `embedding_functions` (either SDK's spelling).
 *
 * @throws EmbeddingMetadataError for invalid JSON, a value that is not a list of
 *   objects, an entry without a name, an entry naming no source or vector column,
 *   and two entries for one vector column.
 *
 * @example
 * ```ts
 * parseEmbeddingMetadata('[{"name":"hashing","model":{},"source_column":"text","vector_column":"vector"}]');
 * // -> [{ name: "hashing", sourceColumn: "text", vectorColumn: "vector", model: {} }]
 * ```
 */
export function parseEmbeddingMetadata(json: string): EmbeddingMetadataEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new EmbeddingMetadataError(
      `The "${EMBEDDING_FUNCTIONS_KEY}" schema metadata is not valid JSON (${error instanceof Error ? error.message : String(error)}); ` +
        `it must be a JSON list such as [{"sourceColumn":"text","vectorColumn":"vector","name":"hashing","model":{}}].`,
      { cause: error },
    );
  }
  if (!Array.isArray(parsed)) {
    throw new EmbeddingMetadataError(
      `The "${EMBEDDING_FUNCTIONS_KEY}" schema metadata must be a JSON list of embedding configs, got ${describeJson(parsed)}.`,
    );
  }
  const seen = new Set<string>();
  return parsed.map((raw: unknown, index) => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new EmbeddingMetadataError(
        `Entry ${index} of the "${EMBEDDING_FUNCTIONS_KEY}" schema metadata must be an object, got ${describeJson(raw)}.`,
      );
    }
    const entry = raw as Record<string, unknown>;
    const name = entry.name;
    if (typeof name !== "string" || name.length === 0) {
      throw new EmbeddingMetadataError(
        `Entry ${index} of the "${EMBEDDING_FUNCTIONS_KEY}" schema metadata has no function name ("name" is ${describeJson(name)}).`,
      );
    }
    const sourceColumn = entry.sourceColumn ?? entry.source_column;
    const vectorColumn = entry.vectorColumn ?? entry.vector_column;
    if (!isColumnName(sourceColumn) || !isColumnName(vectorColumn)) {
      throw new EmbeddingMetadataError(
        `Embedding function "${name}" metadata names no source or vector column ` +
          `(source: ${describeJson(sourceColumn)}, vector: ${describeJson(vectorColumn)}); each entry needs ` +
          `"sourceColumn" and "vectorColumn" (or Python's "source_column" and "vector_column").`,
      );
    }
    if (seen.has(vectorColumn)) {
      throw new EmbeddingMetadataError(
        `Multiple embedding configs claim vector column "${vectorColumn}": a vector column is filled by one function; ` +
          `remove the extra entry from the "${EMBEDDING_FUNCTIONS_KEY}" metadata.`,
      );
    }
    seen.add(vectorColumn);
    const model = entry.model ?? {};
    if (typeof model !== "object" || model === null || Array.isArray(model)) {
      throw new EmbeddingMetadataError(
        `Embedding function "${name}" metadata: "model" must be an object of options, got ${describeJson(model)}.`,
      );
    }
    return { name, sourceColumn, vectorColumn, model: model as FunctionOptions };
  });
}

/** The compact JSON LanceDB's TypeScript SDK writes, keys in its order. */
export function serializeEmbeddingMetadata(entries: readonly EmbeddingMetadataEntry[]): string {
  return JSON.stringify(
    entries.map((e) => ({ sourceColumn: e.sourceColumn, vectorColumn: e.vectorColumn, name: e.name, model: e.model })),
  );
}

/**
 * The metadata entry of one config: the function's registry name (from its
 * exact class) and its saved options.
 *
 * @throws RegistryError when the function's class is not registered (LanceDB
 *   accepts it and then fails on every later write); the message names the class
 *   and shows `register("name")`.
 */
export function functionToMetadata(config: EmbeddingFunctionConfig): EmbeddingMetadataEntry {
  if (typeof config !== "object" || config === null || !isEmbeddingFunction(config.function)) {
    throw new InvalidArgumentError(
      `An embedding function config must be { sourceColumn, vectorColumn?, function }, where function is an EmbeddingFunction instance ` +
        `(e.g. getRegistry().get("hashing")!.create()).`,
      "embeddingFunction",
    );
  }
  if (!isColumnName(config.sourceColumn)) {
    throw new InvalidArgumentError(
      `An embedding function config needs a sourceColumn (the column to embed), got ${describeJson(config.sourceColumn)}.`,
      "sourceColumn",
    );
  }
  const vectorColumn = config.vectorColumn ?? DEFAULT_VECTOR_COLUMN;
  if (!isColumnName(vectorColumn)) {
    throw new InvalidArgumentError(
      `An embedding function config's vectorColumn must be a non-empty string, got ${describeJson(vectorColumn)}.`,
      "vectorColumn",
    );
  }
  const ctor = config.function.constructor as abstract new (...args: never[]) => unknown;
  const name = registeredNameOf(ctor);
  if (name === undefined) throw unregisteredFunction(ctor);
  return { sourceColumn: config.sourceColumn, vectorColumn, name, model: config.function.toJSON() };
}

/**
 * `{ embedding_functions: <JSON> }` for a list of configs (`"[]"` for none).
 * @throws RegistryError for an unregistered function class.
 * @throws EmbeddingMetadataError when two configs fill one vector column.
 */
export function getTableMetadata(configs: readonly EmbeddingFunctionConfig[]): Map<string, string> {
  const entries = configs.map((c) => functionToMetadata(c));
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.vectorColumn)) {
      throw new EmbeddingMetadataError(
        `Multiple embedding configs claim vector column "${entry.vectorColumn}": give each function its own vectorColumn.`,
      );
    }
    seen.add(entry.vectorColumn);
  }
  return new Map([[EMBEDDING_FUNCTIONS_KEY, serializeEmbeddingMetadata(entries)]]);
}

/** The `embedding_functions` value of a schema or metadata map, if any. */
export function readEmbeddingMetadata(source: { metadata?: Map<string, string> | null } | Map<string, string> | null | undefined): string | undefined {
  if (source === null || source === undefined) return undefined;
  const map = source instanceof Map ? source : source.metadata;
  return map?.get(EMBEDDING_FUNCTIONS_KEY) ?? undefined;
}

/** The error for a function class without a registry name. @internal */
export function unregisteredFunction(ctor: abstract new (...args: never[]) => unknown): RegistryError {
  const className = ctor.name || "(anonymous class)";
  const suggested = suggestName(className);
  let parentNote = "";
  for (let proto = Object.getPrototypeOf(ctor) as unknown; typeof proto === "function"; proto = Object.getPrototypeOf(proto)) {
    const parentName = registeredNameOf(proto as abstract new (...args: never[]) => unknown);
    if (parentName !== undefined) {
      parentNote =
        ` Its parent class is registered as "${parentName}", but a subclass needs its own name, or a reopened table would build the parent.`;
      break;
    }
  }
  return new RegistryError(
    `Embedding function class "${className}" is not registered, so a table could not rebuild it when reopened.${parentNote} ` +
      `Register it before creating the table: register("${suggested}")(${className}), or put @register("${suggested}") on the class.`,
  );
}

function suggestName(className: string): string {
  return (
    className
      .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
      .replace(/[^A-Za-z0-9-]+/g, "-")
      .toLowerCase()
      .replace(/^-+|-+$/g, "") || "my-function"
  );
}

function isColumnName(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function describeJson(value: unknown): string {
  if (value === undefined) return "missing";
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return JSON.stringify(value);
}

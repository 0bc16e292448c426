/**
 * From a table's schema to its embedding functions: parse the
 * `embedding_functions` metadata and build each function through the registry,
 * re-resolving `$var:` references against the current variables.
 *
 * Two things LanceDB does not do:
 * - Instances are cached per (class, saved options, current values of the
 *   variables they refer to), so `init()` (a model load) runs once per
 *   configuration, not on every add and search. Changing a variable with
 *   `setVar` gives a new instance on the next use.
 * - A function that is not registered in this process (or cannot be built)
 *   does not make the table unusable: its column is reported `missing` /
 *   `failed` with the error, so the table can still be read and searched by
 *   vector; the error is thrown only when that function is needed.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Table as ArrowTable } from "apache-arrow";
import { EmbeddingError, EmbeddingFunctionNotFoundError, QuiverError } from "../errors.js";
import { canonicalJson } from "./canonical-json.js";
import type { EmbeddingFunction, FunctionOptions } from "./embedding-function.js";
import { parseEmbeddingMetadata, readEmbeddingMetadata } from "./embedding-metadata.js";
import type { EmbeddingPair } from "./ingest-stage.js";
import { getRegistry, type EmbeddingFunctionClass, type EmbeddingFunctionRegistry } from "./registry.js";
import { referencedVariables } from "./variables.js";

interface EmbeddingColumnBase {
  /** Registry name from the metadata. */
  readonly name: string;
  readonly sourceColumn: string;
  readonly vectorColumn: string;
  /** Saved options (`$var:` unresolved). */
  readonly model: FunctionOptions;
}

/** A vector column whose function was built. */
export interface ReadyEmbeddingColumn extends EmbeddingColumnBase {
  readonly status: "ready";
  readonly function: EmbeddingFunction;
}

/**
 * A vector column whose function is not available here: `missing` (the name is
 * not registered in this process) or `failed` (building it threw, e.g. an unset
 * variable). `error` says why and how to fix it.
 */
export interface UnavailableEmbeddingColumn extends EmbeddingColumnBase {
  readonly status: "missing" | "failed";
  readonly error: QuiverError;
}

/** One entry of a table's embedding configuration, resolved or not. */
export type EmbeddingColumn = ReadyEmbeddingColumn | UnavailableEmbeddingColumn;

/** Options of {@link resolveEmbeddingFunctions}. */
export interface ResolveFunctionsOptions {
  /** The registry; the process-wide one by default. */
  registry?: EmbeddingFunctionRegistry;
  /** The instance cache; the process-wide one by default, `false` for fresh instances. */
  cache?: FunctionInstanceCache | false;
  /** The table, for messages. */
  table?: string;
}

/**
 * Caches embedding-function instances by (class, saved options, current
 * variable values). Failed creations are not cached.
 */
export class FunctionInstanceCache {
  #byClass = new WeakMap<EmbeddingFunctionClass, Map<string, Promise<EmbeddingFunction>>>();
  #creations = 0;

  /** The cached instance for `key`, creating it with `create` on a miss. */
  getOrCreate(ctor: EmbeddingFunctionClass, key: string, create: () => Promise<EmbeddingFunction>): Promise<EmbeddingFunction> {
    let byKey = this.#byClass.get(ctor);
    if (byKey === undefined) {
      byKey = new Map();
      this.#byClass.set(ctor, byKey);
    }
    const cached = byKey.get(key);
    if (cached !== undefined) return cached;
    this.#creations++;
    const created = create();
    byKey.set(key, created);
    created.catch(() => {
      if (byKey.get(key) === created) byKey.delete(key);
    });
    return created;
  }

  /** How many instances were created (cache misses), for tests. */
  get creations(): number {
    return this.#creations;
  }

  clear(): void {
    this.#byClass = new WeakMap();
  }
}

const CACHE_KEY = Symbol.for("quiverdb.embedding.instance-cache");

/** The process-wide {@link FunctionInstanceCache}. */
export function getFunctionInstanceCache(): FunctionInstanceCache {
  const holder = globalThis as unknown as Record<symbol, FunctionInstanceCache | undefined>;
  let cache = holder[CACHE_KEY];
  if (cache === undefined) {
    cache = new FunctionInstanceCache();
    Object.defineProperty(globalThis, CACHE_KEY, { value: cache, enumerable: false, configurable: false, writable: false });
  }
  return cache;
}

/**
 * The embedding configuration of a schema, keyed by vector column in metadata
 * order; empty when the schema has no `embedding_functions` metadata.
 *
 * @throws EmbeddingMetadataError when the metadata does not parse (a damaged
 *   table; a missing or failing function is reported per column instead).
 *
 * @example
 * ```ts
 * const columns = await resolveEmbeddingFunctions(await table.schema(), { table: table.name });
 * const pairs = embeddingPairs(columns, { table: table.name, operation: "add" });
 * ```
 */
export async function resolveEmbeddingFunctions(
  schema: { metadata?: Map<string, string> | null } | Map<string, string> | null | undefined,
  options: ResolveFunctionsOptions = {},
): Promise<Map<string, EmbeddingColumn>> {
  const out = new Map<string, EmbeddingColumn>();
  const json = readEmbeddingMetadata(schema);
  if (json === undefined) return out;
  const registry = options.registry ?? getRegistry();
  const cache = options.cache === false ? undefined : (options.cache ?? getFunctionInstanceCache());
  for (const entry of parseEmbeddingMetadata(json)) {
    const base = { name: entry.name, sourceColumn: entry.sourceColumn, vectorColumn: entry.vectorColumn, model: entry.model };
    const ctor = await registry.load(entry.name);
    if (ctor === undefined) {
      const error = new EmbeddingFunctionNotFoundError(entry.name, registry.list(), {
        table: options.table,
        vectorColumn: entry.vectorColumn,
      });
      out.set(entry.vectorColumn, { ...base, status: "missing", error });
      continue;
    }
    try {
      const create = async (): Promise<EmbeddingFunction> => {
        const factory = registry.get(entry.name);
        if (factory === undefined) throw new EmbeddingFunctionNotFoundError(entry.name, registry.list(), { table: options.table });
        return await factory.create(entry.model);
      };
      const fn = cache === undefined ? await create() : await cache.getOrCreate(ctor, instanceKey(entry.model), create);
      out.set(entry.vectorColumn, { ...base, status: "ready", function: fn });
    } catch (error) {
      const typed = QuiverError.isQuiverError(error)
        ? error
        : new EmbeddingError(
            `Embedding function "${entry.name}" for column "${entry.vectorColumn}"${options.table ? ` of table "${options.table}"` : ""} ` +
              `could not be created from its saved options: ${error instanceof Error ? error.message : String(error)}.`,
            { provider: entry.name, table: options.table, column: entry.vectorColumn, retryable: false },
            { cause: error },
          );
      out.set(entry.vectorColumn, { ...base, status: "failed", error: typed });
    }
  }
  return out;
}

/** The cache key of an instance: saved options plus the values of the variables they refer to, hashed (they may be secrets). */
function instanceKey(model: FunctionOptions): string {
  return createHash("sha256")
    .update(canonicalJson(model))
    .update("\0")
    .update(JSON.stringify(referencedVariables(model)))
    .digest("hex");
}

/**
 * The function of a column, or its error when it is not available here.
 * @throws the column's `error` (EmbeddingFunctionNotFoundError, VariableNotSetError...).
 */
export function requireEmbeddingFunction(column: EmbeddingColumn): EmbeddingFunction {
  if (column.status === "ready") return column.function;
  throw column.error;
}

/**
 * The (source -> vector) pairs the ingest stage fills, for the given columns
 * (all by default).
 *
 * @throws the first unavailable column's error (a write needs every function).
 *   Callers that know a column's vectors are all given may leave it out.
 */
export function embeddingPairs(columns: Map<string, EmbeddingColumn>, vectorColumns?: readonly string[]): EmbeddingPair[] {
  const chosen = vectorColumns === undefined ? [...columns.values()] : vectorColumns.map((c) => columns.get(c)).filter((c) => c !== undefined);
  return chosen.map((column) => ({
    sourceColumn: column.sourceColumn,
    vectorColumn: column.vectorColumn,
    function: requireEmbeddingFunction(column),
  }));
}

/**
 * The pairs a write of `table` needs: those whose vector column is absent from
 * the data or has null rows. A column whose vectors are all given needs no
 * function, so a table whose function is missing in this process still accepts
 * rows that carry their vectors.
 *
 * @throws the error of an unavailable function that is needed.
 */
export function embeddingPairsFor(table: ArrowTable, columns: Map<string, EmbeddingColumn>): EmbeddingPair[] {
  const needed: string[] = [];
  for (const column of columns.values()) {
    const vectors = table.getChild(column.vectorColumn);
    if (vectors === null || vectors.nullCount > 0) needed.push(column.vectorColumn);
  }
  return embeddingPairs(columns, needed);
}

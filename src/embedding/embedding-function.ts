/**
 * The base class of every embedding function: what a table needs to know to
 * turn source values (usually text) into vectors, and how to save the
 * function's configuration in the table's schema so a reopened table can
 * rebuild it.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { DataType, Field, FixedSizeList, Float } from "apache-arrow";
import { adoptType } from "../arrow/adopt-arrow.js";
import { isArrowDataType, type ArrowDataTypeLike } from "../arrow/is-arrow.js";
import { describeType } from "../arrow/ingest-errors.js";
import { EmbeddingError, InvalidArgumentError } from "../errors.js";
import { canonicalJson } from "./canonical-json.js";
import { displayNameOf } from "./function-names.js";
import { resolveVariables as resolveConfigVariables } from "./variables.js";

/**
 * Options of an embedding function: a record of option name to value. Values
 * must be JSON-serialisable to be saved with the table (functions such as an
 * injected `fetch` are kept at runtime and left out of the saved config).
 *
 * An embedding function's own options type may be any object type (a `type`
 * or an `interface`); this is the default.
 */
export interface FunctionOptions {
  [key: string]: unknown;
}

/** One embedding as a function may return it. */
export type EmbeddingVector = number[] | Float32Array | Float64Array;

/** The embeddings of a batch, one per input, in input order (LanceDB's return type). */
export type EmbeddingBatch = number[][] | Float32Array[] | Float64Array[];

/** Options of {@link EmbeddingFunction.sourceField} and {@link EmbeddingFunction.vectorField}. */
export interface FieldOptions<T extends DataType = DataType> {
  /** The column type: a Float (element type) or a full FixedSizeList for vectors; Utf8 etc. for sources. */
  datatype: T;
  /** Vector width, for functions whose `ndims()` is undefined. */
  dims?: number;
}

/** The marker key `sourceField()` puts on its field, read by `LanceSchema`. */
export const SOURCE_COLUMN_MARKER = "source_column_for";
/** The marker key `vectorField()` puts on its field, read by `LanceSchema`. */
export const VECTOR_COLUMN_MARKER = "vector_column_for";

/**
 * A class of embedding functions: constructible with its options. Used by the
 * registry and its `register` decorator.
 */
export interface EmbeddingFunctionConstructor<T extends EmbeddingFunction = EmbeddingFunction> {
  new (modelOptions?: T["TOptions"]): T;
}

/** A table's binding of a source column to a vector column through a function. */
export interface EmbeddingFunctionConfig {
  /** The column holding the values to embed (text for text functions). */
  sourceColumn: string;
  /** The vector column to fill; `"vector"` when absent. */
  vectorColumn?: string;
  /** The function that fills it. */
  function: EmbeddingFunction;
}

/** An {@link EmbeddingFunctionConfig} as read back from a table: the vector column is known. */
export interface ResolvedEmbeddingFunctionConfig extends EmbeddingFunctionConfig {
  vectorColumn: string;
}

const fingerprints = new WeakMap<object, string>();

/**
 * An embedding function that creates the vector of a column from another
 * column's values.
 *
 * A subclass receives its options in its constructor and passes the original
 * options to {@link EmbeddingFunction.resolveVariables}, which records them (so
 * they can be saved with `$var:` references intact) and returns them with the
 * variables substituted. Register the class (`@register("my-function")`) so a
 * table can rebuild it by name.
 *
 * @typeParam T - the source value type (`string` for text functions)
 * @typeParam M - the options type
 *
 * @example
 * ```ts
 * @register("my-function")
 * class MyFunction extends EmbeddingFunction<string, { model: string }> {
 *   #model: string;
 *   constructor(options: { model: string } = { model: "small" }) {
 *     super();
 *     this.#model = this.resolveVariables(options).model ?? "small";
 *   }
 *   ndims() { return 3; }
 *   embeddingDataType() { return new Float32(); }
 *   async computeSourceEmbeddings(data: string[]) { return data.map(() => [1, 0, 0]); }
 * }
 * ```
 */
export abstract class EmbeddingFunction<T = unknown, M extends object = FunctionOptions> {
  /**
   * Type-only: associates the options type with the class (what
   * `registry.get(name).create(options)` takes). Never set at runtime.
   *
   * `M` is constrained to `object`, not `FunctionOptions`, and this member is
   * `Partial<M>`, so that options declared as an `interface` (which TypeScript
   * never considers indexable) work as they do with LanceDB's `any`-typed
   * constraint, without `any`.
   * @ignore
   */
  declare readonly TOptions: Partial<M>;

  #config: Record<string, unknown> = {};

  /**
   * The options as given to {@link EmbeddingFunction.resolveVariables}, with
   * `$var:` references unresolved (so secrets are not saved): what a table
   * stores as the function's `model` and what `create(options)` takes back.
   * A deep JSON copy; `{}` when the function has no options.
   */
  toJSON(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this.#config)) as Record<string, unknown>;
  }

  /**
   * Option keys whose values are secrets (API keys, tokens). Their values must
   * be `$var:` references; a literal value is refused with a
   * `SecretInConfigError`, so a secret never reaches the table's files.
   */
  protected getSensitiveKeys(): string[] {
    return [];
  }

  /**
   * Records `config` for {@link EmbeddingFunction.toJSON} and returns a copy
   * with its `$var:name` / `$var:name:default` references substituted from the
   * registry's variables. A missing options object counts as `{}`.
   *
   * @throws SecretInConfigError when a sensitive key holds a literal value
   *   (the message never shows it).
   * @throws VariableNotSetError when a reference without default names an unset variable.
   */
  protected resolveVariables(config?: Partial<M>): Partial<M> {
    const raw = (config ?? {}) as Record<string, unknown>;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new InvalidArgumentError(
        `Embedding function "${displayNameOf(this)}": options must be an object, got ${Array.isArray(raw) ? "an array" : typeof raw}.`,
        "options",
      );
    }
    const resolved = resolveConfigVariables(raw, { sensitiveKeys: this.getSensitiveKeys(), provider: displayNameOf(this) });
    let saved: Record<string, unknown>;
    try {
      saved = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
    } catch (error) {
      throw new InvalidArgumentError(
        `Embedding function "${displayNameOf(this)}": its options cannot be saved with the table because they are not JSON ` +
          `(${error instanceof Error ? error.message : String(error)}); use strings, numbers, booleans, arrays and plain objects.`,
        "options",
        { cause: error },
      );
    }
    this.#config = saved;
    fingerprints.set(this, createHash("sha256").update(canonicalJson(resolved)).digest("hex"));
    return resolved as Partial<M>;
  }

  /**
   * Optional: loads what the function needs (a local model...). The registry's
   * `create()` awaits it, and a table caches the created function so it runs
   * once per configuration, not on every write or search.
   */
  init?(): Promise<void>;

  /**
   * The column type a `sourceField(optionsOrDatatype)` call asks for, or
   * `fallback` when it names none: for subclasses whose source column has a
   * natural default type (text: Utf8, images: Binary).
   */
  protected static requestedSourceType(optionsOrDatatype: Partial<FieldOptions> | DataType | undefined, fallback: DataType): DataType {
    const given = optionsOrDatatype === undefined
      ? undefined
      : isArrowDataType(optionsOrDatatype)
        ? optionsOrDatatype
        : (optionsOrDatatype as Partial<FieldOptions>).datatype;
    return given === undefined ? fallback : adoptType(given);
  }

  /**
   * Declares the source column of this function for {@link LanceSchema}.
   *
   * @param optionsOrDatatype - the column type, or `{ datatype }`
   * @throws InvalidArgumentError when no datatype is given ("Datatype is required").
   */
  sourceField(optionsOrDatatype: Partial<FieldOptions> | DataType): [DataType, Map<string, EmbeddingFunction>] {
    const given = isArrowDataType(optionsOrDatatype)
      ? optionsOrDatatype
      : (optionsOrDatatype as Partial<FieldOptions> | undefined)?.datatype;
    if (given === undefined || given === null || !isArrowDataType(given)) {
      throw new InvalidArgumentError(
        `Datatype is required: ${displayNameOf(this)}.sourceField() needs the source column's Arrow type, e.g. sourceField(new Utf8()).`,
        "datatype",
      );
    }
    return [adoptType(given), new Map<string, EmbeddingFunction>([[SOURCE_COLUMN_MARKER, this as EmbeddingFunction]])];
  }

  /**
   * Declares the vector column of this function for {@link LanceSchema}: a
   * FixedSizeList of `ndims()` values of `embeddingDataType()` (Float16 and
   * Float32 both honoured, unlike LanceDB which always uses Float32).
   *
   * - no argument: `FixedSizeList(ndims(), embeddingDataType())`;
   * - a Float type: that element type with `ndims()`;
   * - a FixedSizeList: used as it is (its width must equal `ndims()` when defined);
   * - `{ datatype?, dims? }`: `dims` is used when `ndims()` is undefined, and
   *   must agree with it otherwise.
   *
   * @throws InvalidArgumentError "ndims is required for vector field" when no width is known;
   *   "Expected FixedSizeList or Float as datatype for vector field" for another type;
   *   a width that contradicts `ndims()`.
   */
  vectorField(optionsOrDatatype?: Partial<FieldOptions> | DataType): [DataType, Map<string, EmbeddingFunction>] {
    const name = displayNameOf(this);
    const ndims = this.ndims();
    let dims = ndims;
    let given: ArrowDataTypeLike | undefined;
    if (optionsOrDatatype === undefined || optionsOrDatatype === null) {
      given = undefined;
    } else if (isArrowDataType(optionsOrDatatype)) {
      given = optionsOrDatatype;
    } else {
      const options = optionsOrDatatype as Partial<FieldOptions>;
      if (options.dims !== undefined) {
        if (!Number.isInteger(options.dims) || options.dims <= 0) {
          throw new InvalidArgumentError(
            `${name}.vectorField({dims}): dims must be a positive integer, got ${String(options.dims)}.`,
            "dims",
          );
        }
        if (ndims !== undefined && options.dims !== ndims) {
          throw new InvalidArgumentError(
            `${name}.vectorField({dims: ${options.dims}}): the function produces ${ndims} values per vector (ndims()), ` +
              `so the column must be ${ndims} wide; drop dims or set it to ${ndims}.`,
            "dims",
          );
        }
        dims = options.dims;
      }
      given = options.datatype ?? undefined;
    }
    const type = given === undefined ? this.embeddingDataType() : adoptType(given);
    let vectorType: DataType;
    if (DataType.isFixedSizeList(type)) {
      const child = (type as FixedSizeList).children[0]!.type as DataType;
      if (!DataType.isFloat(child)) {
        throw new InvalidArgumentError(
          `Expected FixedSizeList or Float as datatype for vector field: ${name}.vectorField() got ${describeType(type)}; ` +
            `vector elements must be float16, float32 or float64.`,
          "datatype",
        );
      }
      const width = (type as FixedSizeList).listSize;
      if (dims !== undefined && width !== dims) {
        throw new InvalidArgumentError(
          `${name}.vectorField(${describeType(type)}): the function produces ${dims} values per vector, ` +
            `so the column must be ${dims} wide, not ${width}.`,
          "datatype",
        );
      }
      vectorType = type;
    } else if (DataType.isFloat(type)) {
      if (dims === undefined) {
        throw new InvalidArgumentError(
          `ndims is required for vector field: ${name}.ndims() is undefined; pass the width, e.g. vectorField({ dims: 384 }).`,
          "dims",
        );
      }
      vectorType = new FixedSizeList(dims, new Field("item", type, true));
    } else {
      throw new InvalidArgumentError(
        `Expected FixedSizeList or Float as datatype for vector field, instead got: ${describeType(type)} (${name}.vectorField()).`,
        "datatype",
      );
    }
    return [vectorType, new Map<string, EmbeddingFunction>([[VECTOR_COLUMN_MARKER, this as EmbeddingFunction]])];
  }

  /** The number of values in each embedding, when known before embedding anything. */
  ndims(): number | undefined {
    return undefined;
  }

  /**
   * The most inputs one `computeSourceEmbeddings` call accepts (a provider's
   * request limit); the ingest stage never sends larger batches. Undefined: no
   * limit of its own.
   */
  maxBatchSize(): number | undefined {
    return undefined;
  }

  /**
   * Whether remembering this function's output in an embedding cache pays off.
   * True by default (models and remote APIs cost far more per text than a cache
   * lookup); a function that computes faster than it can be looked up, such as
   * the built-in `hashing`, returns false and is never cached.
   */
  worthCaching(): boolean {
    return true;
  }

  /** The element type of the vector column (Float16, Float32 or Float64). */
  abstract embeddingDataType(): Float;

  /** The embeddings of `data`, one per value, in order. */
  abstract computeSourceEmbeddings(data: T[]): Promise<EmbeddingBatch>;

  /** The embedding of one query value. By default the first result of `computeSourceEmbeddings([data])`. */
  async computeQueryEmbeddings(data: T): Promise<EmbeddingVector> {
    const result = await this.computeSourceEmbeddings([data]);
    const first = (result as readonly (EmbeddingVector | undefined)[])[0];
    if (first === undefined) {
      throw new EmbeddingError(
        `Embedding function "${displayNameOf(this)}" returned no embedding for the query (expected 1, got ${result.length}).`,
        { provider: displayNameOf(this), expected: "1 embedding", actual: `${result.length}` },
      );
    }
    return first;
  }
}

/**
 * A fingerprint of the function's resolved options (after `$var:`
 * substitution), hashed: two instances made from the same stored config under
 * different variable values differ. Undefined when `resolveVariables` was never
 * called. @internal
 */
export function resolvedConfigFingerprint(fn: EmbeddingFunction): string | undefined {
  return fingerprints.get(fn);
}

/** True for objects that look like an embedding function (also from another quiverdb copy). @internal */
export function isEmbeddingFunction(value: unknown): value is EmbeddingFunction {
  if (value instanceof EmbeddingFunction) return true;
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.computeSourceEmbeddings === "function" &&
    typeof candidate.embeddingDataType === "function" &&
    typeof candidate.toJSON === "function"
  );
}

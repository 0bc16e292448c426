/**
 * Where an ingest runs (table and operation) and the small typed functions that
 * build the messages of the errors `src/arrow/` throws. Every message has the
 * same order: what failed and where (table, operation, column, row), expected vs
 * actual, then the fix.
 *
 * @module
 * @internal
 */

import { DataType, Precision, TimeUnit, DateUnit, IntervalUnit, type Field } from "apache-arrow";
import { InvalidArgumentError, SchemaMismatchError, formatList } from "../errors.js";

/**
 * The table and public operation an ingest belongs to, used only for messages.
 * `operation` is the public method's name: "add", "createTable", "mergeInsert",
 * "update", "overwrite", "addColumns"; any other text is shown as it is.
 */
export interface IngestContext {
  readonly table: string;
  readonly operation: string;
}

/** Where the cells of a column being built or conformed sit, for messages. */
export interface IngestScope {
  readonly ctx: IngestContext;
  /** Field names from the top-level column down to this one. */
  readonly path: readonly string[];
  /** Row (0-based, over all batches of the data passed) that cell `i` belongs to. */
  readonly rowOf: (i: number) => number;
  /** True when cell `i` sits under a null parent: its value is never read, and a null there is not a null in the column. */
  readonly isDead?: ((i: number) => boolean) | undefined;
}

const OPERATION_PHRASES: Readonly<Record<string, (table: string) => string>> = {
  add: (t) => `adding to table "${t}"`,
  createTable: (t) => `creating table "${t}"`,
  createEmptyTable: (t) => `creating table "${t}"`,
  create: (t) => `creating table "${t}"`,
  mergeInsert: (t) => `merge-inserting into table "${t}"`,
  update: (t) => `updating table "${t}"`,
  overwrite: (t) => `overwriting table "${t}"`,
  addColumns: (t) => `adding columns to table "${t}"`,
  inferSchema: () => "inferring a schema",
};

/**
 * The opening of every ingest message: `adding to table "docs" failed`.
 * @internal
 */
export function describeFailure(ctx: IngestContext): string {
  const phrase = Object.hasOwn(OPERATION_PHRASES, ctx.operation)
    ? OPERATION_PHRASES[ctx.operation]!(ctx.table)
    : `${ctx.operation} on table "${ctx.table}"`;
  return `${phrase} failed`;
}

/** A column path as users write it: `meta.author`. @internal */
export function formatPath(path: readonly string[]): string {
  return path.join(".");
}

/**
 * The JS kind of a value for a message, never the value itself (a cell can hold
 * private text): "a string", "a number (1.5)", "an array of 3", "a Date".
 * @internal
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "no value";
  switch (typeof value) {
    case "number":
      return `a number (${value})`;
    case "bigint":
      return `a bigint (${value}n)`;
    case "string":
      return "a string";
    case "boolean":
      return "a boolean";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default:
      break;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof Buffer !== "undefined" && Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name;
    const length = (value as unknown as { length?: number }).length;
    return length === undefined ? `a ${name}` : `a ${name} of ${length}`;
  }
  if (value instanceof Date) return "a Date";
  const name = (value as object).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

const INT_NAMES: Record<string, string> = {};
for (const bits of [8, 16, 32, 64]) {
  INT_NAMES[`true${bits}`] = `int${bits}`;
  INT_NAMES[`false${bits}`] = `uint${bits}`;
}

const UNIT_NAMES: Record<number, string> = {
  [TimeUnit.SECOND]: "s",
  [TimeUnit.MILLISECOND]: "ms",
  [TimeUnit.MICROSECOND]: "us",
  [TimeUnit.NANOSECOND]: "ns",
};

/**
 * A short, lower-case name of an Arrow type for messages: "float32", "utf8",
 * "timestamp[ms]", "fixed_size_list<float32>[384]", "struct<a: float64>".
 * @internal
 */
export function describeType(type: DataType): string {
  const t = type as DataType & Record<string, unknown>;
  if (DataType.isNull(t)) return "null";
  if (DataType.isBool(t)) return "bool";
  if (DataType.isInt(t)) return INT_NAMES[`${String(t.isSigned)}${String(t.bitWidth)}`] ?? "int";
  if (DataType.isFloat(t)) {
    return t.precision === Precision.HALF ? "float16" : t.precision === Precision.SINGLE ? "float32" : "float64";
  }
  if (DataType.isUtf8(t)) return "utf8";
  if (DataType.isLargeUtf8(t)) return "large_utf8";
  if (DataType.isBinary(t)) return "binary";
  if (DataType.isLargeBinary(t)) return "large_binary";
  if (DataType.isFixedSizeBinary(t)) return `fixed_size_binary[${String(t.byteWidth)}]`;
  if (DataType.isDecimal(t)) return `decimal${String(t.bitWidth)}(${String(t.precision)}, ${String(t.scale)})`;
  if (DataType.isDate(t)) return t.unit === DateUnit.DAY ? "date32[day]" : "date64[ms]";
  if (DataType.isTime(t)) return `time${String(t.bitWidth)}[${UNIT_NAMES[t.unit as number] ?? "?"}]`;
  if (DataType.isTimestamp(t)) {
    const unit = UNIT_NAMES[t.unit as number] ?? "?";
    return t.timezone ? `timestamp[${unit}, ${String(t.timezone)}]` : `timestamp[${unit}]`;
  }
  if (DataType.isDuration(t)) return `duration[${UNIT_NAMES[t.unit as number] ?? "?"}]`;
  if (DataType.isInterval(t)) return `interval[${IntervalUnit[t.unit as number]?.toLowerCase() ?? "?"}]`;
  if (DataType.isList(t)) return `list<${describeType(type.children[0]!.type as DataType)}>`;
  if (DataType.isLargeList(t)) return `large_list<${describeType(type.children[0]!.type as DataType)}>`;
  if (DataType.isFixedSizeList(t)) {
    return `fixed_size_list<${describeType(type.children[0]!.type as DataType)}>[${String(t.listSize)}]`;
  }
  if (DataType.isStruct(t)) {
    return `struct<${type.children.map((f: Field) => `${f.name}: ${describeType(f.type as DataType)}`).join(", ")}>`;
  }
  if (DataType.isMap(t)) return "map";
  if (DataType.isDictionary(t)) {
    return `dictionary<${describeType(t.dictionary as DataType)}, ${describeType(t.indices as DataType)}>`;
  }
  if (DataType.isUnion(t)) return "union";
  return String(type).toLowerCase();
}

/** The parts of a schema mismatch message. @internal */
export interface MismatchDetail {
  /** Column path, e.g. ["meta", "author"]. */
  readonly path: readonly string[];
  /** 0-based row within the data passed, when one row is at fault. */
  readonly row?: number;
  /** What the column takes, e.g. "float64". */
  readonly expected: string;
  /** What the data has, e.g. "utf8" or "a string". */
  readonly actual: string;
  /** The middle of the message, after `column "x" `. */
  readonly problem: string;
  /** The fix, without a trailing period. */
  readonly fix: string;
}

/**
 * A {@link SchemaMismatchError} with its message and context fields filled:
 * `adding to table "docs" failed: column "vector" <problem>; <fix>.`
 * @internal
 */
export function schemaMismatch(ctx: IngestContext, detail: MismatchDetail, cause?: unknown): SchemaMismatchError {
  const column = formatPath(detail.path);
  const message = `${describeFailure(ctx)}: column "${column}" ${detail.problem}; ${detail.fix}.`;
  return new SchemaMismatchError(
    message,
    {
      table: ctx.table,
      column,
      ...(detail.row === undefined ? {} : { row: detail.row }),
      expected: detail.expected,
      actual: detail.actual,
    },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * A vector of the wrong width, in the wording users match on:
 * `column "vector" takes 384 float32 values per row and row 17 has 256; re-embed
 * with the table's model or create a new table.`
 * @internal
 */
export function vectorWidthMismatch(
  ctx: IngestContext,
  path: readonly string[],
  row: number,
  expected: { width: number; element: string },
  actualWidth: number,
): SchemaMismatchError {
  return schemaMismatch(ctx, {
    path,
    row,
    expected: `${expected.width} ${expected.element} values`,
    actual: `${actualWidth} values`,
    problem: `takes ${expected.width} ${expected.element} values per row and row ${row} has ${actualWidth}`,
    fix: "re-embed with the table's model or create a new table",
  });
}

/**
 * A null (or missing value) in a column whose field is not nullable.
 * @internal
 */
export function nullNotAllowed(
  ctx: IngestContext,
  path: readonly string[],
  row: number,
  type: DataType,
  actual = "null",
): SchemaMismatchError {
  const what = actual === "null" ? "a null" : actual;
  return schemaMismatch(ctx, {
    path,
    row,
    expected: `non-null ${describeType(type)}`,
    actual,
    problem: `does not allow nulls and row ${row} has ${what}`,
    fix: `give every row a ${describeType(type)} value for "${formatPath(path)}", or make the field nullable in the schema`,
  });
}

/**
 * A NaN or infinite number inside a float vector.
 * @internal
 */
export function nonFiniteInVector(
  ctx: IngestContext,
  path: readonly string[],
  row: number,
  position: number,
  value: number,
): SchemaMismatchError {
  return schemaMismatch(ctx, {
    path,
    row,
    expected: "finite numbers",
    actual: String(value),
    problem: `is a vector column and row ${row} has ${String(value)} at position ${position}`,
    fix: "vectors must hold finite numbers only; fix or drop the row (an embedding model returning NaN usually got empty or invalid input)",
  });
}

/**
 * A finite number too large for the vector column's float type.
 * @internal
 */
export function vectorValueTooLarge(
  ctx: IngestContext,
  path: readonly string[],
  row: number,
  position: number,
  value: number,
  element: DataType,
): SchemaMismatchError {
  return schemaMismatch(ctx, {
    path,
    row,
    expected: `finite ${describeType(element)} values`,
    actual: String(value),
    problem:
      `takes ${describeType(element)} vectors and row ${row} has ${value} at position ${position}, ` +
      `too large for ${describeType(element)}`,
    fix: "normalise the vector, or store it in a float32 or float64 vector column",
  });
}

/**
 * A null element inside a vector (the row itself is not null).
 * @internal
 */
export function nullInVector(
  ctx: IngestContext,
  path: readonly string[],
  row: number,
  position: number,
): SchemaMismatchError {
  return schemaMismatch(ctx, {
    path,
    row,
    expected: "finite numbers",
    actual: "null",
    problem: `is a vector column and row ${row} has a null at position ${position}`,
    fix: "vectors must hold finite numbers only; set the whole vector to null (if the column is nullable) or fix the row",
  });
}

/**
 * A field in the data that the target schema does not have.
 * @internal
 */
export function fieldNotInSchema(
  ctx: IngestContext,
  path: readonly string[],
  row: number | undefined,
  schemaFields: readonly string[],
): SchemaMismatchError {
  const column = formatPath(path);
  const where = row === undefined ? "" : ` at row ${row}`;
  const inside = path.length > 1 ? `"${formatPath(path.slice(0, -1))}" has the fields` : "the table's columns are";
  return new SchemaMismatchError(
    `${describeFailure(ctx)}: Found field not in schema: ${column}${where} (${inside} ${formatList(schemaFields)}); ` +
      "remove the field from the data or rename it to match the schema, or add the column to the table first with table.addColumns().",
    {
      table: ctx.table,
      column,
      ...(row === undefined ? {} : { row }),
      expected: `one of ${formatList(schemaFields)}`,
      actual: column,
    },
  );
}

/**
 * An argument that is not data at all (wrong type, empty without a schema...).
 * @internal
 */
export function invalidData(ctx: IngestContext, problem: string, fix: string): InvalidArgumentError {
  return new InvalidArgumentError(`${describeFailure(ctx)}: ${problem}; ${fix}.`, "data");
}

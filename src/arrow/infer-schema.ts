/**
 * Inferring an Arrow schema from plain row objects, with LanceDB's rules
 * (`@lancedb/lancedb` `makeArrowTable`), plus the cases where LanceDB fails or
 * silently stores the wrong thing: dates, leading nulls, columns that change
 * type from row to row, vectors of different lengths, empty arrays.
 *
 * @module
 */

import {
  Binary,
  Bool,
  DataType,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Schema,
  Struct,
  TimestampMillisecond,
  Type,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from "apache-arrow";
import { InvalidArgumentError } from "../errors.js";
import { isArrowData, isArrowVector } from "./is-arrow.js";
import {
  describeType,
  describeValue,
  formatPath,
  invalidData,
  schemaMismatch,
  type IngestContext,
} from "./ingest-errors.js";

/** What the inference knows about one column (or list element) so far. */
type Node = UnknownNode | LeafNode | VectorNode | ListNode | StructNode;

/** Only nulls or empty arrays seen so far. */
interface UnknownNode {
  readonly kind: "unknown";
  readonly row: number;
  emptyArrayRow: number | undefined;
}

interface LeafNode {
  readonly kind: "leaf";
  readonly type: DataType;
  /** The JS kind that decided the type, for messages: "a number", "a string". */
  readonly label: string;
  readonly row: number;
}

/** A fixed-size list: a typed array anywhere, or numbers in a column named like a vector. */
interface VectorNode {
  readonly kind: "vector";
  readonly element: DataType;
  readonly length: number;
  readonly label: string;
  readonly row: number;
}

interface ListNode {
  readonly kind: "list";
  element: Node;
  readonly row: number;
}

interface StructNode {
  readonly kind: "struct";
  readonly fields: Map<string, Node>;
  readonly row: number;
}

/**
 * True when LanceDB treats a column of number arrays as a vector column: its
 * name contains "vector" or "embedding", in any case.
 */
export function isVectorColumnName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.includes("vector") || lower.includes("embedding");
}

/**
 * True for a value stored as a struct: a plain object (or class instance) that
 * is not an array, Date, Buffer, typed array or other built-in container.
 * @internal
 */
export function isStructValue(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  if (isArrowVector(value) || isArrowData(value)) return false; // a column inside a cell: refused, not read as a struct
  return !(
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof ArrayBuffer ||
    value instanceof Promise ||
    value instanceof WeakMap ||
    value instanceof WeakSet ||
    (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer)
  );
}

/** Element type of a typed array stored as a vector, or undefined for DataView and friends. */
function typedArrayElement(value: ArrayBufferView): DataType | undefined {
  if (value instanceof Float32Array) return new Float32();
  if (value instanceof Float64Array) return new Float64();
  if (value instanceof Uint8Array || value instanceof Uint8ClampedArray) return new Uint8();
  if (value instanceof Uint16Array) return new Uint16();
  if (value instanceof Uint32Array) return new Uint32();
  if (value instanceof Int8Array) return new Int8();
  if (value instanceof Int16Array) return new Int16();
  if (value instanceof Int32Array) return new Int32();
  if (value instanceof BigInt64Array) return new Int64();
  if (value instanceof BigUint64Array) return new Uint64();
  return undefined;
}

class Inference {
  constructor(private readonly ctx: IngestContext) {}

  /** The node a single non-null value stands for. */
  nodeFor(value: unknown, path: readonly string[], row: number): Node {
    if (value === null || value === undefined) return { kind: "unknown", row, emptyArrayRow: undefined };
    const name = path[path.length - 1] ?? "";
    switch (typeof value) {
      case "number":
        return { kind: "leaf", type: new Float64(), label: "a number", row };
      case "bigint":
        return { kind: "leaf", type: new Int64(), label: "a bigint", row };
      case "string":
        return { kind: "leaf", type: new Utf8(), label: "a string", row };
      case "boolean":
        return { kind: "leaf", type: new Bool(), label: "a boolean", row };
      default:
        break;
    }
    if (value instanceof Date) return { kind: "leaf", type: new TimestampMillisecond(), label: "a Date", row };
    if (Buffer.isBuffer(value)) return { kind: "leaf", type: new Binary(), label: "a Buffer", row };
    if (ArrayBuffer.isView(value)) {
      if (value instanceof Uint8Array && !isVectorColumnName(name)) {
        return { kind: "leaf", type: new Binary(), label: "a Uint8Array", row };
      }
      const element = typedArrayElement(value);
      if (element === undefined) throw this.unsupported(path, row, value);
      const length = (value as unknown as ArrayLike<unknown>).length;
      return { kind: "vector", element, length, label: `a ${value.constructor.name}`, row };
    }
    if (Array.isArray(value)) return this.nodeForArray(value, path, row);
    if (isStructValue(value)) {
      const node: StructNode = { kind: "struct", fields: new Map(), row };
      this.mergeObject(node, value, path, row);
      return node;
    }
    throw this.unsupported(path, row, value);
  }

  nodeForArray(value: readonly unknown[], path: readonly string[], row: number): Node {
    if (value.length === 0) return { kind: "unknown", row, emptyArrayRow: row };
    const name = path[path.length - 1] ?? "";
    if (isVectorColumnName(name)) {
      // LanceDB looks at the first element only; rowsToTable checks every one.
      const first = value.find((v) => v !== null && v !== undefined);
      if (first === undefined || typeof first === "number") {
        return { kind: "vector", element: new Float32(), length: value.length, label: "an array of numbers", row };
      }
    }
    let element: Node = { kind: "unknown", row, emptyArrayRow: undefined };
    for (const item of value) {
      if (item === null || item === undefined) continue;
      element = this.unify(element, this.nodeFor(item, path, row), path);
    }
    return { kind: "list", element, row };
  }

  /** Adds the keys of one object (a row or a struct value) to `node`. */
  mergeObject(node: StructNode, value: Record<string, unknown>, path: readonly string[], row: number): void {
    for (const key of Object.keys(value)) {
      const cell = value[key];
      if (cell === undefined) continue; // undefined counts as missing, as in LanceDB
      const existing = node.fields.get(key);
      if (existing !== undefined && (cell === null || fitsAsIs(existing, cell))) continue;
      const childPath = [...path, key];
      if (existing?.kind === "struct" && isStructValue(cell)) {
        this.mergeObject(existing, cell, childPath, row);
        continue;
      }
      const candidate = this.nodeFor(cell, childPath, row);
      node.fields.set(key, existing === undefined ? candidate : this.unify(existing, candidate, childPath));
    }
  }

  /** The node for a column that held `a` and now also holds `b` (b is the later row). */
  unify(a: Node, b: Node, path: readonly string[]): Node {
    if (b.kind === "unknown") {
      if (a.kind === "unknown") {
        a.emptyArrayRow ??= b.emptyArrayRow;
        return a;
      }
      if (b.emptyArrayRow !== undefined && a.kind !== "list" && a.kind !== "vector") {
        throw this.mismatch(path, a, describeNode(a), b.row, "an empty array");
      }
      return a;
    }
    if (a.kind === "unknown") {
      if (a.emptyArrayRow !== undefined && b.kind !== "list" && b.kind !== "vector") {
        throw this.mismatch(path, { row: a.emptyArrayRow }, "an empty array", b.row, describeNode(b));
      }
      return b;
    }
    switch (a.kind) {
      case "leaf":
        if (b.kind === "leaf" && sameType(a.type, b.type)) return a;
        break;
      case "vector":
        if (b.kind === "vector") {
          if (a.length !== b.length) throw this.vectorLengths(path, a, b.row, b.length);
          if (sameType(a.element, b.element) || (DataType.isFloat(a.element) && DataType.isFloat(b.element))) return a;
        } else if (b.kind === "list" && isNumberList(b) && DataType.isFloat(a.element)) {
          return a;
        }
        break;
      case "list":
        if (b.kind === "list") {
          a.element = this.unify(a.element, b.element, path);
          return a;
        }
        if (b.kind === "vector" && (a.element.kind === "unknown" || isNumberList(a)) && isNumeric(b.element)) {
          return a;
        }
        break;
      case "struct":
        if (b.kind === "struct") {
          for (const [key, child] of b.fields) {
            const existing = a.fields.get(key);
            a.fields.set(key, existing === undefined ? child : this.unify(existing, child, [...path, key]));
          }
          return a;
        }
        break;
    }
    throw this.mismatch(path, a, describeNode(a), b.row, describeNode(b), nodeTypeName(a), nodeTypeName(b));
  }

  toField(name: string, node: Node, path: readonly string[]): Field | undefined {
    const type = this.toType(node, path);
    return type === undefined ? undefined : new Field(name, type, true);
  }

  /** The Arrow type of a finished node; undefined for a struct that never had a field (LanceDB drops it). */
  toType(node: Node, path: readonly string[]): DataType | undefined {
    switch (node.kind) {
      case "unknown":
        throw this.undecidable(path, node);
      case "leaf":
        return node.type;
      case "vector":
        return new FixedSizeList(node.length, new Field("item", node.element, true));
      case "list": {
        const element = this.toType(node.element, path);
        if (element === undefined) throw this.undecidable(path, { kind: "unknown", row: node.row, emptyArrayRow: undefined });
        return new List(new Field("item", element, true));
      }
      case "struct": {
        const fields: Field[] = [];
        for (const [name, child] of node.fields) {
          const field = this.toField(name, child, [...path, name]);
          if (field !== undefined) fields.push(field);
        }
        return fields.length === 0 ? undefined : new Struct(fields);
      }
    }
  }

  mismatch(
    path: readonly string[],
    first: { row: number },
    firstWhat: string,
    row: number,
    what: string,
    expected = firstWhat,
    actual = what,
  ) {
    const column = formatPath(path);
    const problem =
      first.row === row
        ? `mixes ${firstWhat} and ${what} in row ${row}`
        : `holds ${firstWhat} in row ${first.row} but ${what} in row ${row}`;
    return schemaMismatch(this.ctx, {
      path,
      row,
      expected,
      actual,
      problem,
      fix: `give every row the same type for "${column}", or pass a schema that says which type the column has`,
    });
  }

  vectorLengths(path: readonly string[], first: VectorNode, row: number, length: number) {
    return schemaMismatch(this.ctx, {
      path,
      row,
      expected: `${first.length} values`,
      actual: `${length} values`,
      problem:
        `holds vectors of ${first.length} values (row ${first.row}) and of ${length} values (row ${row}), ` +
        "but all vectors of a column need the same length",
      fix: "embed every row with the same model, or drop the rows of the wrong length",
    });
  }

  undecidable(path: readonly string[], node: UnknownNode) {
    const column = formatPath(path);
    const onlyNulls = node.emptyArrayRow === undefined;
    return schemaMismatch(this.ctx, {
      path,
      expected: "a value whose type can be inferred",
      actual: onlyNulls ? "null in every row" : "only empty arrays or nulls",
      problem:
        `${onlyNulls ? "is null in every row" : "holds only empty arrays or nulls"}, so its type cannot be inferred ` +
        `(Failed to infer data type for field ${column})`,
      fix: `pass a schema when creating the table, e.g. new Schema([new Field("${column}", new Utf8(), true), ...])`,
    });
  }

  unsupported(path: readonly string[], row: number, value: unknown) {
    return schemaMismatch(this.ctx, {
      path,
      row,
      expected: "a number, bigint, string, boolean, Date, Buffer, typed array, array or plain object",
      actual: describeValue(value),
      problem: `holds ${describeValue(value)} in row ${row}, which cannot be stored`,
      fix: "convert it to a supported value (plain object, array, string...) first",
    });
  }
}

/**
 * A cheap check that `value` adds nothing to `node` (the common case: the same
 * primitive kind again, or a number array of the same length in a vector column).
 */
function fitsAsIs(node: Node, value: unknown): boolean {
  switch (node.kind) {
    case "leaf": {
      const kind = typeof value;
      return kind !== "object" && kind !== "function" && kind !== "symbol" && node.type.typeId === PRIMITIVE_TYPE_IDS[kind];
    }
    case "vector":
      return (
        Array.isArray(value) &&
        value.length === node.length &&
        typeof value[0] === "number" &&
        DataType.isFloat(node.element)
      );
    default:
      return false;
  }
}

const PRIMITIVE_TYPE_IDS: Readonly<Record<string, Type | undefined>> = {
  number: Type.Float,
  bigint: Type.Int,
  string: Type.Utf8,
  boolean: Type.Bool,
};

function isNumeric(type: DataType): boolean {
  return DataType.isFloat(type) || DataType.isInt(type);
}

function isNumberList(node: ListNode): boolean {
  return node.element.kind === "leaf" && DataType.isFloat(node.element.type);
}

function describeNode(node: Node): string {
  switch (node.kind) {
    case "unknown":
      return "null";
    case "leaf":
      return node.label;
    case "vector":
      return `${node.label} (a vector of ${node.length})`;
    case "list":
      return "an array";
    case "struct":
      return "an object";
  }
}

function nodeTypeName(node: Node): string {
  switch (node.kind) {
    case "leaf":
      return describeType(node.type);
    case "vector":
      return `fixed_size_list<${describeType(node.element)}>[${node.length}]`;
    case "list":
      return "list";
    case "struct":
      return "struct";
    case "unknown":
      return "null";
  }
}

/** Same leaf type: typeId and parameters, ignoring child field names. */
function sameType(a: DataType, b: DataType): boolean {
  return a.typeId === b.typeId && String(a) === String(b);
}

/**
 * Infers the schema of plain row objects, following LanceDB's rules:
 * number → Float64, bigint → Int64, string → Utf8, boolean → Bool, Buffer (or a
 * Uint8Array in a column not named like a vector) → Binary, a typed array →
 * FixedSizeList of its element type, an array of numbers in a column whose name
 * contains "vector" or "embedding" (any case) → FixedSizeList<Float32>, any
 * other array → List of its element type, a nested object → Struct. Every field
 * is nullable and columns come in the order they first appear.
 *
 * Beyond LanceDB: a Date → Timestamp(ms); a column whose first values are null
 * or empty arrays takes its type from the first real value; a column that
 * changes type between rows, or vectors of different lengths, are refused with
 * a {@link SchemaMismatchError} naming the column, both rows and both types; a
 * column that is null in every row is refused with a hint to pass a schema.
 *
 * @param rows The rows; `undefined` property values count as missing.
 * @param ctx Table and operation, for error messages.
 *
 * @example
 * ```ts
 * inferSchema([{ id: 1n, text: "a", vector: [0.1, 0.2] }]);
 * // id: Int64, text: Utf8, vector: FixedSizeList<Float32>[2]
 * ```
 */
export function inferSchema(
  rows: readonly Record<string, unknown>[],
  ctx: IngestContext = { table: "", operation: "inferSchema" },
): Schema {
  if (!Array.isArray(rows)) {
    throw new InvalidArgumentError("inferSchema expects an array of row objects", "rows");
  }
  if (rows.length === 0) {
    throw invalidData(ctx, "At least one record or a schema needs to be provided", "pass a schema to create an empty table");
  }
  const inference = new Inference(ctx);
  const root: StructNode = { kind: "struct", fields: new Map(), row: 0 };
  rows.forEach((row, index) => {
    if (!isStructValue(row)) {
      throw invalidData(
        ctx,
        `row ${index} is ${describeValue(row)}, not an object`,
        "pass an array of plain objects, one per row, such as [{ id: 1, vector: [...] }]",
      );
    }
    inference.mergeObject(root, row, [], index);
  });
  const fields: Field[] = [];
  for (const [name, node] of root.fields) {
    const field = inference.toField(name, node, [name]);
    if (field !== undefined) fields.push(field);
  }
  if (fields.length === 0) {
    throw invalidData(ctx, "the rows have no columns (every row is empty)", "give the rows at least one property");
  }
  return new Schema(fields);
}

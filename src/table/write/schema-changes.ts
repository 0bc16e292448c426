import { sameType } from "../../arrow/same-type.js";
import {
  Binary,
  Bool,
  DataType,
  Field,
  Float16,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  LargeBinary,
  LargeUtf8,
  RecordBatch,
  Schema,
  Struct,
  Type,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  makeData,
} from "apache-arrow";
import { InvalidArgumentError, NotSupportedError } from "../../errors.js";
import { evaluateExpression, type FilterExpr } from "../../filter/index.js";
import { castToField } from "./update-values.js";

/** Named Arrow types accepted by `alterColumns({dataType: "..."})`, with the family a cast must stay in. */
const NAMED_TYPES: Record<string, () => DataType> = {
  int8: () => new Int8(),
  int16: () => new Int16(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  uint8: () => new Uint8(),
  uint16: () => new Uint16(),
  uint32: () => new Uint32(),
  uint64: () => new Uint64(),
  float16: () => new Float16(),
  halffloat: () => new Float16(),
  float32: () => new Float32(),
  float: () => new Float32(),
  float64: () => new Float64(),
  double: () => new Float64(),
  string: () => new Utf8(),
  utf8: () => new Utf8(),
  large_string: () => new LargeUtf8(),
  large_utf8: () => new LargeUtf8(),
  binary: () => new Binary(),
  large_binary: () => new LargeBinary(),
  bool: () => new Bool(),
  boolean: () => new Bool(),
};

function family(type: DataType): string {
  switch (type.typeId) {
    case Type.Int:
      return "integer";
    case Type.Float:
      return "float";
    case Type.Utf8:
    case Type.LargeUtf8:
      return "string";
    case Type.Binary:
    case Type.LargeBinary:
      return "binary";
    case Type.FixedSizeList:
      return `vector of ${(type as unknown as { listSize: number }).listSize}`;
    default:
      return String(type);
  }
}

/** Resolves `dataType` of a column alteration and checks the cast stays within the column's type family. */
export function resolveNewType(table: string, field: Field, dataType: string | DataType): DataType {
  let type: DataType;
  if (typeof dataType === "string") {
    const make = NAMED_TYPES[dataType.toLowerCase()];
    if (!make) {
      throw new InvalidArgumentError(
        `alterColumns on table '${table}': unknown data type "${dataType}" for column '${field.name}'; ` +
          `use one of ${Object.keys(NAMED_TYPES).join(", ")}, or an Arrow DataType.`,
        "dataType",
      );
    }
    type = make();
  } else {
    type = dataType;
  }
  const from = family(field.type);
  const to = family(type);
  if (from !== to) {
    throw new InvalidArgumentError(
      `alterColumns on table '${table}': column '${field.name}' is ${field.type} (${from}) and cannot become ${type} (${to}); ` +
        `casts stay within one family (integer to integer, float to float, string to large string). ` +
        `Add a new column with addColumns([{name, valueSql: "CAST(${field.name} AS ...)"}]) instead.`,
      "dataType",
    );
  }
  if (field.type.typeId === Type.FixedSizeList && !sameType(type, field.type)) {
    const child = (type as unknown as { children: Field[] }).children[0]!.type;
    if (child.typeId !== Type.Float) {
      throw new NotSupportedError(`alterColumns on table '${table}': vector column '${field.name}' can only change its float width.`);
    }
  }
  return type;
}

/** A batch shaped like `schema`, taking each column from `batch` by its old name and casting where the type changed. */
export function reshapeBatch(
  batch: RecordBatch,
  schema: Schema,
  oldNames: readonly string[],
  table: string,
): RecordBatch {
  const children = schema.fields.map((field, i) => {
    const old = batch.getChild(oldNames[i]!)!;
    if (sameType(old.type, field.type)) return old.data.length === 1 ? old.data[0]! : castToField(old, field, table, "alterColumns");
    return castToField(old, field, table, "alterColumns");
  });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
}

/** `batch` plus columns computed by SQL expressions (or all nulls), shaped like `schema`. */
export function appendComputedColumns(
  batch: RecordBatch,
  schema: Schema,
  computed: ReadonlyMap<string, FilterExpr | null>,
  table: string,
): RecordBatch {
  const children = schema.fields.map((field) => {
    if (!computed.has(field.name)) return batch.getChild(field.name)!.data[0]!;
    const expr = computed.get(field.name);
    if (!expr) return makeData({ type: field.type, length: batch.numRows, nullCount: batch.numRows } as never);
    return castToField(evaluateExpression(expr, batch), field, table, "addColumns");
  });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
}

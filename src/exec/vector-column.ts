import { type Data, type DataType, type Field, type FixedSizeList, type Schema, Type, util } from "apache-arrow";
import { ColumnNotFoundError, InvalidArgumentError, SchemaMismatchError, formatList } from "../errors.js";

/** The vector column a search runs over. */
export interface VectorColumn {
  readonly name: string;
  /** Position in the table schema. */
  readonly index: number;
  readonly field: Field;
  /** Values per vector. */
  readonly dims: number;
}

/** True for FixedSizeList<Float16 | Float32 | Float64>: the types a vector search accepts. */
export function isVectorType(type: DataType): type is FixedSizeList {
  return type.typeId === Type.FixedSizeList && (type as FixedSizeList).children[0]?.type.typeId === Type.Float;
}

/** The vector columns of a schema, in schema order. */
export function findVectorColumns(schema: Schema): VectorColumn[] {
  const out: VectorColumn[] = [];
  schema.fields.forEach((field, index) => {
    if (isVectorType(field.type)) out.push({ name: field.name, index, field, dims: field.type.listSize });
  });
  return out;
}

/**
 * The column `.column(name)` chose, or the table's only vector column. Fails
 * with the fix when the name is unknown, is not a vector column, or when
 * several vector columns leave the choice open.
 */
export function resolveVectorColumn(schema: Schema, tableName: string, requested: string | undefined): VectorColumn {
  const vectors = findVectorColumns(schema);
  if (requested !== undefined) {
    const index = schema.fields.findIndex((f) => f.name === requested);
    if (index < 0) {
      throw new ColumnNotFoundError(requested, schema.fields.map((f) => f.name), tableName, "vector search");
    }
    const field = schema.fields[index]!;
    if (!isVectorType(field.type)) {
      throw new InvalidArgumentError(
        `vector search on table '${tableName}': column '${requested}' is not a vector column: ` +
          `expected a fixed-size list of floats, found ${String(field.type)}. ` +
          (vectors.length > 0
            ? `The vector columns are ${formatList(vectors.map((v) => v.name))}; pass one of them to .column(name).`
            : "The table has no vector column; add one (a fixed-size list of Float32) to search by vector."),
        "column",
      );
    }
    return { name: field.name, index, field, dims: field.type.listSize };
  }
  if (vectors.length === 1) return vectors[0]!;
  if (vectors.length === 0) {
    throw new InvalidArgumentError(
      `vector search on table '${tableName}': the table has no vector column ` +
        `(a fixed-size list of Float32 or Float16); its columns are ${formatList(schema.fields.map((f) => f.name))}. ` +
        "Add a vector column, or use table.query() for a plain scan.",
      "column",
    );
  }
  throw new InvalidArgumentError(
    `vector search on table '${tableName}': the table has ${vectors.length} vector columns, ` +
      `${formatList(vectors.map((v) => v.name))}, and none was chosen; ` +
      `name the one to search with .column("${vectors[0]!.name}").`,
    "column",
  );
}

/** Fails unless the query vector fits the column: LanceDB's wording first, then the details and the fix. */
export function checkQueryDims(tableName: string, column: VectorColumn, actual: number, explicitColumn: boolean): void {
  if (actual === column.dims) return;
  throw new SchemaMismatchError(
    `No vector column found to match with the query vector dimension: ${actual}. ` +
      `Column '${column.name}' of table '${tableName}' holds ${column.dims}-dimensional vectors, the query vector has ${actual} values; ` +
      `pass a ${column.dims}-dimensional query vector (embed with the model that filled the column)` +
      (explicitColumn ? "." : ", or choose another column with .column(name)."),
    { table: tableName, column: column.name, expected: `${column.dims} dimensions`, actual: `${actual} dimensions` },
  );
}

const float32Cache = new WeakMap<Data, Float32Array>();

/**
 * The vectors of a FixedSizeList<Float> chunk as one Float32Array of exactly
 * `length × dims` values starting at byte 0 of its own buffer, which is what
 * the native kernel needs. Zero-copy when the chunk already is that; Float16
 * and Float64 chunks, and Float32 views into a larger buffer (every IPC read),
 * are converted or copied once and cached for as long as the chunk lives.
 * Null vectors read as whatever their slots hold; callers exclude them.
 */
export function vectorsAsFloat32(data: Data<FixedSizeList>, dims: number): Float32Array {
  const cached = float32Cache.get(data);
  if (cached) return cached;
  const child = data.children[0]!;
  const total = data.length * dims;
  const values = child.values as Float32Array | Float64Array | Uint16Array;
  let out: Float32Array;
  if (values instanceof Float32Array) {
    if (values.byteOffset === 0 && values.length >= total) return values.length === total ? values : values.subarray(0, total);
    out = values.slice(0, total);
  } else if (values instanceof Uint16Array) {
    out = new Float32Array(total);
    const table = halfTable();
    for (let i = 0; i < total; i++) out[i] = table[values[i]!]!;
  } else {
    out = new Float32Array(total);
    for (let i = 0; i < total; i++) out[i] = values[i]!;
  }
  float32Cache.set(data, out);
  return out;
}

let halfToFloat: Float32Array | undefined;

/** Float16 bit pattern → float32 value, for all 65536 patterns (256 KiB, built once). */
function halfTable(): Float32Array {
  if (!halfToFloat) {
    halfToFloat = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfToFloat[h] = util.uint16ToFloat64(h);
  }
  return halfToFloat;
}

/**
 * 1 for each row of the chunk that cannot be searched: a null vector, or a
 * vector with a null element. Null when every row can.
 */
export function unsearchableRows(data: Data<FixedSizeList>, dims: number): Uint8Array | null {
  const child = data.children[0]!;
  if (data.nullCount === 0 && child.nullCount === 0) return null;
  const out = new Uint8Array(data.length);
  if (data.nullCount > 0 && data.nullBitmap) {
    const bits = data.nullBitmap;
    for (let r = 0; r < data.length; r++) {
      const b = data.offset + r;
      if (((bits[b >> 3]! >> (b & 7)) & 1) === 0) out[r] = 1;
    }
  }
  if (child.nullCount > 0 && child.nullBitmap) {
    const bits = child.nullBitmap;
    for (let r = 0; r < data.length; r++) {
      if (out[r] === 1) continue;
      for (let j = 0; j < dims; j++) {
        const b = child.offset + r * dims + j;
        if (((bits[b >> 3]! >> (b & 7)) & 1) === 0) {
          out[r] = 1;
          break;
        }
      }
    }
  }
  return out;
}

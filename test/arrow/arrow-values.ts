/**
 * Test helper: the values of an Arrow table (of any apache-arrow copy) as plain
 * JSON-like data, so tables built by different copies compare with toEqual.
 * bigints become "123n" strings, vectors become arrays, structs objects.
 */

interface VectorLike {
  readonly length: number;
  get(index: number): unknown;
}

interface RowLike {
  toJSON(): Record<string, unknown>;
}

function isVectorLike(value: object): value is VectorLike {
  return typeof (value as VectorLike).get === "function" && typeof (value as VectorLike).length === "number";
}

/** One value as plain data. */
export function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value !== "object") return value;
  if (value instanceof Date) return value.getTime();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, plain);
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plain(v)]));
  if (isVectorLike(value)) return Array.from({ length: value.length }, (_, i) => plain(value.get(i)));
  if (typeof (value as RowLike).toJSON === "function") {
    const json = (value as RowLike).toJSON();
    if (json instanceof Map) return plain(json);
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, plain(v)]));
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

/** Every row of a table as a plain object. */
export function rowsOf(table: { readonly numRows: number; get(index: number): unknown }): unknown[] {
  return Array.from({ length: table.numRows }, (_, i) => plain(table.get(i)));
}

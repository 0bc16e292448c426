/**
 * Recognising Arrow objects made by any copy of apache-arrow (version 15 on),
 * not only ours. Users build tables with their own apache-arrow, so `instanceof`
 * against our classes fails for them; these checks use the brand apache-arrow
 * 19+ puts on its prototypes (`Symbol.for("apache-arrow/Table")`...) and, for
 * older copies, the shape of the object.
 *
 * @module
 */

/**
 * An Arrow data type from any copy of apache-arrow: only `typeId` is common to
 * all of them; the parameters (`bitWidth`, `precision`, `unit`, `children`...)
 * depend on the type.
 */
export interface ArrowDataTypeLike {
  readonly typeId: number;
  readonly children?: readonly ArrowFieldLike[] | null;
}

/** An Arrow field from any copy of apache-arrow. */
export interface ArrowFieldLike {
  readonly name: string;
  readonly type: ArrowDataTypeLike;
  readonly nullable: boolean;
  readonly metadata?: Map<string, string> | null;
}

/** An Arrow schema from any copy of apache-arrow. */
export interface ArrowSchemaLike {
  readonly fields: readonly ArrowFieldLike[];
  readonly metadata?: Map<string, string> | null;
}

/**
 * The buffers of one Arrow array from any copy of apache-arrow (its `Data`).
 * As in apache-arrow, `values` and `valueOffsets` already start at the array's
 * first element and `offset` applies to the bitmaps only.
 */
export interface ArrowDataLike {
  readonly type: ArrowDataTypeLike;
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  /** A typed array in every apache-arrow copy; typed loosely because apache-arrow's own typings vary by type. */
  readonly values?: unknown;
  readonly valueOffsets?: unknown;
  readonly nullBitmap?: Uint8Array | null;
  readonly typeIds?: unknown;
  readonly children: readonly ArrowDataLike[];
  readonly dictionary?: ArrowVectorLike | null;
}

/** An Arrow vector (a column: one or more `Data` chunks) from any copy of apache-arrow. */
export interface ArrowVectorLike {
  readonly type: ArrowDataTypeLike;
  readonly data: readonly ArrowDataLike[];
  readonly length: number;
}

/** An Arrow record batch from any copy of apache-arrow: a schema and a struct `Data`. */
export interface RecordBatchLike {
  readonly schema: ArrowSchemaLike;
  readonly data: ArrowDataLike;
}

/** LanceDB's name for a schema from any copy of apache-arrow (`SchemaLike` in `@lancedb/lancedb`). */
export type SchemaLike = ArrowSchemaLike;

/** An Arrow table from any copy of apache-arrow: a schema and its record batches. */
export interface ArrowTableLike {
  readonly schema: ArrowSchemaLike;
  readonly batches: readonly RecordBatchLike[];
}

/** apache-arrow's `Type` enum values, the same numbers in every version. */
const TYPE_IDS = new Set<number>([
  // Type.NONE .. Type.Utf8View, without the retired 22
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24,
  // Type.Dictionary and the concrete subtypes (Int8 ... DurationNanosecond)
  -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -17, -18, -19, -20, -21, -22, -23, -24,
  -25, -26, -27, -28, -29, -30, -31,
]);

const STRUCT_TYPE_ID = 13;

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === "object" && value !== null;
}

function hasBrand(value: Record<PropertyKey, unknown>, name: string): boolean {
  return value[Symbol.for(`apache-arrow/${name}`)] === true;
}

function isMetadata(value: unknown): boolean {
  return value === undefined || value === null || value instanceof Map;
}

/** True for an Arrow data type (`Float32`, `Utf8`, `FixedSizeList`...) from any copy of apache-arrow. */
export function isArrowDataType(value: unknown): value is ArrowDataTypeLike {
  if (!isObject(value)) return false;
  if (hasBrand(value, "DataType")) return true;
  // Fields, Data and Vectors also expose a typeId, but they carry their type in `type`.
  return typeof value.typeId === "number" && TYPE_IDS.has(value.typeId) && !isObject(value.type);
}

/** True for an Arrow field (name, type, nullable) from any copy of apache-arrow. */
export function isArrowField(value: unknown): value is ArrowFieldLike {
  if (!isObject(value)) return false;
  if (hasBrand(value, "Field")) return true;
  return (
    typeof value.name === "string" &&
    typeof value.nullable === "boolean" &&
    isArrowDataType(value.type) &&
    isMetadata(value.metadata)
  );
}

/** True for an Arrow schema from any copy of apache-arrow. */
export function isArrowSchema(value: unknown): value is ArrowSchemaLike {
  if (!isObject(value)) return false;
  if (hasBrand(value, "Schema")) return true;
  return Array.isArray(value.fields) && value.fields.every(isArrowField) && isMetadata(value.metadata);
}

/** True for an Arrow `Data` (the buffers of one array) from any copy of apache-arrow. */
export function isArrowData(value: unknown): value is ArrowDataLike {
  if (!isObject(value)) return false;
  if (hasBrand(value, "Data")) return true;
  return (
    isArrowDataType(value.type) &&
    typeof value.length === "number" &&
    typeof value.offset === "number" &&
    Array.isArray(value.children)
  );
}

/** True for an Arrow vector (a column) from any copy of apache-arrow. */
export function isArrowVector(value: unknown): value is ArrowVectorLike {
  if (!isObject(value)) return false;
  if (hasBrand(value, "Vector")) return true;
  return (
    isArrowDataType(value.type) &&
    typeof value.length === "number" &&
    Array.isArray(value.data) &&
    value.data.every(isArrowData)
  );
}

/** True for an Arrow record batch from any copy of apache-arrow. */
export function isRecordBatch(value: unknown): value is RecordBatchLike {
  if (!isObject(value)) return false;
  if (hasBrand(value, "RecordBatch")) return true;
  return (
    isArrowSchema(value.schema) &&
    isArrowData(value.data) &&
    (value.data as ArrowDataLike).type.typeId === STRUCT_TYPE_ID
  );
}

/**
 * True for an Arrow table from any copy of apache-arrow, or a plain
 * `{schema, batches}` object shaped like one (LanceDB's `TableLike`).
 */
export function isArrowTable(value: unknown): value is ArrowTableLike {
  if (!isObject(value)) return false;
  if (hasBrand(value, "Table")) return true;
  return isArrowSchema(value.schema) && Array.isArray(value.batches) && value.batches.every(isRecordBatch);
}

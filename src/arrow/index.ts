/**
 * Turning user data (rows or Arrow data from any apache-arrow copy) into Arrow
 * tables of ours that fit a schema.
 *
 * @module
 */

export {
  isArrowData,
  isArrowDataType,
  isArrowField,
  isArrowSchema,
  isArrowTable,
  isArrowVector,
  isRecordBatch,
  type ArrowDataLike,
  type ArrowDataTypeLike,
  type ArrowFieldLike,
  type ArrowSchemaLike,
  type ArrowTableLike,
  type ArrowVectorLike,
  type RecordBatchLike,
  type SchemaLike,
} from "./is-arrow.js";
export { adoptField, adoptRecordBatch, adoptSchema, adoptTable, adoptType } from "./adopt-arrow.js";
export { inferSchema, isVectorColumnName } from "./infer-schema.js";
export { rowsToTable } from "./rows-to-table.js";
export { conformToSchema } from "./conform-to-schema.js";
export { toArrowTable, type IngestData, type ToArrowTableOptions } from "./to-arrow-table.js";
export type { IngestContext } from "./ingest-errors.js";

/**
 * The one entry point that turns whatever a user passes to `createTable`,
 * `add`, `mergeInsert`... into an Arrow table of ours that fits the table's
 * schema.
 *
 * @module
 */

import { Table, type Schema } from "apache-arrow";
import { InvalidArgumentError } from "../errors.js";
import { adoptRecordBatch, adoptSchema, adoptTable } from "./adopt-arrow.js";
import { conformBatches } from "./conform-to-schema.js";
import { inferSchema } from "./infer-schema.js";
import { describeFailure, describeValue, invalidData, type IngestContext } from "./ingest-errors.js";
import {
  isArrowSchema,
  isArrowTable,
  isRecordBatch,
  type ArrowTableLike,
  type RecordBatchLike,
  type SchemaLike,
} from "./is-arrow.js";
import { rowsToTable } from "./rows-to-table.js";

/**
 * Data accepted wherever LanceDB takes `Data`: plain row objects, or an Arrow
 * table, record batch or array of record batches made by any copy of
 * apache-arrow from version 15 on. Rows typed with an `interface` are accepted
 * too (`readonly object[]`): LanceDB's `Record<string, unknown>[]` refuses them
 * at compile time only because interfaces have no index signature; every row
 * is checked at run time anyway.
 */
export type IngestData =
  | Record<string, unknown>[]
  | readonly object[]
  | ArrowTableLike
  | RecordBatchLike
  | RecordBatchLike[];

/** Options of {@link toArrowTable}. */
export interface ToArrowTableOptions {
  /** The schema the result must have (the table's, for writes); inferred from rows when absent. */
  schema?: Schema | SchemaLike | undefined;
  /** Table name, for error messages. */
  table: string;
  /** Public operation ("add", "createTable", "mergeInsert"...), for error messages. */
  operation: string;
}

/**
 * Turns user data into an Arrow table of our apache-arrow with one or more
 * record batches and exactly the target schema.
 *
 * - Rows without a schema: the schema is inferred ({@link inferSchema}), then
 *   the rows are built ({@link rowsToTable}).
 * - Rows with a schema: as in LanceDB, a key the schema does not have is an
 *   error ("Found field not in schema", naming table, field and row); arrays in
 *   a FixedSizeList column become vectors of its width, or are refused.
 *   `undefined` values count as missing.
 * - Arrow input (any apache-arrow copy): adopted without copying, then made to
 *   fit the schema ({@link conformToSchema}); without a schema it is checked
 *   against its own (nulls, NaN in vectors).
 *
 * @throws InvalidArgumentError when `data` is not rows or Arrow data, or is an
 *   empty array without a schema ("At least one record or a schema needs to be provided").
 * @throws SchemaMismatchError when the data does not fit the schema.
 *
 * @example
 * ```ts
 * const table = toArrowTable([{ id: 1, vector: [0.1, 0.2] }], { table: "docs", operation: "createTable" });
 * ```
 */
export function toArrowTable(data: IngestData, options: ToArrowTableOptions): Table {
  const ctx: IngestContext = { table: options.table, operation: options.operation };
  const schema = checkedSchema(options.schema, ctx);
  if (typeof data !== "object" || data === null) {
    throw invalidData(ctx, `data is ${describeValue(data)}`, "pass an array of row objects, an Arrow Table, or Arrow RecordBatches");
  }
  if (isArrowTable(data)) {
    const table = adoptTable(data);
    return conformBatches(table.batches, schema ?? table.schema, ctx);
  }
  if (isRecordBatch(data)) {
    const batch = adoptRecordBatch(data);
    return conformBatches([batch], schema ?? batch.schema, ctx);
  }
  if (!Array.isArray(data)) {
    throw invalidData(
      ctx,
      `data is ${describeValue(data)}, not an array of rows or Arrow data`,
      "wrap a single row in an array: [row]",
    );
  }
  if (data.length > 0 && data.some((item) => isRecordBatch(item))) {
    const index = data.findIndex((item) => !isRecordBatch(item));
    if (index >= 0) {
      throw invalidData(
        ctx,
        `item ${index} of the data is ${describeValue(data[index])} while others are Arrow RecordBatches`,
        "pass either row objects or record batches, not both",
      );
    }
    const batches = (data as RecordBatchLike[]).map(adoptRecordBatch);
    return conformBatches(batches, schema ?? batches[0]!.schema, ctx);
  }
  const rows = data as Record<string, unknown>[];
  if (rows.length === 0) {
    if (schema === undefined) {
      throw invalidData(
        ctx,
        "At least one record or a schema needs to be provided",
        "pass at least one row, or a schema to create an empty table",
      );
    }
    return conformBatches([], schema, ctx);
  }
  return rowsToTable(rows, schema ?? inferSchema(rows, ctx), ctx);
}

function checkedSchema(schema: Schema | SchemaLike | undefined | null, ctx: IngestContext): Schema | undefined {
  if (schema === undefined || schema === null) return undefined;
  if (!isArrowSchema(schema)) {
    throw new InvalidArgumentError(
      `${describeFailure(ctx)}: the schema is ${describeValue(schema)}, not an Arrow Schema; ` +
        "pass a Schema from apache-arrow (new Schema([new Field(...)]))",
      "schema",
    );
  }
  return adoptSchema(schema);
}

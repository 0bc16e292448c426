import { Field, Schema, Type, type FixedSizeList, type Table as ArrowTable } from "apache-arrow";
import { toArrowTable, type IngestData } from "../arrow/index.js";
import type { EmbeddingFunctionConfig } from "../embedding/embedding-function.js";
import { getTableMetadata, parseEmbeddingMetadata, readEmbeddingMetadata } from "../embedding/embedding-metadata.js";
import { InvalidArgumentError, SchemaMismatchError } from "../errors.js";
import { embedRows, prepareRows, type EmbeddingWriteOptions, type PrepareContext } from "./prepare-rows.js";

/**
 * The first rows and schema of a new table. With an `embeddingFunction` config
 * (and a schema without embedding metadata), the config is stored in the
 * schema's metadata — refused up front when its class is not registered, since
 * a reopened table could never rebuild it — and the vector column is added
 * (typed by the function's `vectorField()`) when the schema or data lacks it.
 */
export async function createTableRows(
  data: IngestData,
  schema: Schema | undefined,
  config: EmbeddingFunctionConfig | undefined,
  context: PrepareContext,
  options: Partial<EmbeddingWriteOptions>,
): Promise<ArrowTable> {
  if (config === undefined || declaresEmbeddings(schema)) {
    if (schema === undefined) return toArrowTable(data, { table: context.table, operation: context.operation });
    return prepareRows(data, schema, context, options);
  }
  checkConfig(config, context.table);
  const vectorColumn = config.vectorColumn ?? "vector";
  const metadata = getTableMetadata([{ ...config, vectorColumn }]);
  if (schema !== undefined) {
    const fields = schema.fields.some((f) => f.name === vectorColumn)
      ? schema.fields
      : [...schema.fields, new Field(vectorColumn, config.function.vectorField()[0], true)];
    return prepareRows(data, new Schema(fields, mergeMetadata(schema.metadata, metadata)), context, options);
  }
  // No schema: infer it from the rows, embed (which adds the vector column), then attach the metadata.
  let rows = toArrowTable(data, { table: context.table, operation: context.operation });
  const vectors = rows.getChild(vectorColumn);
  checkGivenWidth(rows, vectorColumn, config, context.table);
  if (vectors === null || vectors.nullCount > 0) {
    if (rows.getChild(config.sourceColumn) === null) {
      throw new InvalidArgumentError(
        `createTable("${context.table}"): the embedding function fills '${vectorColumn}' from '${config.sourceColumn}', ` +
          `but the data has no '${config.sourceColumn}' column; its columns are ${rows.schema.fields.map((f) => `'${f.name}'`).join(", ")}. ` +
          `Set sourceColumn to the column holding the text.`,
        "embeddingFunction",
      );
    }
    rows = await embedRows(rows, [{ sourceColumn: config.sourceColumn, vectorColumn, function: config.function }], context, options);
  }
  const withMetadata = new Schema(rows.schema.fields, mergeMetadata(rows.schema.metadata, metadata));
  return toArrowTable(rows, { schema: withMetadata, table: context.table, operation: context.operation });
}

/** True when the schema's metadata binds at least one embedding function (a `LanceSchema` may declare none). */
function declaresEmbeddings(schema: Schema | undefined): boolean {
  const json = schema === undefined ? undefined : readEmbeddingMetadata(schema);
  return json !== undefined && parseEmbeddingMetadata(json).length > 0;
}

/**
 * Vectors given with the first rows fix the column's width; they must have the
 * function's width, or every later embedding would be refused.
 */
function checkGivenWidth(rows: ArrowTable, vectorColumn: string, config: EmbeddingFunctionConfig, table: string): void {
  const field = rows.schema.fields.find((f) => f.name === vectorColumn);
  const dims = config.function.ndims();
  if (!field || dims === undefined || field.type.typeId !== Type.FixedSizeList) return;
  const width = (field.type as FixedSizeList).listSize;
  if (width === dims) return;
  throw new SchemaMismatchError(
    `createTable("${table}") failed: column '${vectorColumn}' is filled by an embedding function that makes ${dims}-value vectors, ` +
      `but the data gives vectors of ${width} values; give ${dims}-value vectors (from the same model), or leave '${vectorColumn}' ` +
      `out of the rows so the function fills it.`,
    { table, column: vectorColumn, expected: `${dims} values`, actual: `${width} values` },
  );
}

function checkConfig(config: EmbeddingFunctionConfig, table: string): void {
  if (typeof config !== "object" || config === null || typeof config.sourceColumn !== "string" || !config.function) {
    throw new InvalidArgumentError(
      `createTable("${table}"): embeddingFunction must be {function, sourceColumn, vectorColumn?}, ` +
        `e.g. {function: getRegistry().get("hashing")!.create(), sourceColumn: "text"}.`,
      "embeddingFunction",
    );
  }
}

function mergeMetadata(base: Map<string, string>, extra: Map<string, string>): Map<string, string> {
  return new Map([...base, ...extra]);
}

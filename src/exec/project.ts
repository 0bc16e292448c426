import {
  type Data,
  type DataType,
  Field,
  Float32,
  Int32,
  RecordBatch,
  Schema,
  Struct,
  Uint64,
  makeBuilder,
  makeData,
  util,
} from "apache-arrow";
import { ColumnNotFoundError, QuiverError } from "../errors.js";
import { checkColumns, evaluateExpression, type FilterExpr } from "../filter/index.js";
import { ProjectionNode, type QueryPlan } from "../plan/index.js";
import { takeRows } from "./take-rows.js";

/** The virtual column holding each row's id: fragment id · 2^32 + offset. */
export const ROW_ID = "_rowid";
/** The virtual column holding each vector-search result's distance. */
export const DISTANCE = "_distance";
/** The column numbering the query vectors of a multi-vector search. */
export const QUERY_INDEX = "query_index";
/** The virtual column holding each full-text result's BM25 score. */
export const SCORE = "_score";
/** The virtual column holding each hybrid result's fused relevance. */
export const RELEVANCE_SCORE = "_relevance_score";

/** One column of a query's output and where its values come from. */
export type OutputColumn =
  | { readonly kind: "table"; readonly index: number; readonly field: Field }
  | { readonly kind: "rowId"; readonly field: Field }
  | { readonly kind: "distance"; readonly field: Field }
  | { readonly kind: "queryIndex"; readonly field: Field }
  | { readonly kind: "score"; readonly field: Field }
  | { readonly kind: "expression"; readonly expr: FilterExpr; readonly sql: string; readonly field: Field };

/** What projection needs from a set of result rows; columns are built on demand. */
export interface RowSource {
  readonly length: number;
  /** Column `index` of the table, for these rows. */
  tableColumn(index: number): Data;
  rowIds(): Data;
  distances(): Data;
  queryIndexes(): Data;
  /** `_score` (full-text) or `_relevance_score` (hybrid) values; only results of those searches have them. */
  scores?(): Data;
}

/** A projection resolved against a table schema, with its output schema. */
export interface Projection {
  readonly outputs: readonly OutputColumn[];
  readonly schema: Schema;
}

const ROW_ID_FIELD = new Field(ROW_ID, new Uint64(), true);
const DISTANCE_FIELD = new Field(DISTANCE, new Float32(), true);
const SCORE_FIELD = new Field(SCORE, new Float32(), true);
const RELEVANCE_FIELD = new Field(RELEVANCE_SCORE, new Float32(), true);
const QUERY_INDEX_FIELD = new Field(QUERY_INDEX, new Int32(), false);

/** Which kind of search a plan is, as far as its output columns go. */
function searchKind(plan: QueryPlan): "scan" | "vector" | "fullText" | "hybrid" {
  if (plan.knn && plan.fts) return "hybrid";
  if (plan.fts) return "fullText";
  return plan.knn ? "vector" : "scan";
}

/**
 * Resolves the plan's projection against the table schema, checking every
 * column it names before any data is read. LanceDB's shape: the selected
 * columns in the order given (all columns by default); for a vector search
 * `_distance` is appended unless selected explicitly, and `query_index` leads
 * when there are several query vectors; a full-text search appends `_score`
 * and a hybrid search `_relevance_score` the same way; `_rowid` is appended
 * with `withRowId()` unless selected explicitly.
 */
export function resolveProjection(plan: QueryPlan, schema: Schema, tableName: string): Projection {
  const kind = searchKind(plan);
  const isVector = kind === "vector";
  const scoreField = kind === "fullText" ? SCORE_FIELD : kind === "hybrid" ? RELEVANCE_FIELD : undefined;
  const outputs: OutputColumn[] = [];
  if (isVector && plan.knn!.vectors.length > 1) outputs.push({ kind: "queryIndex", field: QUERY_INDEX_FIELD });

  const virtualNames = [ROW_ID, ...(isVector ? [DISTANCE] : []), ...(scoreField ? [scoreField.name] : [])];
  const available = [...schema.fields.map((f) => f.name), ...virtualNames];
  const has = (name: string) => schema.fields.some((f) => f.name === name);
  const evalSchema = new Schema([
    ...schema.fields,
    ...(has(ROW_ID) ? [] : [ROW_ID_FIELD]),
    ...(isVector && !has(DISTANCE) ? [DISTANCE_FIELD] : []),
    ...(scoreField && !has(scoreField.name) ? [scoreField] : []),
  ]);

  const byName = (name: string): OutputColumn | undefined => {
    const index = schema.fields.findIndex((f) => f.name === name);
    if (index >= 0) return { kind: "table", index, field: schema.fields[index]! };
    if (name === ROW_ID) return { kind: "rowId", field: ROW_ID_FIELD };
    if (name === DISTANCE && isVector) return { kind: "distance", field: DISTANCE_FIELD };
    if (scoreField && name === scoreField.name) return { kind: "score", field: scoreField };
    return undefined;
  };

  if (plan.projection === undefined) {
    schema.fields.forEach((field, index) => outputs.push({ kind: "table", index, field }));
  } else {
    for (const column of plan.projection.columns) {
      if (column.kind === "ProjectedColumnRef") {
        const out = byName(column.name);
        if (!out) throw new ColumnNotFoundError(column.name, available, tableName, "select");
        outputs.push(out);
        continue;
      }
      // `{alias: "name"}` renames a column: keep its type and metadata without evaluating anything.
      const plain = column.expr.kind === "column" && column.expr.path.length === 1 ? byName(column.expr.path[0]!) : undefined;
      if (plain) {
        outputs.push({ ...plain, field: renameField(plain.field, column.alias) } as OutputColumn);
        continue;
      }
      checkColumns(column.expr, evalSchema, { table: tableName, where: `select '${column.alias}'` });
      const type = expressionType(column.expr, evalSchema, column.sql, tableName);
      outputs.push({ kind: "expression", expr: column.expr, sql: column.sql, field: new Field(column.alias, type, true) });
    }
  }
  const listed = new Set(plan.projection?.columns.map(ProjectionNode.outputName) ?? []);
  if (isVector && !outputs.some((o) => o.kind === "distance") && !listed.has(DISTANCE)) {
    outputs.push({ kind: "distance", field: DISTANCE_FIELD });
  }
  if (scoreField && !outputs.some((o) => o.kind === "score") && !listed.has(scoreField.name)) {
    outputs.push({ kind: "score", field: scoreField });
  }
  if (plan.withRowId && !outputs.some((o) => o.kind === "rowId") && !listed.has(ROW_ID)) {
    outputs.push({ kind: "rowId", field: ROW_ID_FIELD });
  }
  return { outputs, schema: new Schema(outputs.map((o) => o.field)) };
}

function renameField(field: Field, name: string): Field {
  return field.name === name ? field : new Field(name, field.type, field.nullable, field.metadata);
}

/** The type an expression produces, found by evaluating it over zero rows. */
function expressionType(expr: FilterExpr, evalSchema: Schema, sql: string, tableName: string): DataType {
  const empty = emptyBatch(evalSchema);
  try {
    return evaluateExpression(expr, empty).type;
  } catch (error) {
    if (error instanceof QuiverError) throw error;
    throw new QuiverError(`select on table '${tableName}': the expression '${sql}' cannot be evaluated: ${String(error)}`, {
      cause: error,
    });
  }
}

/** A batch of `schema` with no rows. */
export function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => makeBuilder({ type: f.type }).finish().flush());
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }));
}

/** Builds the output batch of `projection` for `rows`. */
export function projectRows(projection: Projection, tableSchema: Schema, rows: RowSource): RecordBatch {
  let evalBatch: RecordBatch | undefined;
  const children = projection.outputs.map((output) => {
    switch (output.kind) {
      case "table":
        return rows.tableColumn(output.index);
      case "rowId":
        return rows.rowIds();
      case "distance":
        return rows.distances();
      case "queryIndex":
        return rows.queryIndexes();
      case "score":
        if (!rows.scores) throw new RangeError("these rows have no scores");
        return rows.scores();
      case "expression": {
        evalBatch ??= evaluationBatch(tableSchema, rows, projection);
        const vector = evaluateExpression(output.expr, evalBatch);
        const chunks = vector.data as Data[];
        const data =
          chunks.length === 1
            ? chunks[0]!
            : takeRows(vector.type, chunks, chunkRefs(chunks));
        if (!util.compareTypes(data.type, output.field.type) || data.length !== rows.length) {
          throw new QuiverError(
            `select: the expression '${output.sql}' gave ${data.length} values of type ${String(data.type)} ` +
              `where ${rows.length} values of type ${String(output.field.type)} were expected.`,
          );
        }
        return data;
      }
    }
  });
  return new RecordBatch(
    projection.schema,
    makeData({ type: new Struct(projection.schema.fields), length: rows.length, nullCount: 0, children }),
  );
}

/** All table columns plus `_rowid` (and `_distance` for vector results), for evaluating expressions. */
function evaluationBatch(tableSchema: Schema, rows: RowSource, projection: Projection): RecordBatch {
  const fields = [...tableSchema.fields];
  const children = tableSchema.fields.map((_, i) => rows.tableColumn(i));
  if (!tableSchema.fields.some((f) => f.name === ROW_ID)) {
    fields.push(ROW_ID_FIELD);
    children.push(rows.rowIds());
  }
  const isVector = projection.outputs.some((o) => o.kind === "distance");
  if (isVector && !tableSchema.fields.some((f) => f.name === DISTANCE)) {
    fields.push(DISTANCE_FIELD);
    children.push(rows.distances());
  }
  const score = projection.outputs.find((o) => o.kind === "score");
  if (score && rows.scores && !tableSchema.fields.some((f) => f.name === score.field.name)) {
    fields.push(score.field);
    children.push(rows.scores());
  }
  const schema = new Schema(fields);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children }));
}

function chunkRefs(chunks: readonly Data[]): { sources: Uint32Array; rows: Uint32Array } {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const sources = new Uint32Array(total);
  const rows = new Uint32Array(total);
  let at = 0;
  chunks.forEach((c, s) => {
    for (let r = 0; r < c.length; r++, at++) {
      sources[at] = s;
      rows[at] = r;
    }
  });
  return { sources, rows };
}

/** `_rowid` values for `rows` offsets of fragment `fragmentId`. */
export function makeRowIdData(fragmentId: number, offsets: ArrayLike<number>): Data {
  const n = offsets.length;
  const values = new BigUint64Array(n);
  if (LITTLE_ENDIAN) {
    const words = new Uint32Array(values.buffer);
    for (let i = 0; i < n; i++) {
      words[2 * i] = offsets[i]!;
      words[2 * i + 1] = fragmentId;
    }
  } else {
    const high = BigInt(fragmentId) << 32n;
    for (let i = 0; i < n; i++) values[i] = high | BigInt(offsets[i]!);
  }
  return makeData({ type: new Uint64(), length: n, nullCount: 0, data: values });
}

/** `_rowid` values for rows `start .. start + length` of fragment `fragmentId`. */
export function makeRowIdRange(fragmentId: number, start: number, length: number): Data {
  const offsets = new Uint32Array(length);
  for (let i = 0; i < length; i++) offsets[i] = start + i;
  return makeRowIdData(fragmentId, offsets);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

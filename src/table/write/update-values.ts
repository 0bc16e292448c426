import { sameType } from "../../arrow/same-type.js";
import { Field, Schema, type RecordBatch, type Vector } from "apache-arrow";
import { concatData } from "../../arrow/concat-batches.js";
import { toArrowTable } from "../../arrow/index.js";
import { evaluateExpression, type FilterExpr } from "../../filter/index.js";
import { replaceColumns } from "./replace-columns.js";
import type { RowUpdater } from "./update-rows.js";

/**
 * Builds the updater for `update({values})`: every selected row gets the same
 * literal per column. The literals are checked against the schema once, up front,
 * so a bad value fails before anything is written.
 */
export function literalUpdater(
  schema: Schema,
  values: ReadonlyMap<string, unknown>,
  table: string,
): RowUpdater {
  const fields = [...values.keys()].map((name) => schema.fields.find((f) => f.name === name)!);
  const partial = new Schema(fields);
  const row = Object.fromEntries(values);
  toArrowTable([row], { schema: partial, table, operation: "update" });
  return (rows) => {
    const built = toArrowTable(
      Array.from({ length: rows.numRows }, () => row),
      { schema: partial, table, operation: "update" },
    );
    return replaceColumns(rows, columnsOf(built.batches, fields));
  };
}

/**
 * Builds the updater for `update({valuesSql})`: each column's expression is
 * evaluated over the selected rows, then converted to the column's type with the
 * same checks as an add (a string for a number column is refused, not nulled).
 */
export function sqlUpdater(
  schema: Schema,
  expressions: ReadonlyMap<string, FilterExpr>,
  table: string,
): RowUpdater {
  const fields = [...expressions.keys()].map((name) => schema.fields.find((f) => f.name === name)!);
  return (rows) => {
    const replacements = new Map(
      fields.map((field) => {
        const vector = evaluateExpression(expressions.get(field.name)!, rows);
        return [field.name, castToField(vector, field, table, "update")] as const;
      }),
    );
    return replaceColumns(rows, replacements);
  };
}

/** Converts a computed vector to a field's type, through the ingest checks when the types differ. */
export function castToField(vector: Vector, field: Field, table: string, operation: string) {
  if (sameType(vector.type, field.type) && vector.data.length === 1) return vector.data[0]!;
  const rows: Record<string, unknown>[] = new Array(vector.length);
  const integer64 = field.type.typeId === 2 && (field.type as { bitWidth?: number }).bitWidth === 64;
  for (let i = 0; i < vector.length; i++) {
    let value: unknown = vector.get(i);
    if (integer64 && typeof value === "number" && Number.isInteger(value)) value = BigInt(value);
    else if (!integer64 && typeof value === "bigint") value = Number(value);
    rows[i] = { [field.name]: value };
  }
  const built = toArrowTable(rows, { schema: new Schema([field]), table, operation });
  return columnsOf(built.batches, [field]).get(field.name)!;
}

function columnsOf(batches: readonly RecordBatch[], fields: readonly Field[]) {
  // toArrowTable may return several batches; callers need one Data per column.
  const batch = batches.length === 1 ? batches[0]! : undefined;
  return new Map(
    fields.map((field, i) => {
      if (batch) return [field.name, batch.data.children[i]!] as const;
      const column = batches.map((b) => b.data.children[i]!);
      return [field.name, concatData(field.type, column)] as const;
    }),
  );
}

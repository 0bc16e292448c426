import type { Field, Schema } from "apache-arrow";
import { ColumnNotFoundError } from "../errors.js";

/** The field named `name`, or a ColumnNotFoundError that lists the table's columns. */
export function requireColumn(schema: Schema, name: string, table: string, where: string): Field {
  const field = schema.fields.find((f) => f.name === name);
  if (!field) throw new ColumnNotFoundError(String(name), schema.fields.map((f) => f.name), table, where);
  return field;
}

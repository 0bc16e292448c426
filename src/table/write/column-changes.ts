import { Field, Schema } from "apache-arrow";
import { adoptField, adoptSchema, isArrowField, isArrowSchema } from "../../arrow/index.js";
import { InvalidArgumentError, NotSupportedError } from "../../errors.js";
import { emptyBatch } from "../../exec/project.js";
import { checkColumns, evaluateExpression, parseExpression, type FilterExpr } from "../../filter/index.js";
import type { Manifest } from "../../storage/manifest.js";
import type { TableStorage } from "../../storage/table-storage.js";
import { requireColumn } from "../require-column.js";
import type { ColumnAlteration, NewColumns } from "../table-types.js";
import { rewriteFragments } from "./rewrite-fragments.js";
import { appendComputedColumns, reshapeBatch, resolveNewType } from "./schema-changes.js";

// The column verbs of a table: each validates its arguments against the latest schema first,
// then commits (re-planned on the new latest if another writer wins the race).

/** Adds columns computed by SQL (or all-null columns from fields), rewriting every fragment in one commit. */
export async function addColumns(storage: TableStorage, newColumnTransforms: NewColumns): Promise<Manifest> {
  const table = storage.tableName;
  const base = await storage.readLatest();
  const computed = new Map<string, FilterExpr | null>();
  const explicitFields = new Map<string, Field>();
  for (const item of normalizeNewColumns(table, newColumnTransforms)) {
    const name = item instanceof Field ? item.name : item.name;
    if (typeof name !== "string" || name === "") {
      throw new InvalidArgumentError(`addColumns on table '${table}': every new column needs a non-empty name.`, "name");
    }
    if (base.schema.fields.some((f) => f.name === name) || computed.has(name)) {
      throw new InvalidArgumentError(
        `addColumns on table '${table}': column '${name}' already exists; choose another name or drop it first.`,
        "name",
      );
    }
    if (item instanceof Field) {
      if (!item.nullable) {
        throw new InvalidArgumentError(
          `addColumns on table '${table}': new column '${name}' must be nullable, because existing rows get null in it.`,
          "name",
        );
      }
      computed.set(name, null);
      explicitFields.set(name, item);
    } else {
      if (typeof item.valueSql !== "string" || item.valueSql.trim() === "") {
        throw new InvalidArgumentError(
          `addColumns on table '${table}': column '${name}' needs valueSql, an SQL expression such as "price * 2".`,
          "valueSql",
        );
      }
      const expr = parseExpression(item.valueSql);
      checkColumns(expr, base.schema, { table: table, where: "addColumns" });
      computed.set(name, expr);
    }
  }
  const manifest = await rewriteFragments(
    storage,
    (latest) => {
      const probe = emptyBatch(latest.schema);
      const added = [...computed].map(([name, expr]) => {
        if (!expr) return explicitFields.get(name)!;
        return new Field(name, evaluateExpression(expr, probe).type, true);
      });
      return new Schema([...latest.schema.fields, ...added], latest.schema.metadata);
    },
    (batch, schema) => appendComputedColumns(batch, schema, computed, table),
    { operation: "addColumns", columns: [...computed.keys()].join(",") },
  );
  return manifest;
}

/** Renames, casts within a family, or makes nullable; rewrites every fragment in one commit. */
export async function alterColumns(storage: TableStorage, columnAlterations: ColumnAlteration[]): Promise<Manifest> {
  const table = storage.tableName;
  if (!Array.isArray(columnAlterations) || columnAlterations.length === 0) {
    throw new InvalidArgumentError(`alterColumns on table '${table}' takes a non-empty list of {path, rename?, dataType?, nullable?}.`, "columnAlterations");
  }
  const base = await storage.readLatest();
  const byPath = new Map<string, ColumnAlteration>();
  for (const alteration of columnAlterations) {
    if (alteration.path?.includes(".")) {
      throw new NotSupportedError(`alterColumns on table '${table}': nested column '${alteration.path}' cannot be altered yet; alter top-level columns.`);
    }
    const field = requireColumn(base.schema, alteration.path, table, "alterColumns");
    if (alteration.nullable === false && field.nullable) {
      throw new InvalidArgumentError(
        `alterColumns on table '${table}': column '${field.name}' is nullable and cannot be made non-nullable.`,
        "nullable",
      );
    }
    if (alteration.dataType !== undefined) resolveNewType(table, field, alteration.dataType);
    byPath.set(alteration.path, alteration);
  }
  const plan = (schema: Schema) => {
    const fields = schema.fields.map((field) => {
      const alteration = byPath.get(field.name);
      if (!alteration) return field;
      const type = alteration.dataType === undefined ? field.type : resolveNewType(table, field, alteration.dataType);
      return new Field(alteration.rename ?? field.name, type, alteration.nullable ?? field.nullable, field.metadata);
    });
    const names = fields.map((f) => f.name);
    const clash = names.find((n, i) => names.indexOf(n) !== i);
    if (clash !== undefined) {
      throw new InvalidArgumentError(
        `alterColumns on table '${table}': renaming would give two columns the name '${clash}'; choose another name.`,
        "rename",
      );
    }
    return { schema: new Schema(fields, schema.metadata), oldNames: schema.fields.map((f) => f.name) };
  };
  plan(base.schema);
  const manifest = await rewriteFragments(
    storage,
    (latest) => plan(latest.schema).schema,
    (batch, schema) => reshapeBatch(batch, schema, plan(batch.schema).oldNames, table),
    { operation: "alterColumns", columns: [...byPath.keys()].join(",") },
    // An index follows its column through a rename.
    (latest) => latest.indices.map((index) => {
      const rename = byPath.get(index.column)?.rename;
      return rename === undefined ? index : Object.freeze({ ...index, column: rename });
    }),
  );
  return manifest;
}

/** Removes columns from the schema in one commit (no data is rewritten). */
export async function dropColumns(storage: TableStorage, columnNames: string[]): Promise<Manifest> {
  const table = storage.tableName;
  if (!Array.isArray(columnNames) || columnNames.length === 0) {
    throw new InvalidArgumentError(`dropColumns on table '${table}' takes a non-empty list of column names.`, "columnNames");
  }
  const check = (schema: Schema) => {
    for (const name of columnNames) {
      if (typeof name === "string" && name.includes(".")) {
        throw new NotSupportedError(`dropColumns on table '${table}': nested column '${name}' cannot be dropped yet.`);
      }
      requireColumn(schema, name, table, "dropColumns");
    }
    const remaining = schema.fields.filter((f) => !columnNames.includes(f.name));
    if (remaining.length === 0) {
      throw new InvalidArgumentError(
        `dropColumns on table '${table}': dropping ${columnNames.join(", ")} would leave no columns; drop the table instead.`,
        "columnNames",
      );
    }
    return new Schema(remaining, schema.metadata);
  };
  check((await storage.readLatest()).schema);
  // Files keep the dropped columns; readers take columns by name, so no data is rewritten.
  const manifest = await storage.commit(async (latest) => {
    const base = storage.requireBase(latest);
    return {
      draft: {
        schema: check(base.schema),
        fragments: base.fragments,
        nextFragmentId: base.nextFragmentId,
        metadata: { operation: "dropColumns", columns: columnNames.join(",") },
      },
    };
  });
  return manifest;
}

function normalizeNewColumns(table: string, input: NewColumns): (Field | { name: string; valueSql: string })[] {
  if (isArrowSchema(input)) return adoptSchema(input).fields;
  if (isArrowField(input)) return [adoptField(input)];
  if (Array.isArray(input) && input.length > 0) {
    return input.map((item) => (isArrowField(item) ? adoptField(item) : (item as { name: string; valueSql: string })));
  }
  throw new InvalidArgumentError(
    `addColumns on table '${table}' takes [{name, valueSql}], an Arrow Field, Field[] or Schema; got ${JSON.stringify(input)}.`,
    "newColumnTransforms",
  );
}

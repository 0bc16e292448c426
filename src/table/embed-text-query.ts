import { Type, type FixedSizeList } from "apache-arrow";
import { embedQuery } from "../embedding/embed-query.js";
import { requireEmbeddingFunction, resolveEmbeddingFunctions } from "../embedding/resolve-functions.js";
import { InvalidArgumentError, NotSupportedError, formatList } from "../errors.js";
import type { DeferredVectorContext, FullTextFallback, ResolvedQueryVector } from "../plan/index.js";

/**
 * How a text query was asked for: "auto" falls back to a full-text search on a
 * table without an embedding function (LanceDB's auto mode); "vector" and
 * "hybrid" need the embedding function.
 */
export type TextQueryMode = "auto" | "vector" | "hybrid";

/**
 * The resolver of a text query: at execution it finds the embedding function
 * bound to the searched vector column (the one chosen with `.column()`, or the
 * table's only embedded column) and embeds the text with it. LanceDB always
 * takes the first function; choosing by column lets a table hold several.
 * On a table without embedding functions, "auto" answers with a full-text
 * fallback instead of a vector.
 */
export function embedTextQuery(
  tableName: string,
  text: string,
  mode: TextQueryMode = "auto",
  ftsColumns?: readonly string[],
): (context: DeferredVectorContext) => Promise<ResolvedQueryVector | FullTextFallback> {
  return async ({ schema, column }) => {
    const columns = await resolveEmbeddingFunctions(schema, { table: tableName });
    if (columns.size === 0) {
      if (mode === "auto") {
        if (text.trim() === "") {
          throw new InvalidArgumentError(`search(${JSON.stringify(text)}) on table '${tableName}': the query text is empty; pass the words to search for.`, "query");
        }
        return { kind: "FullTextFallback", text, ...(ftsColumns ? { columns: ftsColumns } : {}) };
      }
      const fix =
        mode === "hybrid"
          ? `Hybrid search needs both an embedding function and a full-text index: create the table with ` +
            `{embeddingFunction: {function, sourceColumn}}, or pass a vector: query().nearestTo(vector).fullTextSearch(text).`
          : `Create the table with an embedding function (createTable(name, data, {embeddingFunction: {function, sourceColumn}})) ` +
            `to search by meaning, search with a vector (table.search([0.1, ...])), or search the words with search(text, "fts").`;
      throw new NotSupportedError(
        `search("${text}", "${mode}") on table '${tableName}': the table has no embedding function, so the text cannot be turned into a vector. ${fix}`,
      );
    }
    let entry;
    if (column !== undefined) {
      entry = columns.get(column);
      if (!entry) {
        throw new InvalidArgumentError(
          `search("${text}") on table '${tableName}': column '${column}' has no embedding function to embed the text with; ` +
            `the columns that have one are ${formatList([...columns.keys()])}. Choose one with .column(name), ` +
            `or pass a vector to search '${column}'.`,
          "column",
        );
      }
    } else if (columns.size === 1) {
      entry = [...columns.values()][0]!;
    } else {
      throw new InvalidArgumentError(
        `search("${text}") on table '${tableName}': ${columns.size} vector columns have embedding functions ` +
          `(${formatList([...columns.keys()])}); choose the one to search with .column(name).`,
        "column",
      );
    }
    const field = schema.fields.find((f) => f.name === entry.vectorColumn);
    const width = field?.type.typeId === Type.FixedSizeList ? (field.type as FixedSizeList).listSize : undefined;
    const values = await embedQuery(requireEmbeddingFunction(entry), text, {
      table: tableName,
      vectorColumn: entry.vectorColumn,
      expectedWidth: width,
    });
    return { values, column: entry.vectorColumn };
  };
}

import { isNode } from "./filter-node.js";

/** How the clauses of a boolean full-text query take part (LanceDB's `Occur` values). */
export type FtsOccur = "MUST" | "SHOULD" | "MUST_NOT";

/** How the terms of a match query combine (LanceDB's `Operator` values). */
export type FtsOperator = "AND" | "OR";

/**
 * Documents containing the terms of `text` (any of them with "OR", all with
 * "AND"), scored by BM25. With `fuzziness` > 0 each term also matches index
 * terms within that many edits.
 *
 * @internal
 */
export interface FtsMatchNode {
  readonly kind: "FtsMatch";
  readonly text: string;
  /** The column to search; absent: the search's columns. */
  readonly column?: string;
  readonly boost: number;
  readonly fuzziness: number;
  readonly maxExpansions: number;
  readonly operator: FtsOperator;
  /** Leading characters a fuzzy expansion must share with the term. */
  readonly prefixLength: number;
}

/** Documents containing the tokens of `text` in order, at most `slop` extra positions apart. @internal */
export interface FtsPhraseNode {
  readonly kind: "FtsPhrase";
  readonly text: string;
  readonly column?: string;
  readonly slop: number;
}

/** Clauses that must, should or must not match. @internal */
export interface FtsBooleanNode {
  readonly kind: "FtsBoolean";
  readonly clauses: readonly { readonly occur: FtsOccur; readonly query: FtsQueryNode }[];
}

/** A match query over several columns, each with its boost; scores add up. @internal */
export interface FtsMultiMatchNode {
  readonly kind: "FtsMultiMatch";
  readonly text: string;
  readonly columns: readonly string[];
  readonly boosts: readonly number[];
  readonly operator: FtsOperator;
}

/** @internal */
export type FtsQueryNode = FtsMatchNode | FtsPhraseNode | FtsBooleanNode | FtsMultiMatchNode;

/**
 * The full-text part of a plan: the query, the columns to search where the
 * query names none, and where the search came from.
 *
 * @internal
 */
export interface FullTextNode {
  readonly kind: "FullTextNode";
  readonly query: FtsQueryNode;
  /** Columns for query parts that name none; absent: every column with a full-text index. */
  readonly columns?: readonly string[];
  /** The query as text: handed to rerankers and shown by explainPlan. */
  readonly text: string;
  /** "auto": a text query on a table without an embedding function became this search. */
  readonly origin: "explicit" | "auto";
}

/** @internal */
export const FullTextNode = Object.freeze({
  is(node: unknown): node is FullTextNode {
    return isNode(node, "FullTextNode");
  },

  create(query: FtsQueryNode, options: { columns?: readonly string[]; origin?: "explicit" | "auto"; text?: string } = {}): FullTextNode {
    return Object.freeze({
      kind: "FullTextNode",
      query,
      ...(options.columns ? { columns: Object.freeze([...options.columns]) } : {}),
      text: options.text ?? describeQueryText(query),
      origin: options.origin ?? "explicit",
    });
  },

  createMatch(text: string, options: Partial<Omit<FtsMatchNode, "kind" | "text">> = {}): FtsMatchNode {
    return Object.freeze({
      kind: "FtsMatch",
      text,
      ...(options.column === undefined ? {} : { column: options.column }),
      boost: options.boost ?? 1,
      fuzziness: options.fuzziness ?? 0,
      maxExpansions: options.maxExpansions ?? 50,
      operator: options.operator ?? "OR",
      prefixLength: options.prefixLength ?? 0,
    });
  },

  createPhrase(text: string, options: { column?: string; slop?: number } = {}): FtsPhraseNode {
    return Object.freeze({
      kind: "FtsPhrase",
      text,
      ...(options.column === undefined ? {} : { column: options.column }),
      slop: options.slop ?? 0,
    });
  },

  createBoolean(clauses: readonly { occur: FtsOccur; query: FtsQueryNode }[]): FtsBooleanNode {
    return Object.freeze({ kind: "FtsBoolean", clauses: Object.freeze(clauses.map((c) => Object.freeze({ ...c }))) });
  },

  createMultiMatch(text: string, columns: readonly string[], boosts: readonly number[], operator: FtsOperator): FtsMultiMatchNode {
    return Object.freeze({ kind: "FtsMultiMatch", text, columns: Object.freeze([...columns]), boosts: Object.freeze([...boosts]), operator });
  },

  /**
   * The query of a plain text search: a text wholly in double quotes is a
   * phrase; quoted parts of a longer text are phrases beside the other words
   * (any may match); otherwise every word may match.
   */
  fromText(text: string): FtsQueryNode {
    const trimmed = text.trim();
    const quotes = (trimmed.match(/"/g) ?? []).length;
    if (quotes < 2 || quotes % 2 !== 0) return FullTextNode.createMatch(text);
    const phrases: string[] = [];
    const rest = trimmed.replace(/"([^"]*)"/g, (_, phrase: string) => {
      if (phrase.trim() !== "") phrases.push(phrase);
      return " ";
    });
    const clauses: { occur: FtsOccur; query: FtsQueryNode }[] = phrases.map((p) => ({ occur: "SHOULD", query: FullTextNode.createPhrase(p) }));
    if (rest.trim() !== "") clauses.push({ occur: "SHOULD", query: FullTextNode.createMatch(rest.trim()) });
    if (clauses.length === 1) return clauses[0]!.query;
    if (clauses.length === 0) return FullTextNode.createMatch(text);
    return FullTextNode.createBoolean(clauses);
  },

  /** A one-line description for explainPlan. */
  describe(query: FtsQueryNode): string {
    switch (query.kind) {
      case "FtsMatch": {
        const options = [
          ...(query.column ? [`column=${query.column}`] : []),
          ...(query.operator !== "OR" ? [`operator=${query.operator}`] : []),
          ...(query.fuzziness > 0 ? [`fuzziness=${query.fuzziness}`] : []),
          ...(query.boost !== 1 ? [`boost=${query.boost}`] : []),
        ];
        return `match(${JSON.stringify(query.text)}${options.map((o) => `, ${o}`).join("")})`;
      }
      case "FtsPhrase":
        return `phrase(${JSON.stringify(query.text)}${query.column ? `, column=${query.column}` : ""}${query.slop > 0 ? `, slop=${query.slop}` : ""})`;
      case "FtsMultiMatch":
        return `multi_match(${JSON.stringify(query.text)}, columns=[${query.columns.join(", ")}])`;
      case "FtsBoolean":
        return `boolean(${query.clauses.map((c) => `${c.occur} ${FullTextNode.describe(c.query)}`).join(", ")})`;
    }
  },
});

/** The words of a query, for rerankers (LanceDB hands them the query string). */
function describeQueryText(query: FtsQueryNode): string {
  switch (query.kind) {
    case "FtsMatch":
    case "FtsMultiMatch":
      return query.text;
    case "FtsPhrase":
      return `"${query.text}"`;
    case "FtsBoolean":
      return query.clauses
        .filter((c) => c.occur !== "MUST_NOT")
        .map((c) => describeQueryText(c.query))
        .join(" ");
  }
}

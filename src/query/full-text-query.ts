import { InvalidArgumentError } from "../errors.js";
import { type FtsOccur, type FtsOperator, type FtsQueryNode, FullTextNode } from "../plan/index.js";
import { describeValue, requireInteger, requireNonEmptyString } from "./validate-arguments.js";

/** The kinds of full-text query (LanceDB's `FullTextQueryType`). */
export enum FullTextQueryType {
  Match = "match",
  MatchPhrase = "match_phrase",
  Boost = "boost",
  MultiMatch = "multi_match",
  Boolean = "boolean",
}

/** How the terms of a match query combine: `And`, every term must match; `Or` (default), any term. */
export enum Operator {
  And = "AND",
  Or = "OR",
}

/** How a clause of a {@link BooleanQuery} takes part: must, should or must not match. */
export enum Occur {
  Should = "SHOULD",
  Must = "MUST",
  MustNot = "MUST_NOT",
}

/**
 * A structured full-text query, for `fullTextSearch(query)` and
 * `search(query, "fts")` (LanceDB's `FullTextQuery`). Plain text works too:
 * `fullTextSearch("red shoes")` is a match query on the searched columns, and
 * text in double quotes is a phrase.
 */
export interface FullTextQuery {
  /**
   * The query as Quiver runs it (a frozen plan node).
   *
   * @ignore
   */
  readonly inner: FtsQueryNode;
  /** The kind of query. */
  queryType(): FullTextQueryType;
}

/** True for the query objects of this module (and look-alikes with a query node inside). */
export function instanceOfFullTextQuery(obj: unknown): obj is FullTextQuery {
  if (typeof obj !== "object" || obj === null) return false;
  const inner = (obj as { inner?: unknown }).inner;
  const kind = typeof inner === "object" && inner !== null ? (inner as { kind?: unknown }).kind : undefined;
  return (
    typeof (obj as { queryType?: unknown }).queryType === "function" &&
    (kind === "FtsMatch" || kind === "FtsPhrase" || kind === "FtsBoolean" || kind === "FtsMultiMatch")
  );
}

/**
 * Rows whose `column` contains the words of `query`, ranked by BM25.
 *
 * @example
 * table.search(new MatchQuery("vector datbase", "text", { fuzziness: 1, operator: Operator.And }), "fts");
 */
export class MatchQuery implements FullTextQuery {
  /** @ignore */
  readonly inner: FtsQueryNode;

  /**
   * @param query - the words to find.
   * @param column - the column to search (it needs a full-text index).
   * @param options - `boost` multiplies the score (default 1); `fuzziness`
   *   lets each word match index terms up to that many edits away (0, 1 or 2;
   *   default 0); `maxExpansions` caps the terms one word expands to (default
   *   50); `operator` Or (default, any word) or And (every word);
   *   `prefixLength` leading characters a fuzzy match keeps unchanged.
   */
  constructor(
    query: string,
    column: string,
    options?: { boost?: number; fuzziness?: number; maxExpansions?: number; operator?: Operator; prefixLength?: number },
  ) {
    const text = requireNonEmptyString("MatchQuery", "query", query, "Pass the words to search for.");
    const col = requireNonEmptyString("MatchQuery", "column", column, "Pass the name of a column with a full-text index.");
    const o = options ?? {};
    const fuzziness = o.fuzziness === undefined ? 0 : requireInteger("MatchQuery", "fuzziness", o.fuzziness, 0, "Pass 0, 1 or 2 edits.");
    if (fuzziness > 2) {
      throw new InvalidArgumentError(`MatchQuery: fuzziness must be 0, 1 or 2 edits, got ${fuzziness}; larger values match almost any word.`, "fuzziness");
    }
    this.inner = FullTextNode.createMatch(text, {
      column: col,
      boost: checkBoost("MatchQuery", o.boost),
      fuzziness,
      maxExpansions: o.maxExpansions === undefined ? 50 : requireInteger("MatchQuery", "maxExpansions", o.maxExpansions, 1, "Pass how many terms a word may expand to, e.g. 50."),
      operator: checkOperator("MatchQuery", o.operator),
      prefixLength: o.prefixLength === undefined ? 0 : requireInteger("MatchQuery", "prefixLength", o.prefixLength, 0, "Pass a number of leading characters, e.g. 1."),
    });
  }

  queryType(): FullTextQueryType {
    return FullTextQueryType.Match;
  }
}

/**
 * Rows whose `column` contains the words of `query` in that order. Needs an
 * index built with positions (`Index.fts({withPosition: true})`, the default).
 *
 * @example
 * table.search(new PhraseQuery("exact nearest neighbours", "text", { slop: 1 }), "fts");
 */
export class PhraseQuery implements FullTextQuery {
  /** @ignore */
  readonly inner: FtsQueryNode;

  /**
   * @param query - the phrase.
   * @param column - the column to search.
   * @param options - `slop`: how many positions, in all, the words may be
   *   displaced from the query's spacing (default 0: exactly as written).
   */
  constructor(query: string, column: string, options?: { slop?: number }) {
    const text = requireNonEmptyString("PhraseQuery", "query", query, "Pass the phrase to search for.");
    const col = requireNonEmptyString("PhraseQuery", "column", column, "Pass the name of a column with a full-text index.");
    const slop = options?.slop === undefined ? 0 : requireInteger("PhraseQuery", "slop", options.slop, 0, "Pass how many positions the words may move, e.g. 1.");
    this.inner = FullTextNode.createPhrase(text, { column: col, slop });
  }

  queryType(): FullTextQueryType {
    return FullTextQueryType.MatchPhrase;
  }
}

/**
 * A match query over several columns; each column's score is multiplied by its
 * boost and the scores add up.
 *
 * @example
 * table.search(new MultiMatchQuery("rust async", ["title", "body"], { boosts: [2, 1] }), "fts");
 */
export class MultiMatchQuery implements FullTextQuery {
  /** @ignore */
  readonly inner: FtsQueryNode;

  constructor(query: string, columns: string[], options?: { boosts?: number[]; operator?: Operator }) {
    const text = requireNonEmptyString("MultiMatchQuery", "query", query, "Pass the words to search for.");
    if (!Array.isArray(columns) || columns.length === 0) {
      throw new InvalidArgumentError(`MultiMatchQuery: columns must be a non-empty array of column names, got ${describeValue(columns)}.`, "columns");
    }
    const cols = columns.map((c) => requireNonEmptyString("MultiMatchQuery", "columns", c, "Pass column names with full-text indexes."));
    const boosts = options?.boosts ?? cols.map(() => 1);
    if (!Array.isArray(boosts) || boosts.length !== cols.length) {
      throw new InvalidArgumentError(
        `MultiMatchQuery: boosts must give one number per column (${cols.length}), got ${describeValue(boosts)}.`,
        "boosts",
      );
    }
    this.inner = FullTextNode.createMultiMatch(text, cols, boosts.map((b) => checkBoost("MultiMatchQuery", b)), checkOperator("MultiMatchQuery", options?.operator));
  }

  queryType(): FullTextQueryType {
    return FullTextQueryType.MultiMatch;
  }
}

/**
 * Combines queries: rows must match every `Must` clause (or, without any, at
 * least one `Should` clause) and no `MustNot` clause; the scores of `Must` and
 * `Should` clauses add up.
 *
 * @example
 * new BooleanQuery([
 *   [Occur.Must, new MatchQuery("database", "text")],
 *   [Occur.Should, new PhraseQuery("vector search", "text")],
 *   [Occur.MustNot, new MatchQuery("deprecated", "text")],
 * ]);
 */
export class BooleanQuery implements FullTextQuery {
  /** @ignore */
  readonly inner: FtsQueryNode;

  constructor(queries: [Occur, FullTextQuery][]) {
    if (!Array.isArray(queries) || queries.length === 0) {
      throw new InvalidArgumentError(`BooleanQuery: expected a non-empty array of [Occur, query] pairs, got ${describeValue(queries)}.`, "queries");
    }
    const clauses = queries.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new InvalidArgumentError(`BooleanQuery: clause ${i} must be an [Occur, query] pair, got ${describeValue(pair)}.`, "queries");
      }
      const [occur, query] = pair;
      if (occur !== Occur.Must && occur !== Occur.Should && occur !== Occur.MustNot) {
        throw new InvalidArgumentError(
          `BooleanQuery: clause ${i} has occur ${describeValue(occur)}; use Occur.Must, Occur.Should or Occur.MustNot.`,
          "queries",
        );
      }
      if (!instanceOfFullTextQuery(query)) {
        throw new InvalidArgumentError(
          `BooleanQuery: clause ${i} must hold a MatchQuery, PhraseQuery, MultiMatchQuery or BooleanQuery, got ${describeValue(query)}.`,
          "queries",
        );
      }
      return { occur: occur as FtsOccur, query: query.inner };
    });
    this.inner = FullTextNode.createBoolean(clauses);
  }

  queryType(): FullTextQueryType {
    return FullTextQueryType.Boolean;
  }
}

/**
 * The full-text node of `fullTextSearch(query, {columns})`: plain text
 * (quoted parts are phrases) or a query object, with the columns to search
 * where the query names none.
 *
 * @internal
 */
export function toFullTextNode(method: string, query: unknown, columns: unknown): FullTextNode {
  const names = toColumnList(method, columns);
  if (typeof query === "string") {
    const text = requireNonEmptyString(method, "query", query, 'Pass the words to search for, e.g. fullTextSearch("vector database").');
    return FullTextNode.create(FullTextNode.fromText(text), { columns: names, text });
  }
  if (instanceOfFullTextQuery(query)) return FullTextNode.create(query.inner, { columns: names });
  throw new InvalidArgumentError(
    `${method}(${describeValue(query)}): expected text or a full-text query (MatchQuery, PhraseQuery, MultiMatchQuery, BooleanQuery).`,
    "query",
  );
}

function toColumnList(method: string, columns: unknown): string[] | undefined {
  if (columns === undefined || columns === null) return undefined;
  const list = typeof columns === "string" ? [columns] : columns;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidArgumentError(`${method}: columns must be a column name or a non-empty array of them, got ${describeValue(columns)}.`, "columns");
  }
  return list.map((c) => requireNonEmptyString(method, "columns", c, "Pass names of columns with a full-text index."));
}

function checkBoost(method: string, boost: unknown): number {
  if (boost === undefined) return 1;
  if (typeof boost !== "number" || !Number.isFinite(boost) || boost < 0) {
    throw new InvalidArgumentError(`${method}: boost must be a finite number ≥ 0, got ${describeValue(boost)}.`, "boost");
  }
  return boost;
}

function checkOperator(method: string, operator: unknown): FtsOperator {
  if (operator === undefined) return "OR";
  const upper = typeof operator === "string" ? operator.toUpperCase() : operator;
  if (upper !== "AND" && upper !== "OR") {
    throw new InvalidArgumentError(`${method}: operator must be Operator.And or Operator.Or, got ${describeValue(operator)}.`, "operator");
  }
  return upper;
}

import { InvalidArgumentError } from "../../errors.js";
import type { FtsMatchNode, FtsPhraseNode, FtsQueryNode } from "../../plan/full-text-node.js";
import { bm25Idf, bm25Weight } from "./bm25.js";
import type { FtsCorpus } from "./fts-corpus.js";
import { expandFuzzy } from "./fuzzy-terms.js";
import { countPhraseMatches } from "./phrase-match.js";
import {
  NO_ROWS,
  type RowScores,
  addScores,
  intersectScores,
  rowKey,
  scaleScores,
  subtractRows,
  unionScores,
} from "./row-scores.js";

/** What evaluating a query needs: the searched columns' corpora. */
export interface FtsQueryContext {
  /** The table's name, for messages. */
  readonly table: string;
  /** Columns searched by query parts that name none. */
  readonly defaultColumns: readonly string[];
  /** The corpus of a column (loaded beforehand, see {@link ftsQueryColumns}). */
  corpus(column: string): FtsCorpus;
}

/** Every column a query reads, given the columns of the parts that name none. */
export function ftsQueryColumns(node: FtsQueryNode, defaultColumns: readonly string[]): string[] {
  const out = new Set<string>();
  const visit = (n: FtsQueryNode): void => {
    switch (n.kind) {
      case "FtsMatch":
      case "FtsPhrase":
        for (const c of n.column !== undefined ? [n.column] : defaultColumns) out.add(c);
        return;
      case "FtsMultiMatch":
        for (const c of n.columns) out.add(c);
        return;
      case "FtsBoolean":
        for (const clause of n.clauses) visit(clause.query);
    }
  };
  visit(node);
  return [...out];
}

/**
 * Scores the rows matching a full-text query (BM25; see bm25.ts).
 *
 * - match: the query text is tokenized like the column; each distinct term
 *   (and, with fuzziness, each index term within that many edits) adds its
 *   BM25 weight; "OR" keeps rows with any term, "AND" rows with all; times boost.
 * - phrase: rows where the terms appear in order (see phrase-match.ts); scored
 *   as one term whose idf is the sum of the terms' idfs and whose frequency is
 *   the number of occurrences of the phrase. Needs positions.
 * - boolean: rows matching every MUST clause (or, with none, any SHOULD
 *   clause) and no MUST_NOT clause; scores of MUST and SHOULD clauses add up.
 *   A query of MUST_NOT clauses only matches nothing.
 * - multi-match: a match on each column, times that column's boost, added up.
 *
 * A part naming no column searches every default column and adds the scores.
 */
export function evaluateFtsQuery(node: FtsQueryNode, context: FtsQueryContext): RowScores {
  switch (node.kind) {
    case "FtsMatch":
      return onColumns(node.column, context, (corpus) => scaleScores(matchScores(corpus, node), node.boost));
    case "FtsPhrase":
      return onColumns(node.column, context, (corpus) => phraseScores(corpus, node, context.table));
    case "FtsMultiMatch":
      return node.columns.reduce((acc, column, i) => {
        const corpus = context.corpus(column);
        const match = { kind: "FtsMatch", text: node.text, boost: 1, fuzziness: 0, maxExpansions: 50, operator: node.operator, prefixLength: 0 } as const;
        return unionScores(acc, scaleScores(matchScores(corpus, match), node.boosts[i] ?? 1));
      }, NO_ROWS);
    case "FtsBoolean": {
      const must: RowScores[] = [];
      const should: RowScores[] = [];
      let mustNot: RowScores = NO_ROWS;
      for (const clause of node.clauses) {
        const scores = evaluateFtsQuery(clause.query, context);
        if (clause.occur === "MUST") must.push(scores);
        else if (clause.occur === "SHOULD") should.push(scores);
        else mustNot = unionScores(mustNot, scores);
      }
      let result: RowScores;
      if (must.length > 0) {
        result = must.reduce((acc, s) => intersectScores(acc, s));
        for (const s of should) result = addScores(result, s);
      } else {
        result = should.reduce((acc, s) => unionScores(acc, s), NO_ROWS);
      }
      return subtractRows(result, mustNot);
    }
  }
}

function onColumns(column: string | undefined, context: FtsQueryContext, score: (corpus: FtsCorpus) => RowScores): RowScores {
  const columns = column !== undefined ? [column] : context.defaultColumns;
  return columns.reduce((acc, c) => unionScores(acc, score(context.corpus(c))), NO_ROWS);
}

function matchScores(corpus: FtsCorpus, node: FtsMatchNode): RowScores {
  const terms = [...new Set(corpus.tokenizer.tokenize(node.text).terms)];
  if (terms.length === 0) return NO_ROWS;
  const perTerm = terms.map((term) => {
    const expansions = node.fuzziness > 0 ? expandFuzzy(corpus, term, node) : [term];
    return expansions.reduce((acc, t) => unionScores(acc, termScores(corpus, t)), NO_ROWS);
  });
  return node.operator === "AND" ? perTerm.reduce((acc, s) => intersectScores(acc, s)) : perTerm.reduce((acc, s) => unionScores(acc, s));
}

/** BM25 weights of one term in every live document containing it. */
export function termScores(corpus: FtsCorpus, term: string): RowScores {
  const df = corpus.docFreq(term);
  if (df === 0) return NO_ROWS;
  const idf = bm25Idf(df, corpus.docCount);
  const avg = corpus.avgDocLength;
  const keys = new Float64Array(df);
  const scores = new Float64Array(df);
  let n = 0;
  let sorted = true;
  for (const { segment, live } of corpus.views) {
    const t = segment.termId(term);
    if (t < 0) continue;
    const { docFragment, docOffset, docLength } = segment.data;
    const { docs, freqs } = segment.postingsOf(t);
    for (let p = 0; p < docs.length; p++) {
      const d = docs[p]!;
      if (live !== null && live[d] !== 1) continue;
      const key = rowKey(docFragment[d]!, docOffset[d]!);
      if (n > 0 && key < keys[n - 1]!) sorted = false;
      keys[n] = key;
      scores[n++] = bm25Weight(idf, freqs[p]!, docLength[d]!, avg);
    }
  }
  const found = { keys: keys.subarray(0, n), scores: scores.subarray(0, n) };
  return sorted ? found : sortByKey(found.keys, found.scores);
}

function phraseScores(corpus: FtsCorpus, node: FtsPhraseNode, table: string): RowScores {
  const { terms, positions } = corpus.tokenizer.tokenize(node.text);
  if (terms.length === 0) return NO_ROWS;
  if (terms.length === 1) return termScores(corpus, terms[0]!);
  if (!corpus.hasPositions) {
    throw new InvalidArgumentError(
      `phrase query "${node.text}" on column '${corpus.column}' of table '${table}': the full-text index '${corpus.indexName}' ` +
        `was built without positions (withPosition: false), and phrase queries need them. Recreate it with positions: ` +
        `await table.createIndex("${corpus.column}", {config: Index.fts({withPosition: true})}), or search the words without quotes.`,
      "query",
    );
  }
  let idfSum = 0;
  for (const term of new Set(terms)) {
    const df = corpus.docFreq(term);
    if (df === 0) return NO_ROWS;
    idfSum += bm25Idf(df, corpus.docCount);
  }
  const gaps = positions.map((p, i) => (i === 0 ? 0 : p - positions[i - 1]!));
  const keys: number[] = [];
  const scores: number[] = [];
  let sorted = true;
  for (const { segment, live } of corpus.views) {
    const ids = terms.map((t) => segment.termId(t));
    if (ids.some((t) => t < 0)) continue;
    const { docFragment, docOffset, docLength } = segment.data;
    // Each distinct term decoded once, even when the phrase repeats it.
    const decoded = new Map<number, { docs: Uint32Array; starts: Uint32Array; values: Uint32Array }>();
    for (const t of ids) {
      if (decoded.has(t)) continue;
      const postings = segment.postingsOf(t);
      decoded.set(t, { docs: postings.docs, ...segment.positionsOf(t, postings) });
    }
    const lists0 = ids.map((t) => decoded.get(t)!);
    const cursor = ids.map(() => 0);
    const first = lists0[0]!;
    for (let p0 = 0; p0 < first.docs.length; p0++) {
      const doc = first.docs[p0]!;
      if (live !== null && live[doc] !== 1) continue;
      const lists: Uint32Array[] = [first.values.subarray(first.starts[p0]!, first.starts[p0 + 1]!)];
      let all = true;
      for (let i = 1; i < ids.length; i++) {
        const term = lists0[i]!;
        let c = cursor[i]!;
        while (c < term.docs.length && term.docs[c]! < doc) c++;
        cursor[i] = c;
        if (c >= term.docs.length || term.docs[c] !== doc) {
          all = false;
          break;
        }
        lists.push(term.values.subarray(term.starts[c]!, term.starts[c + 1]!));
      }
      if (!all) continue;
      const count = countPhraseMatches(lists, gaps, node.slop);
      if (count === 0) continue;
      const key = rowKey(docFragment[doc]!, docOffset[doc]!);
      if (keys.length > 0 && key < keys[keys.length - 1]!) sorted = false;
      keys.push(key);
      scores.push(bm25Weight(idfSum, count, docLength[doc]!, corpus.avgDocLength));
    }
  }
  return sorted ? { keys: Float64Array.from(keys), scores: Float64Array.from(scores) } : sortByKey(Float64Array.from(keys), Float64Array.from(scores));
}

function sortByKey(keys: Float64Array, scores: Float64Array): RowScores {
  const order = Array.from(keys, (_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
  return { keys: Float64Array.from(order, (i) => keys[i]!), scores: Float64Array.from(order, (i) => scores[i]!) };
}

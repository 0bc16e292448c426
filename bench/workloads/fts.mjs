/**
 * Full-text search (issue 5): BM25 over short synthetic texts, on both sides
 * through LanceDB's API.
 *
 * 1. A table of N rows { id, text, category, vector } is created from one
 *    Arrow table (untimed), then `createIndex("text", { config: Index.fts() })`
 *    is timed (each side's default FTS options), and the folder growth it
 *    causes is reported as the index size.
 * 2. Per query, in interleaved order (the side order flips every query, the
 *    scenario order rotates): `search(word, "fts")`, `search("w1 w2", "fts")`,
 *    both again with `where("category = 'c3'")`, and the hybrid
 *    `query().nearestTo(vector).fullTextSearch("w1 w2")`, all `.limit(10).toArray()`.
 * 3. Agreement of the two sides on the pure full-text queries: overlap of the
 *    top-10 ids, the same with rows tied at the 10th score set aside (BM25 gives
 *    many exact ties on short texts, and the sides break them differently), and
 *    the largest relative gap between the scores at the same rank.
 */

import { rm } from "node:fs/promises";
import { join } from "node:path";
import * as arrow from "apache-arrow";
import { CATEGORIES, createDataset, createQueries } from "../lib/dataset.mjs";
import { createRandom } from "../lib/seeded-random.mjs";
import { collectGarbage, errorSummary, folderBytes } from "../lib/runtime.mjs";
import { mean, median, percentile, summarize } from "../lib/stats.mjs";
import { createTexts, textVocabulary } from "../lib/texts.mjs";
import { closeQuietly } from "./ingest.mjs";

const TABLE_NAME = "fts";
const K = 10;
const MIN_WORDS = 8;
const MAX_WORDS = 20;
const FILTER = "category = 'c3'";
const FILTER_CATEGORY = "c3";
/** Query words are at least this long, which keeps English stop words ("he", "to", "was") out of the queries. */
const MIN_QUERY_WORD_LENGTH = 4;
/** Two scores closer than this (relative) count as tied. */
const TIE_TOLERANCE = 1e-5;

export const FTS_SCENARIOS = [
  { key: "word", label: "one word", words: 1, filter: false, hybrid: false },
  { key: "two", label: "two words", words: 2, filter: false, hybrid: false },
  { key: "word-c3", label: `one word, where ${FILTER}`, words: 1, filter: true, hybrid: false },
  { key: "two-c3", label: `two words, where ${FILTER}`, words: 2, filter: true, hybrid: false },
  { key: "hybrid", label: "hybrid: vector + two words (RRF)", words: 2, filter: false, hybrid: true },
];

/**
 * @param {object} options
 * @param {Array<{ name: string, module: any }>} options.sides
 * @param {{ rows: number, queries: number, warmup: number, seed: number, dims: number, clusters: number, spread: number }} options.config
 * @param {string} options.workDir
 * @param {(line: string) => void} options.log
 */
export async function runFts({ sides, config, workDir, log }) {
  let clock = performance.now();
  const data = createFtsData(config);
  const queries = createFtsQueries(data, config.queries, config.seed + 41, createQueries(data.dataset, { count: config.queries, seed: config.seed + 1 }));
  const warmup = createFtsQueries(data, config.warmup, config.seed + 42, createQueries(data.dataset, { count: config.warmup, seed: config.seed + 2 }));
  const table = toFtsArrowTable(data);
  log(`  data generated in ${((performance.now() - clock) / 1000).toFixed(1)} s (${config.rows} texts of ${MIN_WORDS}-${MAX_WORDS} words)`);

  const results = {};
  const open = [];
  for (const side of sides) {
    const record = (results[side.name] = { scenarios: {} });
    const dir = join(workDir, `fts-${side.name}`);
    try {
      const db = await side.module.connect(dir);
      clock = performance.now();
      const t = await db.createTable(TABLE_NAME, table);
      record.createTableMs = performance.now() - clock;
      const before = await folderBytes(dir);
      collectGarbage();
      clock = performance.now();
      await t.createIndex("text", { config: side.module.Index.fts() });
      record.indexBuildMs = performance.now() - clock;
      record.tableBytes = await folderBytes(dir);
      record.indexBytes = record.tableBytes - before;
      const indices = await t.listIndices();
      record.indices = indices.map(({ name, indexType, columns }) => ({ name, indexType, columns }));
      if (!indices.some((i) => String(i.indexType).toUpperCase().includes("FTS") || String(i.indexType).toUpperCase().includes("INVERTED"))) {
        throw new Error(`no full-text index listed after createIndex: ${JSON.stringify(record.indices)}`);
      }
      const rows = await t.countRows();
      if (rows !== config.rows) throw new Error(`countRows() = ${rows}, expected ${config.rows}`);
      log(`  ${side.name}: createTable ${record.createTableMs.toFixed(0)} ms, FTS index ${record.indexBuildMs.toFixed(0)} ms, ${(record.indexBytes / 1e6).toFixed(1)} MB`);
      open.push({ side, db, table: t, dir });
    } catch (error) {
      record.error = errorSummary(error);
      log(`  fts ${side.name}: cannot build the table or its index: ${error.message}`);
    }
  }

  for (const { side } of open) {
    for (const scenario of FTS_SCENARIOS) results[side.name].scenarios[scenario.key] = { latenciesMs: [], results: [] };
  }
  collectGarbage();
  for (const [phase, list] of [["warmup", warmup], ["timed", queries]]) {
    for (let q = 0; q < list.length; q++) {
      for (let s = 0; s < FTS_SCENARIOS.length; s++) {
        const scenario = FTS_SCENARIOS[((q >> 1) + s) % FTS_SCENARIOS.length];
        const order = q % 2 === 0 ? open : [...open].reverse();
        for (const { side, table: t } of order) {
          const record = results[side.name].scenarios[scenario.key];
          if (record.error) continue;
          try {
            const { ms, result } = await timeQuery(t, list[q], scenario);
            if (phase === "timed") {
              record.latenciesMs.push(ms);
              record.results[q] = result;
            }
          } catch (error) {
            record.error = errorSummary(error);
            log(`  fts ${side.name} ${scenario.label}: ERROR ${error.message}`);
          }
        }
      }
    }
    log(`  ${phase}: ${list.length} queries x ${FTS_SCENARIOS.length} scenarios done`);
  }
  for (const { db, table: t, dir } of open) {
    await closeQuietly(t);
    await closeQuietly(db);
    if (!config.keep) await rm(dir, { recursive: true, force: true });
  }

  const agreement = compareSides(results, queries);
  return {
    config: { rows: config.rows, minWords: MIN_WORDS, maxWords: MAX_WORDS, vocabulary: data.vocabulary.length, k: K, filter: FILTER, queries: config.queries, warmup: config.warmup },
    queries: queries.map(({ text1, text2 }) => ({ text1, text2 })),
    matchingRows: matchingRowStats(data, queries),
    agreement,
    results,
  };
}

/** The dataset of the vector workloads (same seed: same vectors and categories) plus one text per row. */
function createFtsData(config) {
  const dataset = createDataset({ rows: config.rows, dims: config.dims, clusters: config.clusters, spread: config.spread, seed: config.seed });
  const texts = createTexts({ count: config.rows, seed: config.seed + 40, minWords: MIN_WORDS, maxWords: MAX_WORDS });
  return { dataset, texts, vocabulary: textVocabulary() };
}

/**
 * Query words drawn log-uniformly over the vocabulary's frequency ranks (as many
 * very common words as rare ones: from ~20% of the rows down to a few dozen
 * rows), at least MIN_QUERY_WORD_LENGTH letters long; two-word queries take two distinct words.
 */
function createFtsQueries(data, count, seed, vectors) {
  const random = createRandom(seed);
  const { vocabulary } = data;
  const pick = () => {
    for (;;) {
      const rank = Math.floor(Math.exp(random.uniform() * Math.log(vocabulary.length)) - 1);
      const word = vocabulary[Math.max(0, Math.min(vocabulary.length - 1, rank))];
      if (word.length >= MIN_QUERY_WORD_LENGTH) return word;
    }
  };
  const out = [];
  for (let q = 0; q < count; q++) {
    const a = pick();
    let b = pick();
    while (b === a) b = pick();
    out.push({ text1: a, text2: `${a} ${b}`, words: [a, b], vector: Array.from(vectors[q]) });
  }
  return out;
}

/** id Int32, text Utf8, category Utf8, vector FixedSizeList<Float32>[dims], built with the bench's apache-arrow. */
function toFtsArrowTable({ dataset, texts }) {
  const { rows, dims, vectors, ids, categoryCodes } = dataset;
  const vectorType = new arrow.FixedSizeList(dims, new arrow.Field("item", new arrow.Float32(), true));
  const values = arrow.makeData({ type: new arrow.Float32(), length: rows * dims, data: vectors });
  return new arrow.Table({
    id: arrow.makeVector(ids),
    text: arrow.vectorFromArray(texts, new arrow.Utf8()),
    category: arrow.vectorFromArray(Array.from(categoryCodes, (c) => CATEGORIES[c]), new arrow.Utf8()),
    vector: arrow.makeVector(arrow.makeData({ type: vectorType, length: rows, nullCount: 0, child: values })),
  });
}

/** One query; only building and awaiting it is timed. */
async function timeQuery(table, query, scenario) {
  const text = scenario.words === 1 ? query.text1 : query.text2;
  const start = performance.now();
  let q = scenario.hybrid ? table.query().nearestTo(query.vector).fullTextSearch(text) : table.search(text, "fts");
  if (scenario.filter) q = q.where(FILTER);
  const rows = await q.limit(K).toArray();
  const ms = performance.now() - start;
  const scoreColumn = scenario.hybrid ? "_relevance_score" : "_score";
  return {
    ms,
    result: {
      ids: rows.map((r) => Number(r.id)),
      scores: rows.map((r) => Number(r[scoreColumn])),
      offFilter: scenario.filter ? rows.filter((r) => r.category !== FILTER_CATEGORY).length : 0,
    },
  };
}

/**
 * Per pure full-text scenario: mean top-10 id overlap; the overlap of the rows
 * each side ranks strictly above its own 10th score (those must be in any
 * correct top 10, whatever the tie-break); the largest relative gap between the
 * two sides' scores at the same rank; queries where the result counts differ.
 * The hybrid scenario gets the id overlap only (its RRF scores tie heavily).
 */
function compareSides(results, queries) {
  const [a, b] = ["quiverdb", "lancedb"].map((name) => results[name]);
  const out = {};
  if (!a || !b || a.error || b.error) return out;
  for (const scenario of FTS_SCENARIOS) {
    const ra = a.scenarios[scenario.key];
    const rb = b.scenarios[scenario.key];
    if (!ra || !rb || ra.error || rb.error) continue;
    const overlaps = [];
    let certainFound = 0;
    let certainTotal = 0;
    let maxScoreGap = 0;
    let countMismatches = 0;
    const perQuery = [];
    for (let q = 0; q < queries.length; q++) {
      const x = ra.results[q];
      const y = rb.results[q];
      if (!x || !y) continue;
      const setY = new Set(y.ids);
      const common = x.ids.filter((id) => setY.has(id)).length;
      const size = Math.max(x.ids.length, y.ids.length);
      overlaps.push(size === 0 ? 1 : common / size);
      if (x.ids.length !== y.ids.length) countMismatches++;
      if (scenario.hybrid) continue;
      for (const [mine, theirs] of [[x, setY], [y, new Set(x.ids)]]) {
        const last = mine.scores[mine.scores.length - 1];
        mine.ids.forEach((id, i) => {
          // A full top 10 is certain only above its last score; a shorter list holds every match.
          if (mine.ids.length === K && mine.scores[i] <= last * (1 + TIE_TOLERANCE)) return;
          certainTotal++;
          if (theirs.has(id)) certainFound++;
        });
      }
      let queryGap = 0;
      for (let i = 0; i < Math.min(x.scores.length, y.scores.length); i++) {
        const gap = Math.abs(x.scores[i] - y.scores[i]) / Math.max(Math.abs(y.scores[i]), 1e-12);
        queryGap = Math.max(queryGap, gap);
      }
      maxScoreGap = Math.max(maxScoreGap, queryGap);
      if (queryGap > 1e-4 || x.ids.length !== y.ids.length) {
        perQuery.push({ query: q, text: scenario.words === 1 ? queries[q].text1 : queries[q].text2, scoreGap: queryGap, overlap: overlaps[overlaps.length - 1], rows: [x.ids.length, y.ids.length], topScores: [x.scores[0], y.scores[0]] });
      }
    }
    out[scenario.key] = {
      meanOverlap: mean(overlaps),
      minOverlap: overlaps.length ? Math.min(...overlaps) : Number.NaN,
      ...(scenario.hybrid ? {} : { untiedOverlap: certainTotal === 0 ? 1 : certainFound / certainTotal, maxScoreGap }),
      countMismatches,
      ...(scenario.hybrid ? {} : { disagreeing: perQuery.sort((p, r) => r.scoreGap - p.scoreGap).slice(0, 10) }),
    };
  }
  return out;
}

/** How many rows contain each query's words (by whole word, before stemming): the size of the posting lists. */
function matchingRowStats(data, queries) {
  const wanted = new Set(queries.flatMap((q) => q.words));
  const counts = new Map([...wanted].map((w) => [w, 0]));
  for (const text of data.texts) {
    const seen = new Set();
    for (const word of text.split(" ")) {
      if (counts.has(word) && !seen.has(word)) {
        seen.add(word);
        counts.set(word, counts.get(word) + 1);
      }
    }
  }
  const one = queries.map((q) => counts.get(q.words[0]));
  const two = queries.map((q) => counts.get(q.words[0]) + counts.get(q.words[1]));
  return { oneWord: summarize(one), twoWordsSum: summarize(two) };
}

/** Table rows and notes of the full-text workload. */
export function summarizeFts(fts, sideNames) {
  const bySide = (pick) => Object.fromEntries(sideNames.map((name) => [name, pick(name)]));
  const failed = (name) => fts.results[name]?.error !== undefined;
  const metrics = [];
  metrics.push({
    metric: `fts: createIndex Index.fts() on ${fts.config.rows.toLocaleString("en-US")} texts`,
    unit: "ms",
    better: "lower",
    ...bySide((name) => (failed(name) ? "error" : fts.results[name]?.indexBuildMs)),
  });
  metrics.push({
    metric: "fts: index size on disk",
    unit: "MB",
    better: "lower",
    ...bySide((name) => (failed(name) ? "error" : fts.results[name] === undefined ? undefined : fts.results[name].indexBytes / 1e6)),
  });
  for (const scenario of FTS_SCENARIOS) {
    for (const stat of ["median", "p95"]) {
      metrics.push({
        metric: `fts k=${K} ${scenario.label}, ${stat}`,
        unit: "ms",
        better: "lower",
        ...bySide((name) => {
          const record = fts.results[name]?.scenarios[scenario.key];
          if (failed(name) || record?.error) return "error";
          if (!record) return undefined;
          return stat === "median" ? median(record.latenciesMs) : percentile(record.latenciesMs, 95);
        }),
      });
    }
  }
  const shared = (value) => ({ quiverdb: value, lancedb: value === undefined ? undefined : "(shared)" });
  for (const scenario of FTS_SCENARIOS) {
    const a = fts.agreement[scenario.key];
    if (!a) continue;
    metrics.push({ metric: `fts top-${K} id overlap, ${scenario.label}`, unit: "recall", better: "none", ...shared(a.meanOverlap) });
    if (!scenario.hybrid) metrics.push({ metric: `fts top-${K} overlap without 10th-score ties, ${scenario.label}`, unit: "recall", better: "none", ...shared(a.untiedOverlap) });
  }
  const gaps = FTS_SCENARIOS.filter((s) => !s.hybrid && fts.agreement[s.key]).map((s) => fts.agreement[s.key].maxScoreGap);
  if (gaps.length) metrics.push({ metric: "fts max _score gap at equal rank", unit: "relative error", better: "none", ...shared(Math.max(...gaps)) });

  const notes = [];
  const m = fts.matchingRows;
  notes.push(
    `fts: rows containing the query word: median ${m.oneWord.median}, p95 ${m.oneWord.p95}, min ${m.oneWord.min}, max ${m.oneWord.max} ` +
      `(two-word queries: ${m.twoWordsSum.median} median, summed over both words)`,
  );
  notes.push(
    "fts: each side builds its own default Index.fts(): LanceDB 0.39 stores no positions (with_position false), quiverdb stores them (withPosition true); " +
      "the hybrid rows are dominated by an exact (unindexed) vector scan of the table",
  );
  for (const name of sideNames) {
    const side = fts.results[name];
    if (!side) continue;
    if (side.error) notes.push(`${name}: fts failed: ${side.error.message}`);
    for (const [key, record] of Object.entries(side.scenarios ?? {})) {
      if (record.error) notes.push(`${name}: fts ${key} failed: ${record.error.message}`);
      const off = record.results.reduce((sum, r) => sum + (r?.offFilter ?? 0), 0);
      if (off) notes.push(`${name}: fts ${key} returned ${off} rows outside ${FILTER}`);
      const empty = record.results.filter((r) => r && r.ids.length === 0).length;
      if (empty) notes.push(`${name}: fts ${key} returned no rows for ${empty} queries`);
    }
  }
  for (const [key, a] of Object.entries(fts.agreement)) {
    if (a.countMismatches) notes.push(`fts ${key}: the two sides returned different numbers of rows for ${a.countMismatches} queries`);
  }
  return { metrics, notes };
}

/** The JSON form: latencies and summaries, without the per-query ids. */
export function stripFts(fts) {
  return {
    ...fts,
    results: Object.fromEntries(
      Object.entries(fts.results).map(([name, r]) => [
        name,
        {
          ...r,
          scenarios: Object.fromEntries(
            Object.entries(r.scenarios).map(([key, s]) => [key, { error: s.error, summary: summarize(s.latenciesMs), latenciesMs: s.latenciesMs }]),
          ),
        },
      ]),
    ),
  };
}

/**
 * Embedding: what each database adds around a custom text embedding function,
 * with the same function class on both sides (lib/embedding-function.mjs,
 * registered under the same names in each library's registry).
 *
 * 1. Pipeline overhead. A table created with `bench-hashed-words` bound
 *    (text -> vector); `add` of N rows that carry only text, timed, divided by
 *    the time of the bare `generateEmbeddings` on the same texts, all at once and
 *    in the batches the side uses (quiverdb: its default embeddingBatchSize, one
 *    batch after another; LanceDB: one call with every text). Quiver's
 *    persistent embedding cache is off (`embeddingCache: false`). Also timed, in
 *    the same table: `add` of the same texts with their vectors given, as an
 *    Arrow table (the write alone: nothing to embed, no row objects to convert),
 *    then two adds of the same texts with Quiver's cache on (the first fills it,
 *    the second is served by it; LanceDB has no cache and embeds again both times).
 * 2. Concurrency. `bench-slow-api` (50 ms per request of at most 64 texts,
 *    requests one after another inside one call) bound to a fresh table; `add` of
 *    B x 64 texts: quiverdb with embeddingConcurrency 1, its default and 8;
 *    LanceDB (one call with every text, which the function splits into B
 *    requests). The same again with the cap removed (`maxInputsPerCall: 0`: one
 *    50 ms request of any size, which no real API offers), and for quiverdb also
 *    with `embeddingBatchSize` set to every text (one request, like LanceDB).
 * 3. Query-time embedding. A 10,000-row table with `bench-hashed-words` bound;
 *    per query text: `search(text).limit(10).toArray()`, `search(vector)` with
 *    the vector the function gives for that text, and the function's own
 *    `computeQueryEmbeddings(text)`, each timed; added = text - vector - embed.
 *
 * Each run gets fresh folders and a full GC before each timed call; the side
 * order flips every run, and the order of the measurements rotates.
 */

import { rm } from "node:fs/promises";
import { join } from "node:path";
import * as arrow from "apache-arrow";
import { DEFAULT_DIMS, FAST_FUNCTION, SLOW_DEFAULTS, SLOW_FUNCTION, defineBenchFunctions, embedText } from "../lib/embedding-function.mjs";
import { collectGarbage, errorSummary } from "../lib/runtime.mjs";
import { loadEmbeddingModule } from "../lib/sides.mjs";
import { median, percentile } from "../lib/stats.mjs";
import { createTexts } from "../lib/texts.mjs";
import { closeQuietly } from "./ingest.mjs";

/** The text of the one row each table is created with; no generated text contains "zz". */
const SEED_TEXT = "zzseed first row of the table";
/** Requests of the slow function are capped at this many texts (its default `maxInputsPerCall`), taking this long. */
const SLOW_CAP = SLOW_DEFAULTS.maxInputsPerCall;
const SLOW_LATENCY_MS = SLOW_DEFAULTS.latencyMs;
const K = 10;

/**
 * @param {object} options
 * @param {Array<{ name: string, module: any }>} options.sides
 * @param {{ sizes: number[], runs: number, slowBatches: number, queryRows: number, queries: number, warmup: number, seed: number }} options.config
 * @param {string} options.workDir
 * @param {(line: string) => void} options.log
 */
export async function runEmbedding({ sides, config, workDir, log }) {
  const ready = [];
  const errors = [];
  for (const side of sides) {
    try {
      ready.push(await prepareSide(side));
    } catch (error) {
      errors.push({ side: side.name, part: "load", error: errorSummary(error) });
      log(`  embedding ${side.name}: cannot load the embedding module: ${error.message}`);
    }
  }
  const clock = performance.now();
  const maxSize = Math.max(...config.sizes, config.queryRows);
  const texts = createTexts({ count: maxSize, seed: config.seed + 10 });
  const quiverBatch = ready.find((s) => s.name === "quiverdb")?.defaults.batchSize ?? SLOW_CAP;
  const slowTexts = createTexts({ count: config.slowBatches * quiverBatch, seed: config.seed + 11 });
  const rowTexts = texts.slice(0, config.queryRows);
  const queryTexts = createTexts({ count: config.queries + config.warmup, seed: config.seed + 12, exclude: new Set(rowTexts) });
  log(`  texts generated in ${((performance.now() - clock) / 1000).toFixed(1)} s (${texts.length + slowTexts.length + queryTexts.length} texts, ${meanWords(texts).toFixed(1)} words each on average)`);

  const overhead = await runOverhead({ sides: ready, sizes: config.sizes, runs: config.runs, texts, workDir, log, errors });
  const concurrency = await runConcurrency({ sides: ready, runs: config.runs, texts: slowTexts, batches: config.slowBatches, workDir, log, errors });
  const query = await runQueryEmbedding({
    sides: ready,
    rowTexts,
    queryTexts: queryTexts.slice(config.warmup),
    warmupTexts: queryTexts.slice(0, config.warmup),
    workDir,
    log,
    errors,
  });
  return {
    config: { ...config, dims: DEFAULT_DIMS, slowCap: SLOW_CAP, slowLatencyMs: SLOW_LATENCY_MS, k: K, slowTexts: slowTexts.length, meanWordsPerText: meanWords(texts) },
    defaults: Object.fromEntries(ready.map((s) => [s.name, s.defaults])),
    overhead,
    concurrency,
    query,
    errors,
  };
}

async function prepareSide(side) {
  const embedding = await loadEmbeddingModule(side);
  const classes = defineBenchFunctions(embedding);
  const registry = embedding.getRegistry();
  const defaults =
    side.name === "quiverdb"
      ? { batchSize: embedding.EMBED_DEFAULTS?.batchSize ?? 64, concurrency: embedding.EMBED_DEFAULTS?.concurrency ?? 4 }
      : { batchSize: undefined, concurrency: 1 }; // LanceDB: one call with every text of a write
  const bare = await registry.get(FAST_FUNCTION).create({});
  return { ...side, embedding, classes, registry, defaults, bare };
}

/** quiverdb's add options (LanceDB takes none of these): the persistent cache off unless asked. */
function addOptions(side, extra = {}) {
  if (side.name !== "quiverdb") return undefined;
  return { embeddingCache: false, ...extra };
}

async function createBoundTable(side, dir, name, rows, functionName, functionOptions) {
  const db = await side.module.connect(dir);
  const fn = await side.registry.get(functionName).create(functionOptions);
  const table = await db.createTable(name, rows, { embeddingFunction: { function: fn, sourceColumn: "text", vectorColumn: "vector" } });
  return { db, table };
}

async function timed(call) {
  collectGarbage();
  const start = performance.now();
  const value = await call();
  return { ms: performance.now() - start, value };
}

const textRows = (texts) => texts.map((text) => ({ text }));

// ---------------------------------------------------------------------------------------------
// 1. Pipeline overhead

async function runOverhead({ sides, sizes, runs, texts, workDir, log, errors }) {
  const results = {};
  for (const side of sides) results[side.name] = Object.fromEntries(sizes.map((n) => [n, { runs: [] }]));
  // Untimed: every path once per side on a small set (module loading, JIT).
  const warm = texts.slice(0, 2000);
  for (const side of sides) {
    try {
      await overheadOnce(side, warm, withVectors(warm), join(workDir, `embed-warmup-${side.name}`), 0);
    } catch (error) {
      errors.push({ side: side.name, part: "overhead warm-up", error: errorSummary(error) });
      log(`  embedding overhead ${side.name} warm-up: ERROR ${error.message}`);
    }
  }
  for (const size of sizes) {
    const subset = texts.slice(0, size);
    const vectorTable = withVectors(subset);
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        const record = results[side.name][size];
        try {
          const outcome = await overheadOnce(side, subset, vectorTable, join(workDir, `embed-${side.name}-${size}-${run}`), run);
          record.runs.push({ run, ...outcome });
          log(
            `  embedding overhead ${side.name} ${size} texts run ${run + 1}: add ${outcome.addMs.toFixed(0)} ms, bare ${outcome.bareAllMs.toFixed(0)} ms` +
              `${outcome.bareBatchedMs !== undefined ? ` (in batches ${outcome.bareBatchedMs.toFixed(0)} ms)` : ""}, ratio ${(outcome.addMs / outcome.bareAllMs).toFixed(2)}; ` +
              `vectors given ${outcome.addVectorsMs.toFixed(0)} ms; cache on: ${outcome.cacheFirstMs.toFixed(0)} then ${outcome.cacheSecondMs.toFixed(0)} ms`,
          );
        } catch (error) {
          record.runs.push({ run, error: errorSummary(error) });
          errors.push({ side: side.name, part: `overhead ${size} texts run ${run + 1}`, error: errorSummary(error) });
          log(`  embedding overhead ${side.name} ${size} texts run ${run + 1}: ERROR ${error.message}`);
        }
      }
    }
  }
  return results;
}

/**
 * The texts with their vectors as an Arrow table (apache-arrow 18.1.0, the bench's
 * copy): text Utf8, vector FixedSizeList<Float32>[384], the types both sides give
 * the table. Built before timing; adding it is the write without any embedding.
 */
function withVectors(texts) {
  const dims = DEFAULT_DIMS;
  const values = new Float32Array(texts.length * dims);
  texts.forEach((text, i) => values.set(embedText(text, dims), i * dims));
  const vectorType = new arrow.FixedSizeList(dims, new arrow.Field("item", new arrow.Float32(), true));
  const child = arrow.makeData({ type: new arrow.Float32(), length: values.length, data: values });
  return {
    first: values.subarray(0, dims),
    table: new arrow.Table({
      text: arrow.vectorFromArray(texts, new arrow.Utf8()),
      vector: arrow.makeVector(arrow.makeData({ type: vectorType, length: texts.length, nullCount: 0, child })),
    }),
  };
}

/**
 * One table, six timed calls: bare (all at once, and in quiverdb's batches),
 * add with embedding (cache off), add of an Arrow table with the vectors given,
 * add twice with the cache on.
 * The bare calls come before the adds in even runs and after them in odd runs.
 */
async function overheadOnce(side, texts, withVectors, dir, run) {
  let db;
  let table;
  try {
    ({ db, table } = await createBoundTable(side, dir, "overhead", [{ text: SEED_TEXT }], FAST_FUNCTION, {}));
    const out = {};
    const bare = async () => {
      out.bareAllMs = (await timed(() => side.bare.generateEmbeddings(texts))).ms;
      const batch = side.defaults.batchSize;
      if (batch !== undefined) {
        out.bareBatchedMs = (
          await timed(async () => {
            for (let i = 0; i < texts.length; i += batch) await side.bare.generateEmbeddings(texts.slice(i, i + batch));
          })
        ).ms;
      }
    };
    if (run % 2 === 0) await bare();
    out.addMs = (await timed(() => table.add(textRows(texts), addOptions(side)))).ms;
    out.addVectorsMs = (await timed(() => table.add(withVectors.table, addOptions(side)))).ms;
    const cacheOn = side.name === "quiverdb" ? {} : undefined; // quiverdb: the table's own persistent cache
    out.cacheFirstMs = (await timed(() => table.add(textRows(texts), cacheOn))).ms;
    out.cacheSecondMs = (await timed(() => table.add(textRows(texts), cacheOn))).ms;
    if (run % 2 === 1) await bare();
    const counted = await table.countRows();
    const expected = 1 + 4 * texts.length;
    if (counted !== expected) throw new Error(`countRows() returned ${counted}, expected ${expected}`);
    // The embedded vectors are the function's: the nearest row to texts[0]'s vector is texts[0], at distance ~0.
    const [hit] = await table.search(withVectors.first).limit(1).toArray();
    if (hit?.text !== texts[0] || !(Number(hit._distance) < 1e-6)) {
      throw new Error(`search by the vector of "${texts[0]}" returned "${hit?.text}" at distance ${hit?._distance}: the stored vectors are not the function's`);
    }
    return out;
  } finally {
    await closeQuietly(table);
    await closeQuietly(db);
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Concurrency with a slow function

function concurrencyCases(side, texts) {
  if (side.name === "quiverdb") {
    return [
      { key: "c1", label: "embeddingConcurrency 1", addOptions: { embeddingConcurrency: 1 }, fn: {} },
      { key: "default", label: `default (${side.defaults.concurrency})`, addOptions: {}, fn: {} },
      { key: "c8", label: "embeddingConcurrency 8", addOptions: { embeddingConcurrency: 8 }, fn: {} },
      { key: "uncapped", label: "no cap per request, default concurrency", addOptions: {}, fn: { maxInputsPerCall: 0 } },
      { key: "uncappedOneBatch", label: "no cap per request, one batch", addOptions: { embeddingBatchSize: texts }, fn: { maxInputsPerCall: 0 } },
    ];
  }
  return [
    { key: "default", label: "one call", addOptions: undefined, fn: {} },
    { key: "uncapped", label: "no cap per request", addOptions: undefined, fn: { maxInputsPerCall: 0 } },
  ];
}

async function runConcurrency({ sides, runs, texts, batches, workDir, log, errors }) {
  const results = {};
  for (const side of sides) results[side.name] = Object.fromEntries(concurrencyCases(side, texts.length).map((c) => [c.key, { label: c.label, runs: [] }]));
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const cases = concurrencyCases(side, texts.length);
      const rotated = cases.map((_, i) => cases[(i + run) % cases.length]);
      for (const c of rotated) {
        const record = results[side.name][c.key];
        const dir = join(workDir, `slow-${side.name}-${c.key}-${run}`);
        let db;
        let table;
        try {
          ({ db, table } = await createBoundTable(side, dir, "slow", [{ text: SEED_TEXT }], SLOW_FUNCTION, c.fn));
          const before = side.classes.SlowApi.requestsSent;
          const { ms } = await timed(() => table.add(textRows(texts), side.name === "quiverdb" ? addOptions(side, c.addOptions) : undefined));
          const requests = side.classes.SlowApi.requestsSent - before;
          const counted = await table.countRows();
          if (counted !== texts.length + 1) throw new Error(`countRows() returned ${counted}, expected ${texts.length + 1}`);
          record.runs.push({ run, ms, textsPerSecond: texts.length / (ms / 1000), requests });
          log(`  embedding slow API ${side.name} ${c.label} run ${run + 1}: ${ms.toFixed(0)} ms, ${requests} requests`);
        } catch (error) {
          record.runs.push({ run, error: errorSummary(error) });
          errors.push({ side: side.name, part: `slow API ${c.label}`, error: errorSummary(error) });
          log(`  embedding slow API ${side.name} ${c.label} run ${run + 1}: ERROR ${error.message}`);
        } finally {
          await closeQuietly(table);
          await closeQuietly(db);
          await rm(dir, { recursive: true, force: true });
        }
      }
    }
  }
  return { texts: texts.length, batches, results };
}

// ---------------------------------------------------------------------------------------------
// 3. Query-time embedding

async function runQueryEmbedding({ sides, rowTexts, queryTexts, warmupTexts, workDir, log, errors }) {
  const results = {};
  const open = [];
  for (const side of sides) {
    const dir = join(workDir, `query-${side.name}`);
    try {
      const rows = rowTexts.map((text, id) => ({ id, text }));
      const clock = performance.now();
      const { db, table } = await createBoundTable(side, dir, "query", rows, FAST_FUNCTION, {});
      const createMs = performance.now() - clock;
      const vectorOf = async (texts) => {
        const out = [];
        for (const text of texts) out.push(await side.bare.computeQueryEmbeddings(text));
        return out;
      };
      open.push({ side, db, table, dir, vectors: { warmup: await vectorOf(warmupTexts), timed: await vectorOf(queryTexts) } });
      results[side.name] = { createMs, textMs: [], vectorMs: [], embedMs: [], addedMs: [], mismatches: 0, firstMismatch: undefined };
      log(`  embedding query ${side.name}: ${rows.length} rows embedded and written in ${createMs.toFixed(0)} ms`);
    } catch (error) {
      results[side.name] = { error: errorSummary(error) };
      errors.push({ side: side.name, part: "query table", error: errorSummary(error) });
      log(`  embedding query ${side.name}: cannot create the table: ${error.message}`);
      await rm(dir, { recursive: true, force: true });
    }
  }
  const steps = ["text", "vector", "embed"];
  collectGarbage();
  for (const [phase, texts] of [["warmup", warmupTexts], ["timed", queryTexts]]) {
    for (let q = 0; q < texts.length; q++) {
      const order = q % 2 === 0 ? open : [...open].reverse();
      for (const entry of order) {
        const record = results[entry.side.name];
        if (record.error) continue;
        try {
          const vector = entry.vectors[phase][q];
          const ms = {};
          let textIds;
          let vectorIds;
          for (let s = 0; s < steps.length; s++) {
            const step = steps[(s + q) % steps.length];
            const start = performance.now();
            if (step === "text") {
              const rows = await entry.table.search(texts[q]).limit(K).toArray();
              ms.text = performance.now() - start;
              textIds = rows.map((r) => Number(r.id));
            } else if (step === "vector") {
              const rows = await entry.table.search(vector).limit(K).toArray();
              ms.vector = performance.now() - start;
              vectorIds = rows.map((r) => Number(r.id));
            } else {
              await entry.side.bare.computeQueryEmbeddings(texts[q]);
              ms.embed = performance.now() - start;
            }
          }
          if (phase !== "timed") continue;
          record.textMs.push(ms.text);
          record.vectorMs.push(ms.vector);
          record.embedMs.push(ms.embed);
          record.addedMs.push(ms.text - ms.vector - ms.embed);
          if (!sameIds(textIds, vectorIds)) {
            record.mismatches++;
            record.firstMismatch ??= { query: texts[q], textIds, vectorIds };
          }
        } catch (error) {
          record.error = errorSummary(error);
          errors.push({ side: entry.side.name, part: "query", error: errorSummary(error) });
          log(`  embedding query ${entry.side.name}: ERROR ${error.message}`);
        }
      }
    }
    log(`  embedding query ${phase}: ${texts.length} queries done`);
  }
  for (const { db, table, dir } of open) {
    await closeQuietly(table);
    await closeQuietly(db);
    await rm(dir, { recursive: true, force: true });
  }
  return { rows: rowTexts.length, queries: queryTexts.length, warmup: warmupTexts.length, results };
}

function sameIds(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

function meanWords(texts) {
  let words = 0;
  for (const text of texts) words += text.split(" ").length;
  return texts.length ? words / texts.length : 0;
}

// ---------------------------------------------------------------------------------------------
// Report

const label = (n) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

/**
 * The printed metrics, the notes and the issue's targets, from runEmbedding's result.
 * @param {Awaited<ReturnType<typeof runEmbedding>>} result
 * @param {string[]} sideNames
 */
export function summarizeEmbedding(result, sideNames) {
  const metrics = [];
  const notes = [];
  const targets = [];
  const bySide = (pick) => Object.fromEntries(sideNames.map((name) => [name, pick(name)]));
  const quiverBatch = result.defaults.quiverdb?.batchSize;

  for (const { side, part, error } of result.errors) notes.push(`${side}: embedding ${part} failed: ${error.message}`);

  // 1. Overhead
  for (const size of result.config.sizes) {
    const runsOf = (name) => (result.overhead[name]?.[size]?.runs ?? []).filter((r) => !r.error);
    const stat = (pick) => (name) => {
      const all = result.overhead[name]?.[size]?.runs;
      if (all === undefined) return undefined;
      const good = runsOf(name).map(pick).filter((v) => v !== undefined);
      return good.length ? median(good) : "error";
    };
    const n = label(size);
    const batched = (r) => r.bareBatchedMs ?? r.bareAllMs;
    metrics.push({ metric: `embed ${n}: bare generateEmbeddings, all texts in one call`, unit: "ms", better: "none", ...bySide(stat((r) => r.bareAllMs)) });
    metrics.push({
      metric: `embed ${n}: bare generateEmbeddings, side's batches (q ${quiverBatch ?? "-"}, l all)`,
      unit: "ms",
      better: "none",
      ...bySide(stat(batched)),
    });
    metrics.push({ metric: `embed ${n}: add, rows carry text only (cache off)`, unit: "ms", better: "lower", ...bySide(stat((r) => r.addMs)) });
    const ratioAll = { metric: `embed ${n}: overhead = add / bare, one call`, unit: "x", better: "lower", ...bySide(stat((r) => r.addMs / r.bareAllMs)) };
    metrics.push(ratioAll);
    metrics.push({ metric: `embed ${n}: overhead = add / bare, side's batches`, unit: "x", better: "lower", ...bySide(stat((r) => r.addMs / batched(r))) });
    const perText = { metric: `embed ${n}: time added per text, (add - bare) / n`, unit: "us", better: "lower", ...bySide(stat((r) => ((r.addMs - r.bareAllMs) / size) * 1000)) };
    metrics.push(perText);
    metrics.push({ metric: `embed ${n}: add, Arrow table with vectors (write only)`, unit: "ms", better: "lower", ...bySide(stat((r) => r.addVectorsMs)) });
    metrics.push({
      metric: `embed ${n}: embedding stage beyond fn, (add - write - bare) / n`,
      unit: "us",
      better: "lower",
      ...bySide(stat((r) => ((r.addMs - r.addVectorsMs - r.bareAllMs) / size) * 1000)),
    });
    metrics.push({ metric: `embed ${n}: add, quiverdb cache on and empty (fills it)`, unit: "ms", better: "lower", ...bySide(stat((r) => r.cacheFirstMs)) });
    metrics.push({ metric: `embed ${n}: add same texts again, quiverdb cache hits`, unit: "ms", better: "lower", ...bySide(stat((r) => r.cacheSecondMs)) });
    const q = ratioAll.quiverdb;
    if (sideNames.includes("quiverdb")) {
      const added = perText.quiverdb;
      const reach = typeof added === "number" ? `; a function costing >= ${Math.max(0, added / 0.1).toFixed(0)} us per text would meet it` : "";
      targets.push({ target: `pipeline overhead, ${n} texts (add / bare generateEmbeddings${reach})`, value: q, unit: "x", goal: "<=", limit: 1.1 });
    }
  }

  // 2. Concurrency
  const c = result.concurrency;
  const conc = (name, key, field = "ms") => {
    const record = c.results[name]?.[key];
    if (record === undefined) return undefined;
    const good = record.runs.filter((r) => !r.error).map((r) => r[field]);
    return good.length ? median(good) : "error";
  };
  const speedup = (key) => {
    const record = c.results.quiverdb;
    if (record === undefined) return undefined;
    const ratios = [];
    for (const base of record.c1.runs) {
      const other = record[key].runs.find((r) => r.run === base.run);
      if (!base.error && other && !other.error) ratios.push(base.ms / other.ms);
    }
    return ratios.length ? median(ratios) : "error";
  };
  const qDefault = result.defaults.quiverdb?.concurrency ?? 4;
  const slow = `slow API ${c.texts} texts`;
  const floor = (inFlight) => Math.ceil(c.texts / result.config.slowCap / inFlight) * result.config.slowLatencyMs;
  notes.push(
    `slow API: ${Math.ceil(c.texts / result.config.slowCap)} requests of <= ${result.config.slowCap} texts at ${result.config.slowLatencyMs} ms each take at least ` +
      `${floor(1)} ms one at a time (LanceDB's one call; quiverdb at concurrency 1), ${floor(qDefault)} ms ${qDefault} at a time, ${floor(8)} ms 8 at a time`,
  );
  metrics.push({ metric: `${slow}: add, default settings`, unit: "ms", better: "lower", ...bySide((name) => conc(name, "default")) });
  metrics.push({ metric: `${slow}: requests per add`, unit: "count", better: "none", ...bySide((name) => conc(name, "default", "requests")) });
  if (sideNames.includes("quiverdb")) {
    metrics.push({ metric: `${slow}: quiverdb embeddingConcurrency 1`, unit: "ms", better: "lower", quiverdb: conc("quiverdb", "c1") });
    metrics.push({ metric: `${slow}: quiverdb embeddingConcurrency 8`, unit: "ms", better: "lower", quiverdb: conc("quiverdb", "c8") });
    metrics.push({ metric: `${slow}: quiverdb speed-up, default (${qDefault}) vs 1`, unit: "x", better: "higher", quiverdb: speedup("default") });
    metrics.push({ metric: `${slow}: quiverdb speed-up, 8 vs 1`, unit: "x", better: "higher", quiverdb: speedup("c8") });
    targets.push({ target: `concurrency: throughput at default (${qDefault}) / at 1, 50 ms per batch`, value: speedup("default"), unit: "x", goal: ">=", limit: 3 });
  }
  metrics.push({ metric: `${slow}, no cap per request: add`, unit: "ms", better: "lower", ...bySide((name) => conc(name, "uncapped")) });
  metrics.push({ metric: `${slow}, no cap per request: requests per add`, unit: "count", better: "none", ...bySide((name) => conc(name, "uncapped", "requests")) });
  if (sideNames.includes("quiverdb")) {
    metrics.push({
      metric: `${slow}, no cap: quiverdb embeddingBatchSize ${c.texts}`,
      unit: "ms",
      better: "lower",
      quiverdb: conc("quiverdb", "uncappedOneBatch"),
      lancedb: sideNames.includes("lancedb") ? conc("lancedb", "uncapped") : undefined,
    });
  }

  // 3. Query
  const qr = result.query.results;
  const qstat = (field, fn = median) => (name) => {
    const r = qr[name];
    if (r === undefined) return undefined;
    if (r.error && !r[field]?.length) return "error";
    return fn(r[field]);
  };
  const rows = label(result.query.rows);
  metrics.push({ metric: `query ${rows} rows: search(text) k=${K}, median`, unit: "ms", better: "lower", ...bySide(qstat("textMs")) });
  metrics.push({ metric: `query ${rows} rows: search(vector) k=${K}, median`, unit: "ms", better: "lower", ...bySide(qstat("vectorMs")) });
  metrics.push({ metric: `query ${rows} rows: fn computeQueryEmbeddings, median`, unit: "ms", better: "none", ...bySide(qstat("embedMs")) });
  metrics.push({ metric: `query ${rows} rows: added = text - vector - fn, median`, unit: "ms", better: "lower", ...bySide(qstat("addedMs")) });
  metrics.push({ metric: `query ${rows} rows: added = text - vector - fn, p95`, unit: "ms", better: "lower", ...bySide(qstat("addedMs", (v) => percentile(v, 95))) });
  for (const name of sideNames) {
    const r = qr[name];
    if (r?.mismatches) {
      notes.push(`${name}: search(text) and search(vector) returned different rows for ${r.mismatches}/${r.textMs.length} queries (first: "${r.firstMismatch.query}")`);
    }
    if (r?.error) notes.push(`${name}: query-time embedding failed: ${r.error.message}`);
  }
  if (sideNames.includes("quiverdb")) {
    targets.push({ target: "query-time embedding: added beyond the function's own time (median)", value: qstat("addedMs")("quiverdb"), unit: "ms", goal: "<=", limit: 1 });
  }

  for (const t of targets) {
    t.met = typeof t.value === "number" ? (t.goal === "<=" ? t.value <= t.limit : t.value >= t.limit) : undefined;
  }
  return { metrics, notes, targets };
}

/** The targets as text lines. */
export function formatTargets(targets) {
  return targets.map((t) => {
    const value = typeof t.value === "number" ? t.value.toFixed(2) : String(t.value ?? "n/a");
    const verdict = t.met === undefined ? "not measured" : t.met ? "met" : "MISSED";
    return `${t.target}: quiverdb ${value} ${t.unit}, target ${t.goal} ${t.limit} ${t.unit}: ${verdict}`;
  });
}

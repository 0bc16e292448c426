/**
 * `npm run bench`: the same workloads against quiverdb and @lancedb/lancedb in
 * one process run, reported as ratios (see README.md in this folder).
 *
 * usage: node --expose-gc bench/compare.mjs [--quick] [--only ingest,search,cold,embedding,fts]
 *          [--rows N] [--queries N] [--warmup N] [--runs N] [--cold-runs N]
 *          [--embed-sizes N,N] [--embed-runs N] [--embed-queries N] [--slow-batches N]
 *          [--fts-rows N] [--fts-queries N]
 *          [--large] [--vi-queries N] [--vi-kinds default,ivfPq,...] (vector-index; run only when --only names it)
 *          [--sides quiverdb,lancedb] [--seed N] [--keep]
 */

import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as arrow from "apache-arrow";
import { SEARCH_FILTERS, createDataset, createQueries, toArrowTable, toRowObjects } from "./lib/dataset.mjs";
import { computeDistances, exactTopK, scoreResult } from "./lib/ground-truth.mjs";
import { formatTable, ratioOf, verdictOf } from "./lib/report.mjs";
import { errorSummary, folderBytes } from "./lib/runtime.mjs";
import { SIDE_NAMES, loadSide } from "./lib/sides.mjs";
import { mean, median, summarize } from "./lib/stats.mjs";
import { runColdOpen } from "./workloads/cold-open.mjs";
import { formatTargets, runEmbedding, summarizeEmbedding } from "./workloads/embedding.mjs";
import { runFts, stripFts, summarizeFts } from "./workloads/fts.mjs";
import { runIngest } from "./workloads/ingest.mjs";
import { runSearch, searchScenarios } from "./workloads/search.mjs";
import { runScalarFilter } from "./workloads/scalar-filter.mjs";
import { runVectorIndex, stripVectorIndex, summarizeVectorIndex, vectorIndexConfig } from "./workloads/vector-index.mjs";

const DIMS = 384;
const CLUSTERS = 100;
const SPREAD = 0.5;
const BATCHES = 10;
const K = 10;

const FULL = { rows: 100_000, queries: 100, warmup: 10, runs: 3, coldRuns: 5, embedSizes: [10_000, 50_000], embedRuns: 3, embedQueries: 200, slowBatches: 64, ftsRows: 100_000, ftsQueries: 100 };
const QUICK = { rows: 10_000, queries: 20, warmup: 3, runs: 3, coldRuns: 3, embedSizes: [10_000], embedRuns: 2, embedQueries: 50, slowBatches: 16, ftsRows: 10_000, ftsQueries: 20 };
/** The workloads, in the order they run. search and cold open read the table ingest leaves. */
/** Workloads run only when --only names them: vector-index builds several indexes per side (minutes). */
const OPT_IN = ["vector-index", "scalar-filter"];
const WORKLOADS = ["ingest", "search", "cold", "embedding", "fts", "vector-index", "scalar-filter"];
/** Rows of the table the query-time embedding part searches, and its untimed warm-up queries. */
const EMBED_QUERY_ROWS = 10_000;
const EMBED_QUERY_WARMUP = 20;

const log = (line) => process.stderr.write(`${line}\n`);

function readOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      rows: { type: "string" },
      queries: { type: "string" },
      warmup: { type: "string" },
      runs: { type: "string" },
      "cold-runs": { type: "string" },
      only: { type: "string", default: WORKLOADS.filter((name) => !OPT_IN.includes(name)).join(",") },
      large: { type: "boolean", default: false },
      "vi-queries": { type: "string" },
      "vi-kinds": { type: "string" },
      "embed-sizes": { type: "string" },
      "embed-runs": { type: "string" },
      "embed-queries": { type: "string" },
      "slow-batches": { type: "string" },
      "fts-rows": { type: "string" },
      "fts-queries": { type: "string" },
      sides: { type: "string", default: SIDE_NAMES.join(",") },
      seed: { type: "string", default: "20240601" },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      "usage: npm run bench -- [--quick] [--only ingest,search,cold,embedding,fts]\n" +
        "                       [--rows N] [--queries N] [--warmup N] [--runs N] [--cold-runs N]\n" +
        "                       [--embed-sizes N,N] [--embed-runs N] [--embed-queries N] [--slow-batches N]\n" +
        "                       [--fts-rows N] [--fts-queries N]\n" +
        "                       [--large] [--vi-queries N] [--vi-kinds default,ivfPq,ivfFlat,hnswSq,ivfHnswSq] (with --only vector-index)\n" +
        "                       [--sides quiverdb,lancedb] [--seed N] [--keep]\n",
    );
    process.exit(0);
  }
  const base = values.quick ? QUICK : FULL;
  const count = (name, fallback, min) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} takes an integer >= ${min}, got "${raw}"`);
    return n;
  };
  const only = values.only.split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of only) {
    if (!WORKLOADS.includes(name)) throw new Error(`--only: unknown workload "${name}"; expected some of ${WORKLOADS.join(", ")}`);
  }
  let embedSizes = base.embedSizes;
  if (values["embed-sizes"] !== undefined) {
    embedSizes = values["embed-sizes"].split(",").map((raw) => {
      const n = Number(raw.trim());
      if (!Number.isInteger(n) || n < 100) throw new Error(`--embed-sizes takes integers >= 100 separated by commas, got "${values["embed-sizes"]}"`);
      return n;
    });
  }
  const sides = values.sides.split(",").map((s) => s.trim()).filter(Boolean);
  for (const side of sides) {
    if (!SIDE_NAMES.includes(side)) throw new Error(`--sides: unknown side "${side}"; expected ${SIDE_NAMES.join(", ")}`);
  }
  return {
    preset: `${values.quick ? "quick" : "full"}${["rows", "queries", "warmup", "runs", "cold-runs", "embed-sizes", "embed-runs", "embed-queries", "slow-batches", "fts-rows", "fts-queries"].some((name) => values[name] !== undefined) ? " with overrides" : ""}`,
    only: WORKLOADS.filter((name) => only.includes(name)),
    rows: count("rows", base.rows, BATCHES),
    queries: count("queries", base.queries, 1),
    warmup: count("warmup", base.warmup, 0),
    runs: count("runs", base.runs, 1),
    coldRuns: count("cold-runs", base.coldRuns, 0),
    embedSizes,
    embedRuns: count("embed-runs", base.embedRuns, 1),
    embedQueries: count("embed-queries", base.embedQueries, 1),
    slowBatches: count("slow-batches", base.slowBatches, 1),
    ftsRows: count("fts-rows", base.ftsRows, K),
    ftsQueries: count("fts-queries", base.ftsQueries, 1),
    sides: SIDE_NAMES.filter((name) => sides.includes(name)),
    seed: count("seed", 0, 0),
    keep: values.keep,
    vectorIndex: vectorIndexConfig({ quick: values.quick, large: values.large, queries: values["vi-queries"] === undefined ? undefined : count("vi-queries", 0, 1), kinds: values["vi-kinds"]?.split(",").map((s) => s.trim()).filter(Boolean) }),
  };
}

function batchBounds(rows) {
  const size = Math.ceil(rows / BATCHES);
  return Array.from({ length: BATCHES }, (_, b) => [b * size, Math.min(rows, (b + 1) * size)]).filter(([s, e]) => e > s);
}

async function environment() {
  const rootArrow = JSON.parse(await readFile(new URL("../node_modules/apache-arrow/package.json", import.meta.url), "utf8"));
  const benchArrow = JSON.parse(await readFile(new URL("./node_modules/apache-arrow/package.json", import.meta.url), "utf8"));
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: `${cpus.length} x ${cpus[0]?.model ?? "unknown"}`,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    gcExposed: typeof globalThis.gc === "function",
    apacheArrowUsedByQuiverdb: rootArrow.version,
    apacheArrowUsedByBench: benchArrow.version,
  };
}

async function main() {
  const options = readOptions();
  const selected = new Set(options.only);
  const startedAt = new Date();
  const env = { ...(await environment()), loadAverageAtStart: os.loadavg().map((l) => +l.toFixed(2)) };
  const vectorWork = selected.has("ingest") || selected.has("search") || selected.has("cold");
  // search and cold open need the table ingest writes: without "ingest", one untimed Arrow ingest builds it.
  const tableOnly = !selected.has("ingest") && (selected.has("search") || selected.has("cold"));
  log(`quiverdb vs lancedb: ${describeRun(options)}`);
  log(`node ${env.node}, ${env.cpu}, load average ${env.loadAverageAtStart.join(" ")}`);

  const errors = [];
  const sides = [];
  for (const name of options.sides) {
    try {
      sides.push(await loadSide(name));
    } catch (error) {
      errors.push({ side: name, workload: "load", error: errorSummary(error) });
      log(`cannot load ${name}: ${error.message}`);
    }
  }
  const versions = Object.fromEntries(sides.map((side) => [side.name, side.version]));
  log(`versions: ${sides.map((side) => `${side.name} ${side.version}`).join(", ")}`);

  const workDir = await mkdtemp(join(os.tmpdir(), "quiver-bench-"));
  try {
    let metrics = [];
    let notes = [];
    let targets = [];
    const extraLines = [];
    const report = {
      startedAt: startedAt.toISOString(),
      options,
      versions,
      environment: env,
    };
    let bounds = [];

    if (vectorWork) {
      let clock = performance.now();
      const dataset = createDataset({ rows: options.rows, dims: DIMS, clusters: CLUSTERS, spread: SPREAD, seed: options.seed });
      const queries = createQueries(dataset, { count: options.queries, seed: options.seed + 1 });
      const warmupQueries = createQueries(dataset, { count: options.warmup, seed: options.seed + 2 });
      bounds = batchBounds(options.rows);
      const allModes = [
        { key: "rows", label: "JS row objects", batches: () => bounds.map(([s, e]) => toRowObjects(dataset, s, e)) },
        { key: "arrow", label: "Arrow Table", batches: () => bounds.map(([s, e]) => toArrowTable(arrow, dataset, s, e)) },
      ];
      const modes = (tableOnly ? allModes.filter((m) => m.key === "arrow") : allModes).map((m) => ({ ...m, batches: m.batches() }));
      log(`data generated in ${((performance.now() - clock) / 1000).toFixed(1)} s; work dir ${workDir}`);

      log(tableOnly ? "building the table for search and cold open (one untimed Arrow ingest)" : "ingest");
      const ingest = await runIngest({ sides, modes, rows: options.rows, runs: tableOnly ? 1 : options.runs, workDir, log });
      for (const mode of modes) mode.batches = undefined; // let the row objects go before searching

      const searchable = sides.filter((side) => ingest.keep[side.name]).map((side) => ({ ...side, tableDir: ingest.keep[side.name].dir }));
      const tableBytes = {};
      for (const side of searchable) tableBytes[side.name] = await folderBytes(side.tableDir);

      let search = {};
      let scenarios = [];
      let quality = { bySide: {}, matchingRows: {}, firstNeighbourOfQuery0: undefined };
      const queryArrays = queries.map((q) => Array.from(q));
      if (selected.has("search")) {
        log("search");
        scenarios = searchScenarios(SEARCH_FILTERS);
        search = await runSearch({ sides: searchable, scenarios, queries: queryArrays, warmupQueries: warmupQueries.map((q) => Array.from(q)), k: K, log });
        clock = performance.now();
        quality = scoreSearch(dataset, queries, scenarios, search);
        log(`ground truth computed in ${((performance.now() - clock) / 1000).toFixed(1)} s`);
      }

      let cold = {};
      let coldTruth;
      if (selected.has("cold")) {
        log("cold open");
        const queryFile = join(workDir, "query.json");
        await writeFile(queryFile, JSON.stringify(queryArrays[0]));
        cold = await runColdOpen({ sides: searchable, queryFile, tries: options.coldRuns, log });
        coldTruth = quality.firstNeighbourOfQuery0 ?? firstNeighbour(dataset, queries[0]);
      }

      metrics = buildMetrics({ sides: options.sides, selected, modes: tableOnly ? [] : modes, ingest, scenarios, search, quality, cold, tableBytes });
      notes = buildNotes({ sides: options.sides, ingest, search, quality, cold, coldTruth, errors });
      Object.assign(report, {
        config: { dims: DIMS, clusters: CLUSTERS, spread: SPREAD, batches: bounds.length, batchRows: bounds.map(([s, e]) => e - s), k: K, filters: SEARCH_FILTERS.map(({ key, where }) => ({ key, where })) },
        ingest: { tableOnly, keptTables: ingest.keep, results: ingest.results },
        search: stripResults(search),
        quality,
        coldOpen: cold,
        tableBytes,
      });
      // Drop the ingested tables before the embedding workload (unless --keep).
      if (!options.keep) for (const side of searchable) await rm(side.tableDir, { recursive: true, force: true });
    } else {
      for (const { side, workload, error } of errors) notes.push(`${side}: ${workload} failed: ${error.message}`);
    }

    if (selected.has("embedding")) {
      log("embedding");
      const embedding = await runEmbedding({
        sides,
        config: {
          sizes: options.embedSizes,
          runs: options.embedRuns,
          slowBatches: options.slowBatches,
          queryRows: EMBED_QUERY_ROWS,
          queries: options.embedQueries,
          warmup: EMBED_QUERY_WARMUP,
          seed: options.seed,
        },
        workDir,
        log,
      });
      const summary = summarizeEmbedding(embedding, options.sides);
      metrics.push(...summary.metrics);
      notes.push(...summary.notes);
      targets = summary.targets;
      report.embedding = embedding;
    }

    if (selected.has("fts")) {
      log("fts");
      const fts = await runFts({
        sides,
        config: { rows: options.ftsRows, queries: options.ftsQueries, warmup: options.warmup, seed: options.seed, dims: DIMS, clusters: CLUSTERS, spread: SPREAD, keep: options.keep },
        workDir,
        log,
      });
      const summary = summarizeFts(fts, options.sides);
      metrics.push(...summary.metrics);
      notes.push(...summary.notes);
      report.fts = stripFts(fts);
    }

    if (selected.has("vector-index")) {
      log("vector-index");
      const vi = await runVectorIndex({ sides, config: { ...options.vectorIndex, seed: options.seed, keep: options.keep }, workDir, log });
      const summary = await summarizeVectorIndex(vi, options.sides);
      metrics.push(...summary.metrics);
      notes.push(...summary.notes);
      extraLines.push(...summary.lines);
      report.vectorIndex = { ...stripVectorIndex(vi), targets: summary.targets };
    }

    if (selected.has("scalar-filter")) {
      log("scalar-filter");
      const sf = await runScalarFilter({ sides, config: { rows: options.rows, queries: options.queries, warmup: options.warmup, seed: options.seed, dims: DIMS, clusters: CLUSTERS, spread: SPREAD }, workDir, log });
      metrics.push(...sf.metrics);
      notes.push(...sf.notes);
      report.scalarFilter = sf.report;
    }

    const finishedAt = new Date();
    env.loadAverageAtEnd = os.loadavg().map((l) => +l.toFixed(2));
    const lines = [
      "",
      `quiverdb ${versions.quiverdb ?? "-"} vs @lancedb/lancedb ${versions.lancedb ?? "-"}: ${describeRun(options, bounds.length)}; medians`,
      `node ${env.node}, ${env.cpu}, load average ${env.loadAverageAtStart.join("/")} at start, ${env.loadAverageAtEnd.join("/")} at end; ${((finishedAt - startedAt) / 1000).toFixed(0)} s`,
      ...(vectorWork ? [`Arrow Tables are built once with apache-arrow ${env.apacheArrowUsedByBench} (LanceDB's peer range) and passed to both sides`] : []),
      "ratio = quiverdb / lancedb; 'better' says whether a higher or a lower value wins",
      "",
      ...formatTable(metrics),
      ...(targets.length ? ["", "targets (issue 3, quiverdb):", ...formatTargets(targets).map((t) => `  - ${t}`)] : []),
      ...extraLines,
      ...(notes.length ? ["", "notes:", ...notes.map((n) => `  - ${n}`)] : []),
      "",
    ];

    const resultsDir = new URL("./results/", import.meta.url);
    await mkdir(resultsDir, { recursive: true });
    const file = new URL(`${startedAt.toISOString().replace(/[:.]/g, "-")}.json`, resultsDir);
    Object.assign(report, {
      finishedAt: finishedAt.toISOString(),
      metrics: metrics.map((m) => ({ ...m, ratio: ratioOf(m), verdict: verdictOf(m) })),
      targets,
      notes,
      errors,
    });
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(lines.join("\n"));
    process.stdout.write(`full results: ${file.pathname}\n`);
  } finally {
    if (options.keep) log(`tables kept in ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  }
}

/** One line saying what this run measures. */
function describeRun(options, batches) {
  const parts = [];
  const selected = new Set(options.only);
  if (selected.has("ingest") || selected.has("search") || selected.has("cold")) {
    const vector = [`${options.rows.toLocaleString("en-US")} rows x ${DIMS}-dim float32${batches ? `, ${batches} batches` : ""}`];
    if (selected.has("ingest")) vector.push(`${options.runs} ingest runs`);
    if (selected.has("search")) vector.push(`k=${K}, ${options.queries} queries (${options.warmup} warm-up)`);
    if (selected.has("cold")) vector.push(`${options.coldRuns} cold opens`);
    parts.push(vector.join(", "));
  }
  if (selected.has("embedding")) {
    parts.push(
      `embedding: ${options.embedSizes.map((n) => n.toLocaleString("en-US")).join(" and ")} texts, ${options.embedRuns} runs, ` +
        `slow API ${options.slowBatches} batches, ${options.embedQueries} text queries on ${EMBED_QUERY_ROWS.toLocaleString("en-US")} rows`,
    );
  }
  if (selected.has("fts")) {
    parts.push(`fts: ${options.ftsRows.toLocaleString("en-US")} texts, k=${K}, ${options.ftsQueries} queries (${options.warmup} warm-up)`);
  }
  if (selected.has("scalar-filter")) parts.push(`scalar-filter: ${options.rows.toLocaleString("en-US")} rows x ${DIMS}, k=${K}, ${options.queries} queries (${options.warmup} warm-up)`);
  if (selected.has("vector-index")) {
    const vi = options.vectorIndex;
    parts.push(`vector-index: ${vi.rows.toLocaleString("en-US")} x ${vi.dims}, k=${K}, ${vi.queries} queries (${vi.warmup} warm-up) per setting`);
  }
  return `${parts.join("; ")} (${options.only.join(", ")}; ${options.preset})`;
}

/** The id of the nearest row to `query` (the cold-open check when search did not run). */
function firstNeighbour(dataset, query) {
  return exactTopK(dataset, computeDistances(dataset, query), 1, () => true).ids[0];
}

/** Recall@k, filter violations and distance errors of every side, against the brute-force truth. */
function scoreSearch(dataset, queries, scenarios, search) {
  const perSide = {};
  let firstNeighbourOfQuery0;
  const truths = [];
  for (let q = 0; q < queries.length; q++) {
    const distances = computeDistances(dataset, queries[q]);
    const truthByFilter = {};
    for (const scenario of scenarios) {
      const filter = scenario.filter;
      truthByFilter[filter.key] ??= exactTopK(dataset, distances, K, filter.matches);
      const truth = truthByFilter[filter.key];
      if (q === 0 && filter.where === undefined) firstNeighbourOfQuery0 = truth.ids[0];
      for (const [sideName, sideResult] of Object.entries(search)) {
        const record = sideResult.scenarios[scenario.key];
        if (!record || record.error || !record.results[q]) continue;
        const score = scoreResult(dataset, distances, truth, record.results[q], K, filter.matches);
        perSide[sideName] ??= {};
        const acc = (perSide[sideName][scenario.key] ??= { recalls: [], violations: 0, duplicates: 0, maxDistanceError: 0 });
        acc.recalls.push(score.recall);
        acc.violations += score.violations;
        acc.duplicates += score.duplicates;
        acc.maxDistanceError = Math.max(acc.maxDistanceError, score.maxDistanceError);
      }
    }
    truths.push(Object.fromEntries(Object.entries(truthByFilter).map(([key, t]) => [key, { matching: t.matching }])));
  }
  const summary = {};
  for (const [sideName, byScenario] of Object.entries(perSide)) {
    summary[sideName] = {};
    for (const [key, acc] of Object.entries(byScenario)) {
      summary[sideName][key] = {
        meanRecall: mean(acc.recalls),
        minRecall: Math.min(...acc.recalls),
        violations: acc.violations,
        duplicates: acc.duplicates,
        maxDistanceError: acc.maxDistanceError,
      };
    }
  }
  const matchingRows = Object.fromEntries(Object.keys(truths[0] ?? {}).map((key) => [key, truths[0][key].matching]));
  return { bySide: summary, matchingRows, firstNeighbourOfQuery0 };
}

function bySide(sides, pick) {
  return Object.fromEntries(sides.map((name) => [name, pick(name)]));
}

function buildMetrics({ sides, selected, modes, ingest, scenarios, search, quality, cold, tableBytes }) {
  const metrics = [];
  for (const mode of modes) {
    metrics.push({
      metric: `ingest, ${mode.label}`,
      unit: "rows/s",
      better: "higher",
      ...bySide(sides, (name) => {
        const runs = ingest.results[name]?.[mode.key]?.runs ?? [];
        const good = runs.filter((r) => !r.error).map((r) => r.rowsPerSecond);
        return good.length ? median(good) : runs.length ? "error" : undefined;
      }),
    });
  }
  for (const scenario of scenarios) {
    for (const [stat, label] of [["median", "median"], ["p95", "p95"]]) {
      metrics.push({
        metric: `search k=${K} ${scenario.label}, ${label}`,
        unit: "ms",
        better: "lower",
        ...bySide(sides, (name) => {
          const record = search[name]?.scenarios[scenario.key];
          if (search[name]?.error || record?.error) return "error";
          return record ? summarize(record.latenciesMs)[stat] : undefined;
        }),
      });
    }
  }
  for (const scenario of scenarios) {
    metrics.push({
      metric: `recall@${K} ${scenario.label}`,
      unit: "recall",
      better: "higher",
      ...bySide(sides, (name) => quality.bySide[name]?.[scenario.key]?.meanRecall ?? (search[name] ? "error" : undefined)),
    });
  }
  if (selected.has("search")) {
    metrics.push({
      metric: "max _distance error vs JS squared L2",
      unit: "relative error",
      better: "none",
      ...bySide(sides, (name) => {
        const values = Object.values(quality.bySide[name] ?? {}).map((s) => s.maxDistanceError);
        return values.length ? Math.max(...values) : undefined;
      }),
    });
  }
  const coldStat = (field) => (name) => {
    const tries = cold[name]?.tries ?? [];
    const good = tries.filter((t) => !t.error).map((t) => t[field]);
    return good.length ? median(good) : tries.length ? "error" : undefined;
  };
  if (selected.has("cold")) {
    metrics.push({ metric: "cold: import + open + first query, in child", unit: "ms", better: "lower", ...bySide(sides, coldStat("importToFirstResultMs")) });
    metrics.push({ metric: "cold: of which import of the library", unit: "ms", better: "lower", ...bySide(sides, coldStat("importMs")) });
    metrics.push({ metric: "cold: whole child process, wall", unit: "ms", better: "lower", ...bySide(sides, coldStat("wallMs")) });
  }
  metrics.push({
    metric: "table size on disk",
    unit: "MB",
    better: "lower",
    ...bySide(sides, (name) => (tableBytes[name] === undefined ? undefined : tableBytes[name] / 1e6)),
  });
  return metrics;
}

function buildNotes({ sides, ingest, search, quality, cold, coldTruth, errors }) {
  const notes = [];
  for (const { side, workload, error } of errors) notes.push(`${side}: ${workload} failed: ${error.message}`);
  for (const name of sides) {
    for (const [mode, { runs }] of Object.entries(ingest.results[name] ?? {})) {
      const failed = runs.filter((r) => r.error);
      if (failed.length) notes.push(`${name}: ingest (${mode}) failed in ${failed.length}/${runs.length} runs: ${failed[0].error.message}`);
    }
    const kept = ingest.keep[name];
    if (kept && kept.mode !== "arrow") notes.push(`${name}: search and cold open use the table ingested from row objects (the Arrow ingest failed)`);
    if (search[name]?.error) notes.push(`${name}: search could not start: ${search[name].error.message}`);
    const indices = search[name]?.indices;
    if (indices && !Array.isArray(indices)) notes.push(`${name}: listIndices() failed (${indices.error.message}); the table was not checked for indices`);
    for (const [key, record] of Object.entries(search[name]?.scenarios ?? {})) {
      if (record.error) notes.push(`${name}: search ${key} failed: ${record.error.message}`);
    }
    for (const [key, s] of Object.entries(quality.bySide[name] ?? {})) {
      if (s.violations) notes.push(`${name}: search ${key} returned ${s.violations} rows that fail the filter or do not exist`);
      if (s.duplicates) notes.push(`${name}: search ${key} returned ${s.duplicates} duplicate rows`);
      if (s.maxDistanceError > 1e-3) notes.push(`${name}: search ${key} reports _distance off by up to ${(s.maxDistanceError * 100).toFixed(1)}% from squared L2`);
    }
    const tries = cold[name]?.tries ?? [];
    const failed = tries.filter((t) => t.error);
    if (failed.length) notes.push(`${name}: cold open failed in ${failed.length}/${tries.length} tries: ${failed[0].error.message}`);
    const wrong = tries.filter((t) => !t.error && t.firstId !== coldTruth);
    if (wrong.length) notes.push(`${name}: cold open returned nearest id ${wrong[0].firstId}, expected ${coldTruth}`);
  }
  return notes;
}

/** The search results without the per-query ids (they only feed the recall numbers). */
function stripResults(search) {
  return Object.fromEntries(
    Object.entries(search).map(([name, s]) => [
      name,
      {
        ...s,
        scenarios: Object.fromEntries(
          Object.entries(s.scenarios).map(([key, r]) => [key, { error: r.error, summary: summarize(r.latenciesMs), latenciesMs: r.latenciesMs }]),
        ),
      },
    ]),
  );
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});

/**
 * Filtered search with scalar indexes (issue point "scalar indexes"): both sides
 * get the same table (N rows x 384 dims, `category` c0..c9, `price` in [0, 1000),
 * 10 fragments), then `createIndex("category", Index.bitmap())` and
 * `createIndex("price", Index.btree())` (timed). Measured per query, interleaved
 * (the side order flips every query, the scenario order rotates):
 *
 * - filtered vector search, k=10 (prefilter): `where category = 'c3'`, and
 *   `where price BETWEEN lo AND lo + 50` (~5% of rows) with lo varying per query;
 * - filtered scans `query().where(...).limit(100)` with the same predicates
 *   (a different category / price window per query).
 *
 * Agreement: the vector searches must return the same ids on both sides (exact
 * search over the same rows); the scans must return rows that satisfy the filter,
 * and as many as the other side.
 */

import { join } from "node:path";
import * as arrow from "apache-arrow";
import { CATEGORIES, createDataset, createQueries, toArrowTable } from "../lib/dataset.mjs";
import { collectGarbage, errorSummary } from "../lib/runtime.mjs";
import { median } from "../lib/stats.mjs";
import { closeQuietly } from "./ingest.mjs";

const TABLE_NAME = "scalar";
const K = 10;
const SCAN_LIMIT = 100;
const FRAGMENTS = 10;

const SCENARIOS = [
  { key: "knn-category", label: "vector search k=10, where category = 'cN'", vector: true, where: (q) => `category = '${CATEGORIES[q % 10]}'` },
  { key: "knn-price", label: "vector search k=10, where price BETWEEN x AND x+50", vector: true, where: (q) => priceWindow(q) },
  { key: "scan-category", label: "scan where category = 'cN' limit 100", vector: false, where: (q) => `category = '${CATEGORIES[(q * 7) % 10]}'` },
  { key: "scan-price", label: "scan where price BETWEEN x AND x+50 limit 100", vector: false, where: (q) => priceWindow(q * 3) },
];

function priceWindow(q) {
  const low = (q * 37) % 950;
  return `price BETWEEN ${low} AND ${low + 50}`;
}

/**
 * @param {object} options
 * @param {Array<{ name: string, module: any }>} options.sides
 * @param {{ rows: number, queries: number, warmup: number, seed: number, dims: number, clusters: number, spread: number }} options.config
 * @param {string} options.workDir
 * @param {(line: string) => void} options.log
 * @returns {{ metrics: object[], notes: string[], report: object }}
 */
export async function runScalarFilter({ sides, config, workDir, log }) {
  const dataset = createDataset({ rows: config.rows, dims: config.dims, clusters: config.clusters, spread: config.spread, seed: config.seed + 70 });
  const queries = createQueries(dataset, { count: config.queries, seed: config.seed + 71 }).map((q) => Array.from(q));
  const warmup = createQueries(dataset, { count: config.warmup, seed: config.seed + 72 }).map((q) => Array.from(q));
  const size = Math.ceil(config.rows / FRAGMENTS);
  const parts = Array.from({ length: FRAGMENTS }, (_, i) => toArrowTable(arrow, dataset, i * size, Math.min(config.rows, (i + 1) * size))).filter((t) => t.numRows > 0);

  const open = [];
  const report = { indexBuildMs: {}, errors: {}, scenarios: {} };
  for (const side of sides) {
    try {
      const db = await side.module.connect(join(workDir, `scalar-${side.name}`));
      const table = await db.createTable(TABLE_NAME, parts[0]);
      for (const part of parts.slice(1)) await table.add(part);
      const started = performance.now();
      await table.createIndex("category", { config: side.module.Index.bitmap() });
      await table.createIndex("price", { config: side.module.Index.btree() });
      report.indexBuildMs[side.name] = performance.now() - started;
      open.push({ side, db, table });
      log(`  ${side.name}: table and scalar indexes ready (indexes ${report.indexBuildMs[side.name].toFixed(0)} ms)`);
    } catch (error) {
      report.errors[side.name] = errorSummary(error);
      log(`  scalar-filter ${side.name}: setup failed: ${error.message}`);
    }
  }

  const cells = {};
  for (const { side } of open) for (const s of SCENARIOS) cells[`${side.name}/${s.key}`] = { latenciesMs: [], results: [] };
  collectGarbage();
  for (const [phase, vectors] of [["warmup", warmup], ["timed", queries]]) {
    for (let q = 0; q < vectors.length; q++) {
      for (let s = 0; s < SCENARIOS.length; s++) {
        const scenario = SCENARIOS[((q >> 1) + s) % SCENARIOS.length];
        const order = q % 2 === 0 ? open : [...open].reverse();
        for (const { side, table } of order) {
          const cell = cells[`${side.name}/${scenario.key}`];
          if (cell.error) continue;
          try {
            const where = scenario.where(q);
            const started = performance.now();
            const rows = scenario.vector
              ? await table.search(vectors[q]).where(where).limit(K).select(["id"]).toArray()
              : await table.query().where(where).limit(SCAN_LIMIT).select(["id", "category", "price"]).toArray();
            const ms = performance.now() - started;
            if (phase === "timed") {
              cell.latenciesMs.push(ms);
              cell.results.push({ where, ids: rows.map((r) => r.id), rows: scenario.vector ? undefined : rows.map((r) => ({ category: r.category, price: r.price })) });
            }
          } catch (error) {
            cell.error = errorSummary(error);
            log(`  scalar-filter ${side.name} ${scenario.label}: ERROR ${error.message}`);
          }
        }
      }
    }
    log(`  ${phase}: ${vectors.length} queries x ${SCENARIOS.length} scenarios done`);
  }
  for (const { db, table } of open) {
    await closeQuietly(table);
    await closeQuietly(db);
  }

  const names = sides.map((s) => s.name);
  const metrics = [];
  const notes = [];
  for (const scenario of SCENARIOS) {
    metrics.push({
      metric: `scalar index: ${scenario.label}, median`,
      unit: "ms",
      better: "lower",
      ...Object.fromEntries(names.map((n) => [n, cellMedian(cells[`${n}/${scenario.key}`])])),
    });
    report.scenarios[scenario.key] = Object.fromEntries(names.map((n) => [n, { latenciesMs: cells[`${n}/${scenario.key}`]?.latenciesMs, error: cells[`${n}/${scenario.key}`]?.error }]));
  }
  metrics.push({ metric: "scalar index: build bitmap(category) + btree(price)", unit: "ms", better: "lower", ...Object.fromEntries(names.map((n) => [n, report.indexBuildMs[n]])) });
  for (const [name, error] of Object.entries(report.errors)) notes.push(`${name}: scalar-filter setup failed: ${error.message}`);
  if (names.length === 2) notes.push(...agreement(cells, names, dataset));
  return { metrics, notes, report };
}

function cellMedian(cell) {
  if (!cell) return undefined;
  if (cell.error) return "error";
  return cell.latenciesMs.length ? median(cell.latenciesMs) : undefined;
}

/** Notes on how far the two sides agree: identical k-NN ids, valid and equally many scan rows. */
function agreement(cells, [ours, theirs], dataset) {
  const notes = [];
  for (const scenario of SCENARIOS) {
    const a = cells[`${ours}/${scenario.key}`];
    const b = cells[`${theirs}/${scenario.key}`];
    if (!a || !b || a.error || b.error) continue;
    let same = 0;
    let invalid = 0;
    for (let q = 0; q < a.results.length; q++) {
      const x = a.results[q];
      const y = b.results[q];
      if (scenario.vector) {
        if (JSON.stringify(x.ids) === JSON.stringify(y.ids)) same++;
      } else {
        if (x.ids.length === y.ids.length) same++;
        invalid += x.ids.filter((id) => !matches(x.where, dataset, id)).length;
      }
    }
    const what = scenario.vector ? "identical ids" : "as many rows";
    notes.push(`scalar-filter ${scenario.label}: ${same}/${a.results.length} queries with ${what} on both sides${invalid ? `; ${ours} returned ${invalid} rows failing the filter` : ""}`);
  }
  return notes;
}

/** The filter in JS, for checking scan rows by id. */
function matches(where, dataset, id) {
  const category = /^category = 'c(\d)'$/.exec(where);
  if (category) return dataset.categoryCodes[id] === Number(category[1]);
  const price = /^price BETWEEN (\d+) AND (\d+)$/.exec(where);
  const p = dataset.prices[id];
  return price !== null && p >= Number(price[1]) && p <= Number(price[2]);
}

/**
 * Vector indexes: approximate k-nearest-neighbour search against exact ground
 * truth, on both sides through LanceDB's API.
 *
 * 1. One table per (side, index kind), created from one Arrow table (untimed);
 *    then `createIndex("vector", { config })` is timed once (builds take
 *    seconds to minutes, so this is one build, not a median), and the files
 *    under the table's `_indices/` folder are summed as the index size. A kind
 *    a side does not build (NotSupportedError) is reported as "not built", so
 *    the workload runs before and after a side gains an index kind.
 * 2. Every (side, index, query setting) cell, plus one exact search per side
 *    (`bypassVectorIndex()`), runs the same queries one at a time: warm-up
 *    queries first, then the timed ones, the cell order rotating every query
 *    so a noisy moment of the machine falls on all cells alike.
 * 3. recall@10 per cell against a brute-force ground truth in JS (the scorer of
 *    the exact search workload: squared L2 in float64, near-ties count as hits),
 *    p50 and p95 latency; per side the fastest setting reaching recall 0.95,
 *    the ratios against the issue's targets, a recall/latency plot (SVG) and
 *    the table as markdown and JSON in bench/results/.
 */

import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as arrow from "apache-arrow";
import { CATEGORY_COUNT, toArrowTable } from "../lib/dataset.mjs";
import { computeDistances, exactTopK, scoreResult } from "../lib/ground-truth.mjs";
import { collectGarbage, errorSummary, folderBytes } from "../lib/runtime.mjs";
import { mean, median, percentile } from "../lib/stats.mjs";
import { createRandom } from "../lib/seeded-random.mjs";
import { renderPlot } from "../lib/svg-plot.mjs";
import { closeQuietly } from "./ingest.mjs";

const TABLE_NAME = "vi";
const K = 10;
/** The recall the issue's latency target is stated at. */
const RECALL_TARGET = 0.95;
/** Issue targets: quiverdb p50 <= 0.5 x LanceDB's best p50 at equal recall; build time <= 1 x. */
const LATENCY_RATIO_TARGET = 0.5;
const BUILD_RATIO_TARGET = 1;

const NPROBES = [5, 10, 20, 50, 100];
const EFS = [16, 32, 64, 128, 256];
/** undefined: no refine step. 5: re-rank 5 x k candidates by their full vectors. */
const REFINES = [undefined, 5];
/** LanceDB's HNSW defaults (m 20, ef_construction 300), passed to both sides so both build the same graph. */
const HNSW = { m: 20, efConstruction: 300 };

/**
 * The data (see createStructuredDataset): CLUSTERS centres, each cluster a
 * LATENT-dimensional Gaussian blob (scale SPREAD per output dimension) laid
 * into the full space by its own random linear map, plus isotropic NOISE.
 */
const DATA = { clusters: 10, latent: 16, spread: 0.5, noise: 0.1 };

/** Sizes: 100k x 384 (the issue's main run), 1M x 128 with --large; --quick shrinks both. */
export const VECTOR_INDEX_PRESETS = {
  full: { rows: 100_000, dims: 384, queries: 200, warmup: 20 },
  quick: { rows: 10_000, dims: 384, queries: 50, warmup: 5 },
  large: { rows: 1_000_000, dims: 128, queries: 200, warmup: 20 },
  largeQuick: { rows: 100_000, dims: 128, queries: 50, warmup: 5 },
};

/** The preset for the flags; `queries` overrides the query count. */
export function vectorIndexConfig({ quick, large, queries, kinds }) {
  const preset = VECTOR_INDEX_PRESETS[large ? (quick ? "largeQuick" : "large") : quick ? "quick" : "full"];
  const known = indexKinds(preset).map((kind) => kind.key);
  for (const key of kinds ?? []) {
    if (!known.includes(key)) throw new Error(`--vi-kinds: unknown index kind "${key}"; expected some of ${known.join(", ")}`);
  }
  return { ...preset, ...(queries !== undefined ? { queries } : {}), kinds };
}

const ivfSettings = (refines) => NPROBES.flatMap((nprobes) => refines.map((refineFactor) => ({ nprobes, refineFactor })));
// With a refine step the index must hand back k x refineFactor candidates, and LanceDB refuses an
// ef below that ("ef must be greater than or equal to k"): such pairs are left out on both sides.
const hnswSettings = (refines) => EFS.flatMap((ef) => refines.filter((r) => ef >= K * (r ?? 1)).map((refineFactor) => ({ ef, refineFactor })));

/**
 * The index kinds, each with its config per side (undefined config: createIndex
 * without one, the side's default) and the query settings to run on it.
 * numPartitions: LanceDB's own default, sqrt(rows), stated explicitly so both sides
 * get the same; numSubVectors: dims / 8, twice the PQ code of LanceDB's default dims / 16.
 */
export function indexKinds({ rows, dims }) {
  const partitions = Math.max(1, Math.round(Math.sqrt(rows)));
  const subVectors = Math.max(1, Math.floor(dims / 8));
  return [
    {
      key: "default",
      label: "createIndex default",
      config: () => undefined,
      // What a default index is differs by side and version: pick the settings from listIndices().
      settings: settingsForListedType,
    },
    {
      key: "ivfPq",
      label: `IVF_PQ ${partitions} partitions, ${subVectors} sub-vectors`,
      config: (Index) => Index.ivfPq({ distanceType: "l2", numPartitions: partitions, numSubVectors: subVectors }),
      settings: () => ivfSettings(REFINES),
    },
    {
      key: "ivfFlat",
      label: `IVF_FLAT ${partitions} partitions`,
      config: (Index) => Index.ivfFlat({ distanceType: "l2", numPartitions: partitions }),
      // Full vectors already: a refine step would recompute the same distances.
      settings: () => ivfSettings([undefined]),
    },
    {
      key: "hnswSq",
      label: `HNSW_SQ m=${HNSW.m}, efConstruction=${HNSW.efConstruction} (LanceDB: 1 partition)`,
      // LanceDB's docs recommend numPartitions 1 for HNSW ("works well for most tables"): one graph
      // over all rows, like quiverdb's. Its IVF-partitioned default is the separate ivfHnswSq kind.
      config: (Index, side) => Index.hnswSq({ distanceType: "l2", ...HNSW, ...(side === "lancedb" ? { numPartitions: 1 } : {}) }),
      settings: () => hnswSettings(REFINES),
    },
    {
      key: "hnswPq",
      label: `HNSW_PQ m=${HNSW.m}, efConstruction=${HNSW.efConstruction}, ${subVectors} sub-vectors (LanceDB: 1 partition)`,
      config: (Index, side) => Index.hnswPq({ distanceType: "l2", ...HNSW, numSubVectors: subVectors, ...(side === "lancedb" ? { numPartitions: 1 } : {}) }),
      settings: () => hnswSettings(REFINES),
    },
    {
      key: "ivfHnswSq",
      label: "IVF_HNSW_SQ, LanceDB's default partitions",
      sides: ["lancedb"],
      config: (Index) => Index.hnswSq({ distanceType: "l2" }),
      settings: () => hnswSettings([undefined]),
    },
  ];
}

function settingsForListedType(indexType) {
  const type = String(indexType ?? "").toLowerCase();
  if (type.includes("hnsw")) return hnswSettings(REFINES);
  if (type.includes("flat")) return ivfSettings([undefined]);
  return ivfSettings(REFINES);
}

/** A short label of a query setting, printed beside its point in the plot. */
export function settingLabel(setting) {
  if (setting.bypass) return "exact";
  const parts = [];
  if (setting.nprobes !== undefined) parts.push(`np${setting.nprobes}`);
  if (setting.ef !== undefined) parts.push(`ef${setting.ef}`);
  if (setting.refineFactor !== undefined) parts.push(`rf${setting.refineFactor}`);
  return parts.join(" ") || "defaults";
}

/**
 * @param {object} options
 * @param {Array<{ name: string, module: any, version: string }>} options.sides
 * @param {{ rows: number, dims: number, queries: number, warmup: number, seed: number, clusters: number, spread: number, keep?: boolean, kinds?: string[] }} options.config
 * @param {string} options.workDir
 * @param {(line: string) => void} options.log
 */
export async function runVectorIndex({ sides, config, workDir, log }) {
  let clock = performance.now();
  const dataset = createStructuredDataset({ rows: config.rows, dims: config.dims, ...DATA, seed: config.seed + 50 });
  // Seeds of their own: the query vectors are drawn like the rows but are not rows of the table.
  const queries = drawPoints(dataset, config.queries, config.seed + 51).map((q) => Array.from(q));
  const warmup = drawPoints(dataset, config.warmup, config.seed + 52).map((q) => Array.from(q));
  const table = toArrowTable(arrow, dataset, 0, dataset.rows);
  log(`  data generated in ${((performance.now() - clock) / 1000).toFixed(1)} s (${config.rows} x ${config.dims})`);

  clock = performance.now();
  const truths = queries.map((q) => exactTopK(dataset, computeDistances(dataset, q), K, () => true));
  log(`  ground truth for ${queries.length} queries in ${((performance.now() - clock) / 1000).toFixed(1)} s`);

  const kinds = indexKinds(config).filter((kind) => !config.kinds || config.kinds.includes(kind.key));
  const results = Object.fromEntries(sides.map((side) => [side.name, { indexes: {} }]));
  const open = [];
  // Kind by kind, both sides in turn: a slow period of the machine hits both sides' builds of a kind.
  for (const kind of kinds) {
    for (const side of sides) {
      if (kind.sides && !kind.sides.includes(side.name)) continue;
      const record = (results[side.name].indexes[kind.key] = { label: kind.label, status: "pending", cells: {} });
      const dir = join(workDir, `vi-${side.name}-${kind.key}`);
      let db;
      let t;
      try {
        db = await side.module.connect(dir);
        t = await db.createTable(TABLE_NAME, table);
        const before = await folderBytes(dir);
        const indexConfig = kind.config(side.module.Index, side.name);
        collectGarbage();
        const start = performance.now();
        await t.createIndex("vector", indexConfig === undefined ? {} : { config: indexConfig });
        record.buildMs = performance.now() - start;
        record.tableBytesBefore = before;
        record.growthBytes = (await folderBytes(dir)) - before;
        record.indexBytes = await indicesBytes(dir);
        const indices = await t.listIndices();
        record.listed = indices.map(({ name, indexType, columns, sizeBytes }) => ({ name, indexType, columns, ...(sizeBytes !== undefined ? { sizeBytes: Number(sizeBytes) } : {}) }));
        const listed = indices.find((i) => i.columns?.includes("vector"));
        if (!listed) throw new Error(`no index on "vector" listed after createIndex: ${JSON.stringify(record.listed)}`);
        record.indexType = String(listed.indexType);
        record.status = "built";
        const settings = kind.settings(record.indexType);
        for (const setting of settings) record.cells[settingLabel(setting)] = { setting, latenciesMs: [], results: [] };
        open.push({ side, kind, db, table: t, dir, record });
        log(
          `  ${side.name} ${kind.key}: createIndex ${(record.buildMs / 1000).toFixed(1)} s, ${record.indexType}, ` +
            `${mb(record.indexBytes)} MB under _indices (folder grew ${mb(record.growthBytes)} MB)`,
        );
      } catch (error) {
        const notBuilt = error?.name === "NotSupportedError";
        record.status = notBuilt ? "not built" : "error";
        record.error = errorSummary(error);
        log(`  ${side.name} ${kind.key}: ${notBuilt ? "not built (NotSupportedError)" : `ERROR ${error.message}`}`);
        await closeQuietly(t);
        await closeQuietly(db);
        if (!config.keep) await rm(dir, { recursive: true, force: true });
      }
    }
  }

  // The exact baseline per side: the same queries with the index bypassed, on the side's first built table.
  for (const side of sides) {
    const first = open.find((o) => o.side === side);
    if (!first) continue;
    const record = (results[side.name].indexes.exact = { label: "exact (bypassVectorIndex)", status: "built", cells: {} });
    const setting = { bypass: true };
    record.cells.exact = { setting, latenciesMs: [], results: [] };
    open.push({ side, kind: { key: "exact" }, db: undefined, table: first.table, dir: undefined, record });
  }

  const cells = open.flatMap((o) => Object.values(o.record.cells).map((cell) => ({ table: o.table, cell, name: `${o.side.name} ${o.kind.key} ${settingLabel(cell.setting)}` })));
  log(`  ${cells.length} (index, setting) cells; ${warmup.length} warm-up + ${queries.length} timed queries each, one at a time`);
  collectGarbage();
  // Each query visits the cells in its own seeded random order: in a fixed order the first setting of each
  // table would always pay for that query's cold caches and the next ones (same table, same query) would not.
  const order = createRandom(0x5eed);
  for (const [phase, list] of [["warmup", warmup], ["timed", queries]]) {
    clock = performance.now();
    for (let q = 0; q < list.length; q++) {
      const visit = shuffled(cells.length, order);
      for (let c = 0; c < cells.length; c++) {
        const { table: t, cell, name } = cells[visit[c]];
        if (cell.error) continue;
        try {
          const { ms, result } = await timeQuery(t, list[q], cell.setting);
          if (phase === "timed") {
            cell.latenciesMs.push(ms);
            cell.results[q] = result;
          }
        } catch (error) {
          cell.error = errorSummary(error);
          log(`  ${name}: ERROR ${error.message}`);
        }
      }
    }
    log(`  ${phase}: ${list.length} queries x ${cells.length} cells in ${((performance.now() - clock) / 1000).toFixed(1)} s`);
  }

  for (const o of open) {
    if (o.kind.key === "exact") continue;
    await closeQuietly(o.table);
    await closeQuietly(o.db);
    if (!config.keep) await rm(o.dir, { recursive: true, force: true });
  }

  scoreCells(dataset, queries, truths, results);
  return {
    config: {
      rows: config.rows,
      dims: config.dims,
      ...DATA,
      k: K,
      queries: config.queries,
      warmup: config.warmup,
      distance: "l2",
      kinds: kinds.map(({ key, label, sides: only }) => ({ key, label, ...(only ? { sides: only } : {}) })),
    },
    versions: Object.fromEntries(sides.map((side) => [side.name, side.version])),
    results,
  };
}

/**
 * Clustered vectors with low-dimensional structure inside each cluster, the shape
 * of real embeddings (a few dozen effective dimensions) rather than isotropic noise.
 * The other workloads' data (isotropic blobs around 100 far-apart centres) is too
 * easy for an index: every true neighbour sits in the query's own blob, so IVF
 * recall does not move with nprobes and every HNSW setting finds the same rows.
 * Here a point is centre_c + SPREAD * B_c z + NOISE * e, with z ~ N(0, I_latent),
 * B_c a dims x latent matrix of N(0, 1/latent) entries (so B_c z has unit variance
 * per dimension) and e ~ N(0, I_dims): neighbours are decided along the latent
 * directions, and IVF partitions cut through each cluster, so nprobes and ef matter.
 * id / category / price are filled like the shared dataset (toArrowTable needs them).
 */
export function createStructuredDataset({ rows, dims, clusters, latent, spread, noise, seed }) {
  const random = createRandom(seed);
  const centres = new Float32Array(clusters * dims);
  for (let i = 0; i < centres.length; i++) centres[i] = random.gaussian();
  const bases = new Float32Array(clusters * dims * latent);
  const scale = 1 / Math.sqrt(latent);
  for (let i = 0; i < bases.length; i++) bases[i] = random.gaussian() * scale;
  const dataset = { rows, dims, clusters, latent, spread, noise, centres, bases };
  const vectors = new Float32Array(rows * dims);
  const ids = new Int32Array(rows);
  const categoryCodes = new Uint8Array(rows);
  const prices = new Float64Array(rows);
  const z = new Float64Array(latent);
  for (let row = 0; row < rows; row++) {
    writePoint(dataset, random, z, vectors.subarray(row * dims, (row + 1) * dims));
    ids[row] = row;
    categoryCodes[row] = random.integer(CATEGORY_COUNT);
    prices[row] = Math.round(random.uniform() * 100_000) / 100;
  }
  return Object.assign(dataset, { vectors, ids, categoryCodes, prices });
}

/** `count` new points drawn like the rows, from their own seed. */
function drawPoints(dataset, count, seed) {
  const random = createRandom(seed);
  const z = new Float64Array(dataset.latent);
  return Array.from({ length: count }, () => writePoint(dataset, random, z, new Float32Array(dataset.dims)));
}

function writePoint({ dims, clusters, latent, spread, noise, centres, bases }, random, z, out) {
  const c = random.integer(clusters);
  for (let j = 0; j < latent; j++) z[j] = random.gaussian();
  const centre = c * dims;
  const basis = c * dims * latent;
  for (let d = 0; d < dims; d++) {
    let v = 0;
    const rowOfB = basis + d * latent;
    for (let j = 0; j < latent; j++) v += bases[rowOfB + j] * z[j];
    out[d] = centres[centre + d] + spread * v + noise * random.gaussian();
  }
  return out;
}

/** Bytes of every file under the `_indices` folder(s) below `dir` (LanceDB and quiverdb both keep indexes there). */
async function indicesBytes(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    total += entry.name === "_indices" ? await folderBytes(path) : await indicesBytes(path);
  }
  return total;
}

/**
 * One query; only building and awaiting it is timed. Only `id` is selected (plus
 * `_distance`, which a vector search always returns), so the time is the search,
 * not the conversion of ten 384-float vectors to JS.
 */
async function timeQuery(table, vector, setting) {
  const start = performance.now();
  let query = table.search(vector).select(["id"]).limit(K);
  if (setting.bypass) query = query.bypassVectorIndex();
  if (setting.nprobes !== undefined) query = query.nprobes(setting.nprobes);
  if (setting.ef !== undefined) query = query.ef(setting.ef);
  if (setting.refineFactor !== undefined) query = query.refineFactor(setting.refineFactor);
  const rows = await query.toArray();
  const ms = performance.now() - start;
  return { ms, result: { ids: rows.map((r) => Number(r.id)), distances: rows.map((r) => Number(r._distance)) } };
}

/** Exact squared L2 from a query to one row, in float64 as the ground truth computes it. */
function squaredL2(dataset, row, query) {
  const { dims, vectors } = dataset;
  const base = row * dims;
  let sum = 0;
  for (let d = 0; d < dims; d++) {
    const diff = vectors[base + d] - query[d];
    sum += diff * diff;
  }
  return sum;
}

/**
 * recall@10 (mean and min over queries) and the largest `_distance` error of every cell.
 * scoreResult reads exact distances by row id; only the returned rows' distances are
 * computed (a full distance array per query would be 8 MB at 1M rows).
 */
function scoreCells(dataset, queries, truths, results) {
  const allCells = Object.values(results).flatMap((side) => Object.values(side.indexes).flatMap((index) => Object.values(index.cells)));
  for (let q = 0; q < queries.length; q++) {
    const exact = {};
    for (const cell of allCells) {
      for (const id of cell.results[q]?.ids ?? []) {
        if (Number.isInteger(id) && id >= 0 && id < dataset.rows && exact[id] === undefined) exact[id] = squaredL2(dataset, id, queries[q]);
      }
    }
    for (const cell of allCells) {
      const result = cell.results[q];
      if (!result) continue;
      const score = scoreResult(dataset, exact, truths[q], result, K, () => true);
      (cell.recalls ??= []).push(score.recall);
      cell.violations = (cell.violations ?? 0) + score.violations + score.duplicates;
      cell.maxDistanceError = Math.max(cell.maxDistanceError ?? 0, score.maxDistanceError);
    }
  }
  for (const cell of allCells) {
    cell.recall = cell.recalls?.length ? mean(cell.recalls) : undefined;
    cell.minRecall = cell.recalls?.length ? Math.min(...cell.recalls) : undefined;
    cell.p50 = cell.latenciesMs.length ? median(cell.latenciesMs) : undefined;
    cell.p95 = cell.latenciesMs.length ? percentile(cell.latenciesMs, 95) : undefined;
  }
}

/** Every measured (side, index, setting) row, in run order. */
function rowsOf(vi) {
  const rows = [];
  for (const [sideName, side] of Object.entries(vi.results)) {
    for (const [kindKey, index] of Object.entries(side.indexes)) {
      if (index.status !== "built") {
        rows.push({ side: sideName, kind: kindKey, label: index.label, status: index.status, error: index.error });
        continue;
      }
      for (const [settingKey, cell] of Object.entries(index.cells)) {
        rows.push({
          side: sideName,
          kind: kindKey,
          label: index.label,
          status: cell.error ? "error" : "built",
          error: cell.error,
          indexType: index.indexType,
          setting: settingKey,
          refine: cell.setting.refineFactor,
          recall: cell.recall,
          minRecall: cell.minRecall,
          p50: cell.p50,
          p95: cell.p95,
          maxDistanceError: cell.maxDistanceError,
          violations: cell.violations,
          buildMs: index.buildMs,
          indexBytes: index.indexBytes,
        });
      }
    }
  }
  return rows;
}

/** Per side: the lowest-p50 indexed setting (exact search excluded) with recall >= RECALL_TARGET. */
function bestOf(rows, sideName) {
  const eligible = rows.filter((r) => r.side === sideName && r.kind !== "exact" && r.status === "built" && r.recall !== undefined && r.recall >= RECALL_TARGET && r.p50 !== undefined);
  return eligible.sort((a, b) => a.p50 - b.p50)[0];
}

/** Table rows, notes, the printed detail lines and the issue's targets; writes the SVG, markdown and JSON files. */
export async function summarizeVectorIndex(vi, sideNames) {
  const rows = rowsOf(vi);
  const bySide = (pick) => Object.fromEntries(sideNames.map((name) => [name, pick(name)]));
  const indexOf = (name, kind) => vi.results[name]?.indexes[kind];
  const statusValue = (index) => (index === undefined ? undefined : index.status === "built" ? undefined : index.status);
  const metrics = [];
  const { rows: n, dims } = vi.config;
  const size = `${n.toLocaleString("en-US")}x${dims}`;
  for (const kind of vi.config.kinds) {
    metrics.push({
      metric: `vector index ${size}: build ${kind.label}`,
      unit: "ms",
      better: "lower",
      ...bySide((name) => statusValue(indexOf(name, kind.key)) ?? indexOf(name, kind.key)?.buildMs),
    });
    metrics.push({
      metric: `vector index ${size}: size on disk, ${kind.key}`,
      unit: "MB",
      better: "lower",
      ...bySide((name) => statusValue(indexOf(name, kind.key)) ?? (indexOf(name, kind.key) ? indexOf(name, kind.key).indexBytes / 1e6 : undefined)),
    });
  }
  const best = bySide((name) => bestOf(rows, name));
  const noBest = (name) => (vi.results[name] ? "none >= 0.95" : undefined);
  metrics.push({ metric: `vector index ${size}: best p50 at recall@${K} >= ${RECALL_TARGET}`, unit: "ms", better: "lower", ...bySide((name) => best[name]?.p50 ?? noBest(name)) });
  metrics.push({ metric: `vector index ${size}: p95 of that setting`, unit: "ms", better: "lower", ...bySide((name) => best[name]?.p95 ?? noBest(name)) });
  metrics.push({ metric: `vector index ${size}: recall@${K} of that setting`, unit: "recall", better: "higher", ...bySide((name) => best[name]?.recall ?? noBest(name)) });
  metrics.push({ metric: `vector index ${size}: build of that setting's index`, unit: "ms", better: "lower", ...bySide((name) => best[name]?.buildMs ?? noBest(name)) });
  const exactRow = (name) => rows.find((r) => r.side === name && r.kind === "exact");
  metrics.push({ metric: `vector index ${size}: exact search (bypassVectorIndex) p50`, unit: "ms", better: "lower", ...bySide((name) => exactRow(name)?.p50) });

  const targets = [];
  const [ours, theirs] = [best.quiverdb, best.lancedb];
  const ratio = (a, b) => (a !== undefined && b !== undefined ? a / b : undefined);
  targets.push({
    target: `p50 at recall@${K} >= ${RECALL_TARGET}, best setting / LanceDB's best`,
    value: ratio(ours?.p50, theirs?.p50),
    unit: "x",
    goal: "<=",
    limit: LATENCY_RATIO_TARGET,
    detail: `quiverdb ${describeBest(ours, vi.results.quiverdb)}; lancedb ${describeBest(theirs, vi.results.lancedb)}`,
  });
  targets.push({
    target: "build time of that index / LanceDB's (one build each)",
    value: ratio(ours?.buildMs, theirs?.buildMs),
    unit: "x",
    goal: "<=",
    limit: BUILD_RATIO_TARGET,
    detail: `quiverdb ${ours ? `${(ours.buildMs / 1000).toFixed(1)} s (${ours.kind})` : "n/a"}; lancedb ${theirs ? `${(theirs.buildMs / 1000).toFixed(1)} s (${theirs.kind})` : "n/a"}`,
  });
  targets.push({
    target: "index size on disk, that index / LanceDB's (reported, no target)",
    value: ratio(ours?.indexBytes, theirs?.indexBytes),
    unit: "x",
    goal: "report",
    limit: undefined,
    detail: `quiverdb ${ours ? `${mb(ours.indexBytes)} MB` : "n/a"}; lancedb ${theirs ? `${mb(theirs.indexBytes)} MB` : "n/a"}`,
  });
  for (const t of targets) t.met = t.goal === "report" || t.value === undefined ? undefined : t.value <= t.limit;

  const notes = [];
  notes.push(
    `vector index: ${size} float32, ${vi.config.queries} queries (${vi.config.warmup} warm-up) per setting, k=${K}, L2; ` +
      "build times are one build each (not a median); latencies are medians/p95 of sequential queries selecting only id",
  );
  for (const r of rows) {
    if (r.status === "not built") notes.push(`${r.side}: vector index ${r.kind} not built: ${r.error?.message ?? ""}`.slice(0, 300));
    else if (r.status === "error") notes.push(`${r.side}: vector index ${r.kind}${r.setting ? ` ${r.setting}` : ""} failed: ${r.error?.message ?? ""}`.slice(0, 300));
    else if (r.violations) notes.push(`${r.side}: vector index ${r.kind} ${r.setting} returned ${r.violations} duplicate or unknown rows`);
  }
  // Recall should rise with nprobes / ef at a fixed refine; a drop of more than noise suggests a setting is ignored.
  for (const name of sideNames) {
    for (const [kindKey, index] of Object.entries(vi.results[name]?.indexes ?? {})) {
      const bySeries = new Map();
      for (const cell of Object.values(index.cells)) {
        const key = cell.setting.refineFactor ?? "none";
        if (!bySeries.has(key)) bySeries.set(key, []);
        bySeries.get(key).push(cell);
      }
      for (const [refine, list] of bySeries) {
        const recalls = list.map((c) => c.recall).filter((r) => r !== undefined);
        // A flat series near 1 is a quantization ceiling, not a setting being ignored.
        if (recalls.length > 2 && Math.max(...recalls) - Math.min(...recalls) < 0.005 && Math.max(...recalls) < 0.97) {
          notes.push(
            `${name}: vector index ${kindKey} (refine ${refine}): recall does not move with the search setting (${recalls.map((r) => r.toFixed(3)).join(", ")}): ` +
              "the setting is ignored or the index has too few partitions for it to matter",
          );
        }
      }
    }
  }

  const lines = [
    "",
    `vector index ${size}: every setting (recall@${K} vs exact; p50/p95 of ${vi.config.queries} sequential queries)`,
    ...formatRows(rows),
    "",
    "targets (vector indexes, quiverdb):",
    ...targets.map((t) => `  - ${formatTarget(t)}`),
  ];
  const files = await writeFiles(vi, rows, targets, best);
  lines.push(`  vector index files: ${files.map((p) => p.replace(/^.*\/bench\//, "bench/")).join(", ")}`);
  return { metrics, notes, targets, lines };
}

function describeBest(row, sideResult) {
  if (!sideResult) return "not run";
  if (!row) return `no setting reaches recall ${RECALL_TARGET}`;
  return `${row.kind} ${row.setting}: p50 ${fmtMs(row.p50)} ms, recall ${row.recall.toFixed(3)}`;
}

function formatTarget(t) {
  const value = t.value === undefined ? "n/a" : `${t.value.toFixed(2)}x`;
  const verdict = t.goal === "report" ? "reported" : t.met === undefined ? "not measured" : t.met ? "met" : "MISSED";
  const goal = t.goal === "report" ? "" : `, target ${t.goal} ${t.limit}x`;
  return `${t.target}: ${value}${goal}: ${verdict} (${t.detail})`;
}

const mb = (bytes) => (bytes === undefined ? "n/a" : (bytes / 1e6).toFixed(1));
const fmtMs = (ms) => (ms === undefined ? "n/a" : ms < 1 ? ms.toFixed(3) : ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));

/** The detail table as fixed-width text lines. */
function formatRows(rows) {
  const header = ["side", "index", "setting", "recall@10", "min", "p50 ms", "p95 ms", "build s", "index MB"];
  const body = rows.map((r) =>
    r.status !== "built" && r.setting === undefined
      ? [r.side, r.kind, r.status, "", "", "", "", "", ""]
      : [
          r.side,
          r.kind,
          r.status === "built" ? r.setting : `${r.setting} (error)`,
          r.recall?.toFixed(3) ?? "n/a",
          r.minRecall?.toFixed(2) ?? "n/a",
          fmtMs(r.p50),
          fmtMs(r.p95),
          r.buildMs === undefined ? "-" : (r.buildMs / 1000).toFixed(1),
          r.indexBytes === undefined ? "-" : mb(r.indexBytes),
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => (i >= 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
}

/** The same table in markdown, with the summary, for a closing note. */
function markdown(vi, rows, targets, best) {
  const { rows: n, dims } = vi.config;
  const out = [
    `# Vector indexes, ${n.toLocaleString("en-US")} x ${dims} float32`,
    "",
    `quiverdb ${vi.versions.quiverdb ?? "-"} vs @lancedb/lancedb ${vi.versions.lancedb ?? "-"}; ${vi.config.clusters} clusters, each a ${vi.config.latent}-dim Gaussian blob (scale ${vi.config.spread}) mapped into ${dims} dims plus noise ${vi.config.noise}; L2, k=${K}; ` +
      `${vi.config.queries} queries per setting after ${vi.config.warmup} warm-up, one at a time, selecting only \`id\`. ` +
      "Build time is one build per index (not a median). Index size = files under the table's `_indices/`.",
    "",
    "| side | index | setting | recall@10 | p50 ms | p95 ms | build s | index MB |",
    "|---|---|---|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    if (r.setting === undefined) {
      out.push(`| ${r.side} | ${r.kind} | ${r.status} | | | | | |`);
      continue;
    }
    const bold = best[r.side] === r ? "**" : "";
    out.push(
      `| ${r.side} | ${r.kind} | ${bold}${r.setting}${bold} | ${r.recall?.toFixed(3) ?? "n/a"} | ${fmtMs(r.p50)} | ${fmtMs(r.p95)} | ` +
        `${r.buildMs === undefined ? "-" : (r.buildMs / 1000).toFixed(1)} | ${r.indexBytes === undefined ? "-" : mb(r.indexBytes)} |`,
    );
  }
  out.push("", "Index kinds:", "");
  for (const kind of vi.config.kinds) out.push(`- \`${kind.key}\`: ${kind.label}${kind.sides ? ` (${kind.sides.join(", ")} only)` : ""}`);
  out.push("", `Targets (bold rows: each side's fastest setting with recall@10 >= ${RECALL_TARGET}):`, "");
  for (const t of targets) out.push(`- ${formatTarget(t)}`);
  return `${out.join("\n")}\n`;
}

/** Series of the plot: one per (side, index, refine), the side telling the marker and the colour family. */
function plotSeries(rows) {
  const colours = { quiverdb: ["#0b61a4", "#1b9e77", "#5aa9e6", "#7570b3", "#2c7f5f", "#3f3fbf"], lancedb: ["#d95f02", "#b2182b", "#e6ab02", "#e7298a", "#a6761d", "#7f0000", "#f46d43", "#8e0152", "#fdae61"] };
  const used = { quiverdb: 0, lancedb: 0 };
  const groups = new Map();
  for (const r of rows) {
    if (r.status !== "built" || r.recall === undefined || r.p50 === undefined) continue;
    const key = `${r.side}|${r.kind}|${r.refine ?? ""}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  return [...groups.entries()].map(([key, list]) => {
    const [side, kind, refine] = key.split("|");
    const palette = colours[side] ?? ["#666666"];
    const exact = kind === "exact";
    return {
      name: `${side} ${kind}${refine ? ` +refine ${refine}` : ""}`,
      color: exact ? (side === "quiverdb" ? "#333333" : "#999999") : palette[used[side]++ % palette.length],
      marker: exact ? "diamond" : side === "quiverdb" ? "circle" : "square",
      dashed: Boolean(refine),
      points: list.map((r) => ({ x: r.recall, y: r.p50, label: r.setting.replace(/ rf\d+$/, "") })),
    };
  });
}

/**
 * The recall/latency plot as SVG, from the rows of the summary (also those stored in
 * vector-index-<rows>x<dims>.json, so a plot can be redrawn without running again).
 */
export function vectorIndexSvg(vi, rows) {
  const recalls = rows.filter((r) => r.recall !== undefined).map((r) => r.recall);
  const xMin = recalls.length ? Math.max(0, Math.floor((Math.min(...recalls) - 0.02) * 20) / 20) : 0;
  return renderPlot({
    title: `Vector indexes: recall@${K} vs p50 latency, ${vi.config.rows.toLocaleString("en-US")} x ${vi.config.dims} float32`,
    subtitle:
      `quiverdb ${vi.versions.quiverdb ?? "-"} (circles) vs @lancedb/lancedb ${vi.versions.lancedb ?? "-"} (squares); ` +
      `${vi.config.queries} sequential queries per point; dashed: refineFactor 5; ${new Date().toISOString().slice(0, 10)}`,
    xLabel: `recall@${K} (mean over queries, vs exact L2 ground truth)`,
    yLabel: "p50 latency (ms, log scale)",
    yLog: true,
    xRange: [xMin, 1.01],
    xGuides: [{ x: RECALL_TARGET, label: `recall ${RECALL_TARGET}` }],
    series: plotSeries(rows),
  });
}

async function writeFiles(vi, rows, targets, best) {
  const dir = new URL("../results/", import.meta.url);
  await mkdir(dir, { recursive: true });
  const base = `vector-index-${vi.config.rows}x${vi.config.dims}`;
  const svg = vectorIndexSvg(vi, rows);
  const files = [new URL(`${base}.svg`, dir), new URL(`${base}.md`, dir), new URL(`${base}.json`, dir)];
  await writeFile(files[0], svg);
  await writeFile(files[1], markdown(vi, rows, targets, best));
  await writeFile(files[2], `${JSON.stringify({ config: vi.config, versions: vi.versions, targets, rows: rows.map(({ error, ...r }) => ({ ...r, ...(error ? { error: error.message } : {}) })) }, null, 2)}\n`);
  return files.map((f) => f.pathname);
}

/** The JSON form for the run's report: every cell's latencies and recall, without the returned ids. */
export function stripVectorIndex(vi) {
  return {
    ...vi,
    results: Object.fromEntries(
      Object.entries(vi.results).map(([name, side]) => [
        name,
        {
          indexes: Object.fromEntries(
            Object.entries(side.indexes).map(([key, index]) => [
              key,
              {
                ...index,
                cells: Object.fromEntries(Object.entries(index.cells).map(([s, { results: _ids, recalls: _r, ...cell }]) => [s, cell])),
              },
            ]),
          ),
        },
      ]),
    ),
  };
}

/** 0..n-1 in a random order (Fisher-Yates) drawn from `random`. */
function shuffled(n, random) {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.integer(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

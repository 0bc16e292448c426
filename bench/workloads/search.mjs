/**
 * Exact k-nearest-neighbour search on tables without any index (LanceDB then
 * runs a flat scan): no filter, a category filter and a numeric range filter,
 * plus the unfiltered query read through toArrow(). Every query is timed on its
 * own; scenarios and sides are interleaved query by query (see runSearch).
 */

import { collectGarbage, errorSummary } from "../lib/runtime.mjs";
import { TABLE_NAME, closeQuietly } from "./ingest.mjs";

/**
 * The search scenarios: a filter (see SEARCH_FILTERS) and how the result is read.
 * @param {Array<{ key: string, label: string, where?: string }>} filters
 */
export function searchScenarios(filters) {
  const scenarios = filters.map((filter) => ({ key: filter.key, label: filter.label, filter, output: "toArray" }));
  const none = filters.find((filter) => filter.where === undefined);
  if (none) scenarios.push({ key: `${none.key}-arrow`, label: `${none.label}, toArrow()`, filter: none, output: "toArrow" });
  return scenarios;
}

/**
 * @param {object} options
 * @param {Array<{ name: string, module: any, tableDir: string }>} options.sides
 * @param {ReturnType<typeof searchScenarios>} options.scenarios
 * @param {number[][]} options.queries timed query vectors
 * @param {number[][]} options.warmupQueries untimed, run first for every scenario
 * @param {number} options.k
 * @returns per side: { indices, error?, scenarios: { [key]: { latenciesMs, results: [{ ids, distances }], error? } } }
 */
export async function runSearch({ sides, scenarios, queries, warmupQueries, k, log }) {
  const open = [];
  const results = {};
  for (const side of sides) {
    results[side.name] = { scenarios: {} };
    try {
      const db = await side.module.connect(side.tableDir);
      const table = await db.openTable(TABLE_NAME);
      const indices = await listIndicesOf(table);
      results[side.name].indices = indices;
      if (Array.isArray(indices) && indices.length > 0) {
        throw new Error(`the table has indices (${JSON.stringify(indices)}); exact search needs none`);
      }
      open.push({ side, db, table });
    } catch (error) {
      results[side.name].error = errorSummary(error);
      log(`  search ${side.name}: cannot open the table or list its indices: ${error.message}`);
    }
  }

  const active = open.filter(({ side }) => results[side.name].error === undefined);
  for (const { side } of active) {
    for (const scenario of scenarios) results[side.name].scenarios[scenario.key] = { latenciesMs: [], results: [] };
  }
  collectGarbage();
  // Query by query, every scenario on both sides. The side order flips every query and
  // the scenario order rotates every second query, so each (scenario, side) cell runs
  // first and last equally often and a noisy moment of the machine hits all cells alike.
  for (const [phase, vectors] of [["warmup", warmupQueries], ["timed", queries]]) {
    for (let q = 0; q < vectors.length; q++) {
      for (let s = 0; s < scenarios.length; s++) {
        const scenario = scenarios[((q >> 1) + s) % scenarios.length];
        const order = q % 2 === 0 ? active : [...active].reverse();
        for (const { side, table } of order) {
          const record = results[side.name].scenarios[scenario.key];
          if (record.error) continue;
          try {
            const { ms, result } = await timeQuery(table, vectors[q], scenario, k);
            if (phase === "timed") {
              record.latenciesMs.push(ms);
              record.results[q] = result;
            }
          } catch (error) {
            record.error = errorSummary(error);
            log(`  search ${side.name} ${scenario.label}: ERROR ${error.message}`);
          }
        }
      }
    }
    log(`  ${phase}: ${vectors.length} queries x ${scenarios.length} scenarios done`);
  }
  for (const { db, table } of open) {
    await closeQuietly(table);
    await closeQuietly(db);
  }
  return results;
}

/** The table's indices, or the error listing them (a failure to list does not stop the search). */
async function listIndicesOf(table) {
  try {
    return await table.listIndices();
  } catch (error) {
    return { error: errorSummary(error) };
  }
}

/** Runs one query; only building and awaiting the query is timed, reading ids out of the result is not. */
async function timeQuery(table, vector, scenario, k) {
  const start = performance.now();
  let query = table.search(vector);
  if (scenario.filter.where !== undefined) query = query.where(scenario.filter.where);
  query = query.limit(k);
  const output = scenario.output === "toArrow" ? await query.toArrow() : await query.toArray();
  const ms = performance.now() - start;
  return { ms, result: scenario.output === "toArrow" ? readArrowResult(output) : readRowsResult(output) };
}

function readRowsResult(rows) {
  return { ids: rows.map((row) => Number(row.id)), distances: rows.map((row) => Number(row._distance)) };
}

function readArrowResult(table) {
  const ids = table.getChild("id");
  const distances = table.getChild("_distance");
  if (ids == null || distances == null) throw new Error("toArrow() result lacks the id or _distance column");
  return { ids: Array.from(ids.toArray(), Number), distances: Array.from(distances.toArray(), Number) };
}

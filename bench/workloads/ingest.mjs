/**
 * Ingest: create a table from the first batch, then add the other batches one
 * call each; the time from createTable to the last add resolving, as rows/s.
 * An untimed warm-up comes first; then runs alternate which side (and which
 * input kind) goes first, so slow phases of a shared machine fall on both sides alike.
 */

import { rm } from "node:fs/promises";
import { join } from "node:path";
import { collectGarbage, errorSummary } from "../lib/runtime.mjs";

export const TABLE_NAME = "bench";

/**
 * @param {object} options
 * @param {Array<{ name: string, module: any }>} options.sides
 * @param {Array<{ key: string, label: string, batches: unknown[] }>} options.modes input kinds; every batch list holds the same rows
 * @param {number} options.rows total rows over all batches (checked with countRows afterwards)
 * @param {number} options.runs
 * @param {string} options.workDir
 * @param {(line: string) => void} options.log
 * @returns results[side][mode] = { runs: [{ run, rowsPerSecond, createMs, addMs, totalMs } | { run, error }] },
 *   and keep[side] = { dir, mode }: the table of the last good run, left on disk for the search workload
 */
export async function runIngest({ sides, modes, rows, runs, workDir, log }) {
  const results = {};
  const keep = {};
  for (const side of sides) {
    results[side.name] = {};
    for (const mode of modes) results[side.name][mode.key] = { runs: [] };
  }
  // One untimed createTable + add per side and input kind first, so the first timed
  // run does not also pay for loading and JIT-compiling each side's write path.
  for (const side of sides) {
    for (const mode of modes) {
      const dir = join(workDir, `warmup-${side.name}-${mode.key}`);
      await ingestOnce(side, { ...mode, batches: mode.batches.slice(0, 2) }, dir, undefined);
      await rm(dir, { recursive: true, force: true });
    }
  }
  for (let run = 0; run < runs; run++) {
    // Even runs go forwards, odd runs exactly backwards (sides and input kinds).
    const sideOrder = run % 2 === 0 ? sides : [...sides].reverse();
    const modeOrder = run % 2 === 0 ? modes : [...modes].reverse();
    for (const side of sideOrder) {
      for (const mode of modeOrder) {
        const dir = join(workDir, `ingest-${side.name}-${mode.key}-${run}`);
        const outcome = await ingestOnce(side, mode, dir, rows);
        results[side.name][mode.key].runs.push({ run, ...outcome });
        if (outcome.error) {
          log(`  ingest ${side.name} ${mode.label} run ${run + 1}: ERROR ${outcome.error.message}`);
        } else {
          log(`  ingest ${side.name} ${mode.label} run ${run + 1}: ${Math.round(outcome.rowsPerSecond)} rows/s (${outcome.totalMs.toFixed(0)} ms)`);
        }
        // Keep the newest good table per side for the search workload, preferring the
        // typed Arrow schema (id Int32) over the one inferred from row objects.
        const current = keep[side.name];
        if (!outcome.error && (current === undefined || mode.key === "arrow" || current.mode !== "arrow")) {
          keep[side.name] = { dir, mode: mode.key };
          if (current) await rm(current.dir, { recursive: true, force: true });
        } else {
          await rm(dir, { recursive: true, force: true });
        }
      }
    }
  }
  return { results, keep };
}

/** One timed ingest into a fresh folder; `rows` (the expected count) is undefined for the warm-up. */
async function ingestOnce(side, mode, dir, rows) {
  let db;
  let table;
  try {
    db = await side.module.connect(dir);
    collectGarbage();
    const start = performance.now();
    table = await db.createTable(TABLE_NAME, mode.batches[0]);
    const created = performance.now();
    const addMs = [];
    for (let b = 1; b < mode.batches.length; b++) {
      const before = performance.now();
      await table.add(mode.batches[b]);
      addMs.push(performance.now() - before);
    }
    const end = performance.now();
    const counted = await table.countRows();
    if (rows !== undefined && counted !== rows) throw new Error(`countRows() returned ${counted} after ingesting ${rows} rows`);
    const totalMs = end - start;
    return { rowsPerSecond: rows / (totalMs / 1000), createMs: created - start, addMs, totalMs };
  } catch (error) {
    return { error: errorSummary(error) };
  } finally {
    await closeQuietly(table);
    await closeQuietly(db);
  }
}

/** Closes a table or connection if it can be closed; a failure to close is not a benchmark result. */
export async function closeQuietly(handle) {
  try {
    if (handle && typeof handle.close === "function") await handle.close();
  } catch {
    // Closing only releases handles early; the measurement is already taken.
  }
}

/**
 * Cold open: a fresh `node` process per try, which imports the library, opens
 * the table and runs one k=10 search (cold-open-child.mjs). Two numbers per try:
 * the time inside the child from just before the import to the first result,
 * and the wall time of the whole child as seen by this process (node start-up,
 * module loading, the query and exit). The sides alternate try by try.
 * The table files are likely in the OS page cache: this is a cold process, not a cold disk.
 */

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { errorSummary } from "../lib/runtime.mjs";
import { TABLE_NAME } from "./ingest.mjs";

const CHILD = fileURLToPath(new URL("../cold-open-child.mjs", import.meta.url));

/**
 * @param {object} options
 * @param {Array<{ name: string, specifier: string, tableDir: string }>} options.sides
 * @param {string} options.queryFile JSON array: the query vector
 * @param {number} options.tries
 * @returns per side: { tries: [{ wallMs, ...child timings } | { error }] }
 */
export async function runColdOpen({ sides, queryFile, tries, log }) {
  const results = {};
  for (const side of sides) results[side.name] = { tries: [] };
  for (let t = 0; t < tries; t++) {
    const order = t % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      try {
        const outcome = await runChild([side.specifier, side.tableDir, TABLE_NAME, queryFile]);
        results[side.name].tries.push(outcome);
        log(`  cold open ${side.name} try ${t + 1}: ${outcome.importToFirstResultMs.toFixed(0)} ms inside, ${outcome.wallMs.toFixed(0)} ms wall`);
      } catch (error) {
        results[side.name].tries.push({ error: errorSummary(error) });
        log(`  cold open ${side.name} try ${t + 1}: ERROR ${error.message}`);
      }
    }
  }
  return results;
}

function runChild(args) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - start;
      if (code !== 0) {
        reject(new Error(`child exited with code ${code}: ${stderr.trim().split("\n").slice(-5).join(" | ")}`));
        return;
      }
      try {
        resolve({ wallMs, ...JSON.parse(stdout.trim().split("\n").pop()) });
      } catch (error) {
        reject(new Error(`child printed no result (${error.message}); stdout: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

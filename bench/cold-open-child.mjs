/**
 * One cold start, run in a fresh node process by workloads/cold-open.mjs:
 * import the library, connect, open the table and run one k=10 search.
 * Prints one JSON line with the timings measured inside this process.
 *
 * usage: node cold-open-child.mjs <library specifier> <database dir> <table> <query json file>
 */

import { readFileSync } from "node:fs";

const [specifier, dir, tableName, queryFile] = process.argv.slice(2);
const vector = JSON.parse(readFileSync(queryFile, "utf8"));

const start = performance.now();
const library = await import(specifier);
const imported = performance.now();
const db = await library.connect(dir);
const table = await db.openTable(tableName);
const opened = performance.now();
const rows = await table.search(vector).limit(10).toArray();
const end = performance.now();

process.stdout.write(
  `${JSON.stringify({
    processStartToImportMs: start,
    importMs: imported - start,
    openMs: opened - imported,
    firstQueryMs: end - opened,
    importToFirstResultMs: end - start,
    rows: rows.length,
    firstId: rows.length > 0 ? Number(rows[0].id) : null,
  })}\n`,
);

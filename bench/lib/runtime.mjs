/** Small helpers about the running process. */

import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** A full garbage collection when node runs with --expose-gc (run.sh passes it), else nothing. */
export function collectGarbage() {
  if (typeof globalThis.gc === "function") globalThis.gc();
}

/** An error as plain data for the JSON report and the console. */
export function errorSummary(error) {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      ...(error.code !== undefined ? { code: String(error.code) } : {}),
      stack: (error.stack ?? "").split("\n").slice(0, 6).join("\n"),
    };
  }
  return { name: typeof error, message: String(error) };
}

/** Total size in bytes of the files under a folder. */
export async function folderBytes(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}

// Checks that a secret reached neither a table's files nor an error: used by
// the provider tests next to the fakes.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { inspect } from "node:util";
import { expect } from "vitest";

/** Every file under `dir`, recursively. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/**
 * Fails when any file under `dir` holds `secret`: raw bytes, and the schema of
 * each manifest (stored as base64 Arrow IPC, which would hide it). Returns the
 * number of files checked.
 */
export async function expectSecretNotInFiles(dir: string, secret: string): Promise<number> {
  const needle = Buffer.from(secret, "utf8");
  const files = await filesUnder(dir);
  for (const file of files) {
    const bytes = await readFile(file);
    expect(bytes.includes(needle), `${file} holds the secret`).toBe(false);
    if (file.endsWith(".manifest.json")) {
      const schema = (JSON.parse(bytes.toString("utf8")) as { schema?: string }).schema;
      if (typeof schema === "string") {
        expect(Buffer.from(schema, "base64").includes(needle), `${file}'s schema holds the secret`).toBe(false);
      }
    }
  }
  return files.length;
}

/** Everything an error could show: message, stack, fields and causes, as `util.inspect` prints them. */
export function everythingIn(error: unknown): string {
  const parts: string[] = [inspect(error, { depth: 10, showHidden: true })];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    parts.push(current.message, current.stack ?? "", JSON.stringify(current));
    current = current.cause;
  }
  return parts.join("\n");
}

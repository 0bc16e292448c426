import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { makeTempDir } from "./helpers/temp-dir.js";

const run = promisify(execFile);

async function demo(...flags: string[]): Promise<{ stdout: string; stderr: string }> {
  const db = join(await makeTempDir(), "demo-db");
  return run(process.execPath, ["--import", "tsx", "examples/demo.ts", "--db", db, ...flags], {
    cwd: new URL("../", import.meta.url),
    timeout: 120_000,
  });
}

describe("npm run demo (examples/demo.ts)", () => {
  // Uses the word-vector cache in the user's cache directory: built once per machine (~3 s), then loaded in ~0.3 s.
  it("indexes READMEs under node_modules with the word-vectors function and answers every question", async () => {
    const { stdout, stderr } = await demo("--limit", "10");
    expect(stderr).toBe("");
    expect(stdout).toMatch(/Found 10 READMEs/);
    expect(stdout).toContain(`Embedding with "word-vectors"`);
    expect(stdout).toMatch(/Indexed \d+ chunks/);
    expect(stdout.match(/^> /gm)).toHaveLength(6);
  });

  it("runs on the lexical hashing function with --function hashing", async () => {
    const { stdout, stderr } = await demo("--limit", "10", "--function", "hashing");
    expect(stderr).toBe("");
    expect(stdout).toContain(`Embedding with "hashing"`);
    expect(stdout.match(/^> /gm)).toHaveLength(6);
  });
});

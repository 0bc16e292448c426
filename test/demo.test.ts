import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { makeTempDir } from "./helpers/temp-dir.js";

const run = promisify(execFile);

describe("npm run demo (examples/demo.ts)", () => {
  it("indexes READMEs under node_modules with the hashing function and answers every question", async () => {
    const db = join(await makeTempDir(), "demo-db");
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "examples/demo.ts", "--limit", "25", "--db", db], {
      cwd: new URL("../", import.meta.url),
      timeout: 120_000,
    });
    expect(stderr).toBe("");
    expect(stdout).toMatch(/Found 25 READMEs/);
    expect(stdout).toMatch(/Indexed \d+ chunks/);
    expect(stdout.match(/^> /gm)).toHaveLength(5);
  });
});

import { execFile } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../", import.meta.url);
const examples = (await readdir(new URL("examples/", root))).filter((f) => f.endsWith(".ts") && f !== "demo.ts");

function exampleRegion(source: string): string {
  const start = source.indexOf("// --- example start\n");
  const end = source.indexOf("// --- example end");
  return source.slice(start + "// --- example start\n".length, end).trim();
}

describe("examples/", () => {
  it.each(examples)("%s runs to completion", async (file) => {
    const { stderr } = await run(process.execPath, ["--import", "tsx", `examples/${file}`], {
      cwd: root,
      timeout: 60_000,
    });
    expect(stderr).toBe("");
  });

  it.each(examples)("the docs page quoting %s shows the example as it is", async (file) => {
    const source = await readFile(new URL(`examples/${file}`, root), "utf8");
    const docs = await readFile(new URL(`docs/${file.replace(/\.ts$/, ".md")}`, root), "utf8");
    expect(docs).toContain(exampleRegion(source));
  });
});

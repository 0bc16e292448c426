// docs/embedding.md quotes several regions of examples/embedding.ts.
// test/examples.test.ts runs the file and checks its first region; this checks
// that the page shows every region as it is in the file, so none can drift.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);
const START = "// --- example start\n";
const END = "// --- example end";

/** Every region between the markers, trimmed, in file order. */
function exampleRegions(source: string): string[] {
  const regions: string[] = [];
  let at = source.indexOf(START);
  while (at >= 0) {
    const end = source.indexOf(END, at);
    if (end < 0) throw new Error("an example region has no end marker");
    regions.push(source.slice(at + START.length, end).trim());
    at = source.indexOf(START, end);
  }
  return regions;
}

describe("docs/embedding.md", () => {
  it("shows every region of examples/embedding.ts as it is", async () => {
    const source = await readFile(new URL("examples/embedding.ts", root), "utf8");
    const docs = await readFile(new URL("docs/embedding.md", root), "utf8");
    const regions = exampleRegions(source);
    expect(regions.length).toBeGreaterThanOrEqual(7);
    for (const region of regions) expect(docs, `docs/embedding.md lacks:\n${region.slice(0, 200)}`).toContain(region);
  });

  it("quotes the regions in file order", async () => {
    const source = await readFile(new URL("examples/embedding.ts", root), "utf8");
    const docs = await readFile(new URL("docs/embedding.md", root), "utf8");
    const positions = exampleRegions(source).map((region) => docs.indexOf(region));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});

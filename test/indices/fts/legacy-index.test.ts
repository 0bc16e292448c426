// A table whose full-text index was written in format 1 (four Arrow IPC
// files, before the compact format) stays searchable, and optimize() moves
// it to the current format. The old index is made by rewriting a fresh one's
// folder and manifest entry on disk, as an older Quiver would have left them.
import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Index, connect } from "../../../src/index.js";
import { FTS_SEGMENT_FILE, decodeFtsSegment } from "../../../src/indices/fts/fts-segment-codec.js";
import { encodeLegacyFtsSegment } from "../../../src/indices/fts/fts-segment-legacy.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { expandSegment } from "./expand-segment.js";

const TEXTS = [
  "Rust ownership rules prevent data races at compile time",
  "Python generators yield values lazily one at a time",
  "The borrow checker enforces Rust ownership",
  "Full text search ranks documents by BM25 relevance",
];
const rows = (texts: string[], start = 0) => texts.map((text, i) => ({ id: start + i, text }));

/** Replaces the table's index files by format 1 files holding the same postings. */
async function downgradeIndex(tableDir: string): Promise<void> {
  const [uuid] = await readdir(join(tableDir, "_indices"));
  const folder = join(tableDir, "_indices", uuid!);
  const current = await readFile(join(folder, FTS_SEGMENT_FILE));
  const segment = decodeFtsSegment((name) => (name === FTS_SEGMENT_FILE ? current : undefined));
  const expanded = expandSegment(segment);
  const termStart = [0];
  for (const t of expanded.terms) termStart.push(termStart.at(-1)! + t.docs.length);
  const files = encodeLegacyFtsSegment({
    ...segment.data,
    terms: expanded.terms.map((t) => t.term),
    termStart: Uint32Array.from(termStart),
    postingDoc: Uint32Array.from(expanded.terms.flatMap((t) => t.docs)),
    postingFreq: Uint32Array.from(expanded.terms.flatMap((t) => t.freqs)),
    positions: Uint32Array.from(expanded.terms.flatMap((t) => t.positions!.flat())),
  });
  for (const [name, bytes] of files) await writeFile(join(folder, name), bytes);
  await rm(join(folder, FTS_SEGMENT_FILE));
  const versions = join(tableDir, "_versions");
  const latest = (await readdir(versions)).filter((f) => f.endsWith(".manifest.json")).sort((a, b) => parseInt(b) - parseInt(a))[0]!;
  const manifest = JSON.parse(await readFile(join(versions, latest), "utf8"));
  manifest.indices[0].files = [...files.keys()].map((name) => `_indices/${uuid}/${name}`);
  await writeFile(join(versions, latest), JSON.stringify(manifest));
}

describe("full-text indexes of format 1", () => {
  it("are searched like current ones, phrases included, and optimize() rewrites them in the current format", async () => {
    const dir = await makeTempDir();
    const table = await (await connect(dir)).createTable("docs", rows(TEXTS));
    await table.createIndex("text", { config: Index.fts() });
    const search = async (t: typeof table, query: string) => (await t.search(query, "fts").toArray()).map((r) => [Number(r.id), r._score as number]);
    const before = await search(table, "rust ownership");
    const phraseBefore = await search(table, '"rust ownership"');
    expect(before.length).toBe(2);

    await downgradeIndex(join(dir, "docs.quiver"));
    const reopened = await (await connect(dir)).openTable("docs");
    expect(await search(reopened, "rust ownership")).toEqual(before);
    expect(await search(reopened, '"rust ownership"')).toEqual(phraseBefore);

    await reopened.add(rows(["Rust ownership again"], 4));
    await reopened.optimize();
    const folders = await readdir(join(dir, "docs.quiver", "_indices"));
    const listings = await Promise.all(folders.map((f) => readdir(join(dir, "docs.quiver", "_indices", f))));
    expect(listings.some((files) => files.length === 1 && files[0] === FTS_SEGMENT_FILE)).toBe(true);
    expect(await reopened.indexStats("text_idx")).toMatchObject({ numIndexedRows: 5, numUnindexedRows: 0 });
    expect((await search(reopened, "rust ownership")).map(([id]) => id).sort()).toEqual([0, 2, 4]);
  });
});

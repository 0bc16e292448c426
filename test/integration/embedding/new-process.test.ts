// A table reopened in a new process rebuilds its embedding functions from the
// schema metadata: built-ins without any import, custom functions once the new
// process registers them under the same name.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Table } from "../../../src/index.js";
import { getRegistry, register } from "../../../src/embedding/index.js";
import { asFloat32, vectorValues } from "../../helpers/fake-embedding-function.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { KEYED_NAME, KeyedFunction, LETTER_SHAPE_NAME, LetterShapeFunction } from "./fixtures/custom-functions.js";
import { BUILT_IN_FUNCTIONS } from "../../../src/embedding/built-in-functions.js";

const run = promisify(execFile);
const child = fileURLToPath(new URL("./fixtures/embedding-child.ts", import.meta.url));

interface ChildResult {
  registeredAtStart: string[];
  rows: number;
  hits?: { id: number; distance: number }[];
  textsEmbedded?: number;
  rowsAfter?: number;
  vectorSearch?: number;
  addWithoutVector?: string;
  textSearch?: string;
}

/** Runs the child fixture in a new Node process (tsx compiles it) and returns what it reported. */
async function runChild(...args: string[]): Promise<ChildResult> {
  const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", child, ...args], { timeout: 60_000 });
  expect(stderr).toBe("");
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (line === undefined) throw new Error(`the child reported nothing; stdout: ${stdout}`);
  return JSON.parse(line.slice("RESULT ".length)) as ChildResult;
}

async function hits(table: Table, text: string): Promise<{ id: number; distance: number }[]> {
  const found = (await table.search(text).limit(3).toArray()) as { id: number; _distance: number }[];
  return found.map((h) => ({ id: Number(h.id), distance: h._distance }));
}

const CORPUS = [
  "the quick brown fox jumps over the lazy dog",
  "vector databases index embeddings for search",
  "a recipe for brown bread with seeds",
  "foxes are quick and clever animals",
  "search engines rank documents by relevance",
  "2024 release notes and 17 bug fixes",
];
const rows = () => CORPUS.map((text, id) => ({ id, text }));

beforeAll(() => {
  register(LETTER_SHAPE_NAME)(LetterShapeFunction);
  register(KEYED_NAME)(KeyedFunction);
});
afterAll(() => {
  getRegistry().unregister(LETTER_SHAPE_NAME);
  getRegistry().unregister(KEYED_NAME);
});

describe("Connection.openTable() in a new process", () => {
  it("searches by text with the built-in hashing function in a process that registers nothing", async () => {
    const dir = await makeTempDir();
    const db = await connect(dir);
    const fn = getRegistry().get("hashing")!.create({ ndims: 64 });
    const table = await db.createTable("docs", rows(), { embeddingFunction: { function: fn, sourceColumn: "text" } });
    const here = await hits(table, "quick brown fox");
    expect(here[0]!.id).toBe(0);

    const there = await runChild(dir, "docs", "builtin", "quick brown fox");
    expect(there.registeredAtStart).toEqual(Object.keys(BUILT_IN_FUNCTIONS).sort());
    expect(there.rows).toBe(CORPUS.length);
    expect(there.hits).toEqual(here);
  });

  it("rebuilds a custom function registered under the same name, searches and embeds with it, and reuses the cache on disk", async () => {
    const dir = await makeTempDir();
    const db = await connect(dir);
    const fn = new LetterShapeFunction({ scale: 2 });
    const table = await db.createTable("docs", rows(), { embeddingFunction: { function: fn, sourceColumn: "text" } });
    const here = await hits(table, "brown bread");

    const added = [
      { id: 10, text: CORPUS[1] }, // embedded by the parent already: served by the table's cache
      { id: 11, text: "written by the child process" },
    ];
    const there = await runChild(dir, "docs", "custom", "brown bread", JSON.stringify(added));
    expect(there.registeredAtStart).toEqual(Object.keys(BUILT_IN_FUNCTIONS).sort());
    expect(there.hits).toEqual(here);
    expect(there.textsEmbedded).toBe(1);
    expect(there.rowsAfter).toBe(CORPUS.length + 2);

    const stored = (await table.query().where("id >= 10").toArray()) as { id: number; vector: unknown }[];
    const expected = await fn.computeSourceEmbeddings(added.map((r) => r.text!));
    expect(stored.sort((a, b) => a.id - b.id).map((r) => vectorValues(r.vector))).toEqual(expected.map((v) => asFloat32(v)));
  });

  it("reads and vector-searches a table whose $var: is unset there, and its text writes and searches fail naming the variable", async () => {
    const dir = await makeTempDir();
    const db = await connect(dir);
    getRegistry().setVar("child_api_key", "sk-only-in-the-parent");
    const fn = new KeyedFunction({ apiKey: "$var:child_api_key" });
    await db.createTable("docs", rows(), { embeddingFunction: { function: fn, sourceColumn: "text" } });

    const there = await runChild(dir, "docs", "keyed", "quick fox");
    expect(there.rows).toBe(CORPUS.length);
    expect(there.vectorSearch).toBe(1);
    expect(there.addWithoutVector).toMatch(/^VARIABLE_NOT_SET: Variable "child_api_key" not found/);
    expect(there.addWithoutVector).toContain('setVar("child_api_key"');
    expect(there.textSearch).toMatch(/^VARIABLE_NOT_SET: Variable "child_api_key" not found/);
    expect(there.rowsAfter).toBe(CORPUS.length);
  });
});

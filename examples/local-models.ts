// Local models in-process: huggingface / sentence-transformers / transformers on
// @huggingface/transformers (ONNX). Run: npx tsx examples/local-models.ts
//
// To need no network, this example builds a tiny BERT-shaped model (8 values per
// vector, a few dozen words) in a temporary directory, the one the tests use. With a
// real model, pass a hub id ("Xenova/all-MiniLM-L6-v2") or a directory instead.
// docs/local-models.md quotes the region between the example markers.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { writeTinyBert } from "../test/helpers/tiny-bert.js";

/** Throws when the example's output drifted from what docs/local-models.md shows. */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`example drifted: ${what}`);
}

const work = await mkdtemp(join(tmpdir(), "quiver-local-"));
const modelDir = await writeTinyBert(join(work, "tiny-bert"));

// --- example start
import { join } from "node:path";
import { connect } from "quiverdb";
import { getRegistry } from "quiverdb/embedding";

// create() is async: it loads the tokenizer and the ONNX model (once per process).
// `model` is a hub id or a directory with config.json, tokenizer.json, onnx/model.onnx.
const fn = await getRegistry().get("sentence-transformers")!.create({
  model: modelDir,
  device: "$var:device:cpu", // a variable with a default: setVar("device", "cuda") to switch
});
console.log(fn.ndims()); // 8 (config.json hidden_size)

const db = await connect(join(work, "db"));
const table = await db.createTable(
  "notes",
  [
    { id: 1, text: "the cat sat on the mat" },
    { id: 2, text: "bread and yeast rise in a warm oven" },
    { id: 3, text: "quiver is a local vector database" },
  ],
  { embeddingFunction: { function: fn, sourceColumn: "text" } },
);
await table.add([{ id: 4, text: "a dog run on the mat" }]);

const hits = await table.search("quiver is a local vector database").limit(1).toArray();
console.log(hits[0].id); // 3

// The table saves the registry name and the options (with $var: references as written);
// a reopened table rebuilds the function from them, in this or another process.
const reopened = await (await connect(join(work, "db"))).openTable("notes");
const again = await reopened.search("the cat sat on the mat").limit(1).toArray();
console.log(again[0].id); // 1
// --- example end
check(fn.ndims() === 8, "ndims is 8");
check(hits[0].id === 3 && again[0].id === 1, "searches find rows 3 and 1");
await rm(work, { recursive: true, force: true });

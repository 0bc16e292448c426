// Multimodal search: open-clip embeds images on write and text on search, in-process
// on @huggingface/transformers (ONNX). Run: npx tsx examples/multimodal.ts
//
// To need no network, this example builds a tiny CLIP-shaped model (4 values per
// vector, a dozen words, 8 x 8 images) in a temporary directory, the one the tests
// use, draws three one-colour PNGs, and serves one over http on 127.0.0.1. With a real
// model, leave `model` out (Xenova/clip-vit-base-patch32) or pass a hub id or directory.
// docs/multimodal.md quotes the region between the example markers.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { solidPng, writeTinyClip } from "../test/helpers/tiny-clip.js";
import { startImageServer } from "../test/embedding/providers/open-clip-image-server.js";

/** Throws when the example's output drifted from what docs/multimodal.md shows. */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`example drifted: ${what}`);
}

const work = await mkdtemp(join(tmpdir(), "quiver-multimodal-"));
const modelDir = await writeTinyClip(join(work, "tiny-clip"));
const colours = { red: [230, 25, 20], green: [20, 210, 40], blue: [15, 30, 220] } as const;
for (const [name, rgb] of Object.entries(colours)) await writeFile(join(work, `${name}.png`), solidPng(24, 16, rgb).png);
const images = await startImageServer({ "green.png": solidPng(24, 16, colours.green).png });

// --- example start
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { connect } from "quiverdb";
import { getRegistry } from "quiverdb/embedding";

// create() is async: it loads the tokenizer, the image processor and both CLIP towers
// (once per process). `model`: a hub id (default "Xenova/clip-vit-base-patch32") or a directory.
const clip = await getRegistry().get("open-clip")!.create({ model: modelDir });

const db = await connect(join(work, "db"));
// Image bytes in a binary column: the table embeds them on write.
const photos = await db.createTable(
  "photos",
  [
    { id: 1, image: await readFile(join(work, "red.png")) },
    { id: 2, image: await readFile(join(work, "green.png")) },
    { id: 3, image: await readFile(join(work, "blue.png")) },
  ],
  { embeddingFunction: { function: clip, sourceColumn: "image" } },
);

// A text query goes through CLIP's text tower: words find pictures.
const hits = await photos.search("a photo of a green square").limit(1).toArray();
console.log(hits[0].id); // 2

// An image can be the query too: embed its bytes, then search with the vector.
const probe = await clip.computeQueryEmbeddings(await readFile(join(work, "blue.png")));
const similar = await photos.search(Array.from(probe)).limit(1).toArray();
console.log(similar[0].id); // 3

// File paths, file:// URLs and http(s) URLs in a utf8 column are read or fetched on write.
const linked = await db.createTable(
  "linked",
  [
    { id: 1, uri: join(work, "red.png") },
    { id: 2, uri: `${images.baseUrl}/img/green.png` },
  ],
  { embeddingFunction: { function: clip, sourceColumn: "uri" } },
);
const red = await linked.search("red").limit(1).toArray();
console.log(red[0].id); // 1
// --- example end
check(hits[0].id === 2 && similar[0].id === 3 && red[0].id === 1, "searches find rows 2, 3 and 1");
await images.close();
await rm(work, { recursive: true, force: true });

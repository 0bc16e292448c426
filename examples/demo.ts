// The demo: index every README under node_modules and search it, offline.
// Run: npm run demo   (options: --limit <files>, --db <folder>)
//
// The vectors come from a small feature-hashing vectoriser defined below, so that
// the demo needs no model download. It is lexical (it matches words, not
// meanings); the embedding-management work replaces it with the built-in
// `hashing` embedding function and semantic models.
import { readdir, readFile, rm } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { parseArgs } from "node:util";
import { connect } from "quiverdb";

const DIMS = 256;
const { values: args } = parseArgs({
  options: { limit: { type: "string" }, db: { type: "string", default: ".demo-db" } },
});
const fileLimit = args.limit === undefined ? Number.POSITIVE_INFINITY : Number(args.limit);

interface Chunk {
  id: number;
  package: string;
  text: string;
  vector: Float32Array;
}

async function findReadmes(dir: string, found: string[] = [], depth = 0): Promise<string[]> {
  if (depth > 4 || found.length >= fileLimit) return found;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (found.length >= fileLimit) break;
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith(".")) await findReadmes(path, found, depth + 1);
    else if (entry.isFile() && /^readme\.md$/i.test(entry.name)) found.push(path);
  }
  return found;
}

function packageOf(path: string): string {
  const parts = relative("node_modules", path).split(sep);
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Splits markdown into chunks of whole paragraphs, about `size` characters each. */
function chunkText(markdown: string, size = 800): string[] {
  const paragraphs = markdown.replace(/```[\s\S]*?```/g, " ").split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p.length > 40);
  const chunks: string[] = [];
  let current = "";
  for (const p of paragraphs) {
    if (current.length + p.length > size && current) {
      chunks.push(current);
      current = "";
    }
    current += (current ? "\n" : "") + p;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** Term-frequency feature hashing of lower-cased words, L2-normalised. */
function vectorise(text: string): Float32Array {
  const vector = new Float32Array(DIMS);
  for (const word of text.toLowerCase().match(/[a-z][a-z0-9]+/g) ?? []) {
    let hash = 2166136261;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619);
    vector[(hash >>> 0) % DIMS]! += hash & 0x80000000 ? -1 : 1;
  }
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < DIMS; i++) vector[i]! /= norm;
  return vector;
}

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
}

const started = performance.now();
const files = await findReadmes("node_modules");
const chunks: Chunk[] = [];
for (const file of files) {
  for (const text of chunkText(await readFile(file, "utf8"))) {
    chunks.push({ id: chunks.length, package: packageOf(file), text, vector: vectorise(text) });
  }
}
console.log(`Found ${files.length} READMEs, ${chunks.length} chunks.`);

await rm(args.db!, { recursive: true, force: true });
const db = await connect(args.db!);
const batchSize = 500;
const table = await db.createTable("readmes", chunks.slice(0, batchSize));
for (let start = batchSize; start < chunks.length; start += batchSize) {
  await table.add(chunks.slice(start, start + batchSize));
  process.stdout.write(`\rIndexing ${progressBar(Math.min(start + batchSize, chunks.length), chunks.length)}`);
}
process.stdout.write(`\rIndexed ${await table.countRows()} chunks in ${((performance.now() - started) / 1000).toFixed(1)} s.${" ".repeat(30)}\n`);

const questions = [
  "parse command line arguments and options",
  "compress a file with gzip",
  "validate a JSON schema",
  "read and write Arrow record batches",
  "run tests in watch mode",
];
for (const question of questions) {
  const hits = await table.search(vectorise(question)).distanceType("cosine").select(["package", "text"]).limit(3).toArray();
  console.log(`\n> ${question}`);
  for (const hit of hits) {
    const snippet = String(hit.text).replace(/\s+/g, " ").slice(0, 110);
    console.log(`  ${(1 - hit._distance).toFixed(2)}  ${String(hit.package).padEnd(24)} ${snippet}`);
  }
}

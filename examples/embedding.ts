// Embedding management: tables that embed their own rows and queries.
// Run: npx tsx examples/embedding.ts
//
// docs/embedding.md quotes each region between the example markers; the tests run
// this file and check that the page shows every region as it is here.

/** Throws when an example's output drifted from what docs/embedding.md shows. */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`example drifted: ${what}`);
}

// --- example start
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Int32 } from "apache-arrow";
import { connect } from "quiverdb";
import { LanceSchema, TextEmbeddingFunction, getRegistry, register, type EmbeddingBatch } from "quiverdb/embedding";

const db = await connect(join(await mkdtemp(join(tmpdir(), "quiver-")), "db"));

// Option 1: give createTable an embedding function and the column it reads.
// "hashing" is built in: offline, deterministic, no download.
const hashing = getRegistry().get("hashing")!.create({ ndims: 256 });
const docs = await db.createTable(
  "docs",
  [
    { id: 1, text: "Quiver keeps vectors in Arrow files" },
    { id: 2, text: "The hashing function needs no model download" },
    { id: 3, text: "Bread rises when the yeast is warm" },
  ],
  { embeddingFunction: { function: hashing, sourceColumn: "text", vectorColumn: "vector" } },
);

// Later writes are embedded too: only rows without a vector go to the function.
await docs.add([{ id: 4, text: "Arrow files hold columns of vectors" }]);

// A text query is embedded with the same function when it runs.
const hits = await docs.search("vectors in arrow files").limit(2).toArray();
console.log(hits.map((h) => h.id)); // [ 1, 4 ]
// --- example end
check(JSON.stringify(hits.map((h) => h.id)) === "[1,4]", "option 1 finds rows 1 and 4");

// --- example start
// A custom function: a class with ndims() and generateEmbeddings(), registered under
// a name. The name and the options are saved in the table's schema, so a reopened
// table (in any process that registers the class) rebuilds the function by itself.
@register("letter-frequencies")
class LetterFrequencies extends TextEmbeddingFunction<{ letters?: string }> {
  readonly #letters: string;

  constructor(options: { letters?: string } = {}) {
    super();
    // resolveVariables records the options as given (to be saved) and returns them
    // with any $var: references replaced by their values.
    this.#letters = this.resolveVariables(options).letters ?? "abcdefghijklmnopqrstuvwxyz";
  }

  override ndims(): number {
    return this.#letters.length;
  }

  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return texts.map((text) => {
      const lower = text.toLowerCase();
      const counts = [...this.#letters].map((letter) => lower.split(letter).length - 1);
      const norm = Math.hypot(...counts) || 1;
      return counts.map((c) => c / norm);
    });
  }
}

// Without a decorator (as in plain JavaScript), register with a call:
class TextLength extends TextEmbeddingFunction {
  constructor(options: Record<string, unknown> = {}) {
    super();
    this.resolveVariables(options);
  }
  override ndims(): number {
    return 2;
  }
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return texts.map((text) => [text.length, text.split(/\s+/).length]);
  }
}
register("text-length")(TextLength);

console.log(getRegistry().list().includes("text-length")); // true (built-in providers are listed too)
// --- example end
check(["hashing", "letter-frequencies", "text-length"].every((name) => getRegistry().list().includes(name)), "registry names");

// --- example start
// Option 2: declare the embedded columns in the schema with LanceSchema.
const vowels = getRegistry().get<LetterFrequencies>("letter-frequencies")!.create({ letters: "aeiou" });
const words = await db.createEmptyTable(
  "words",
  LanceSchema({
    id: new Int32(),
    word: vowels.sourceField(), // the text to embed
    vector: vowels.vectorField(), // FixedSizeList(5, Float32), filled from "word"
  }),
);
await words.add([
  { id: 1, word: "banana" },
  { id: 2, word: "kiwi" },
  { id: 3, word: "tomato" },
]);
const [closest] = await words.search("papaya").limit(1).toArray();
console.log(closest.word); // banana (only a's, like papaya)
// --- example end
check(closest.word === "banana", "option 2 finds banana");

// --- example start
// Secrets: options that hold an API key are "sensitive". Pass them as $var: references;
// the table stores the reference, and the value lives only in this process.
class KeyedService extends TextEmbeddingFunction<{ apiKey?: string; model?: string; baseUrl?: string }> {
  readonly model: string;
  readonly baseUrl: string;

  constructor(options: { apiKey?: string; model?: string; baseUrl?: string } = {}) {
    super();
    const resolved = this.resolveVariables(options);
    if (!resolved.apiKey) throw new Error("KeyedService needs an apiKey");
    this.model = resolved.model ?? "small";
    this.baseUrl = resolved.baseUrl ?? "https://embeddings.example.com/v1";
  }

  protected override getSensitiveKeys(): string[] {
    return ["apiKey"];
  }

  override ndims(): number {
    return 3;
  }

  // A stand-in for a remote call to `${this.baseUrl}/embeddings`.
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return texts.map((text) => [text.length, this.model.length, 1]);
  }
}
register("keyed-service")(KeyedService);

getRegistry().setVar("service_key", process.env.SERVICE_KEY ?? "sk-example-not-a-real-key");
const service = new KeyedService({ apiKey: "$var:service_key" });
const notes = await db.createTable("notes", [{ id: 1, text: "call the bank" }], {
  embeddingFunction: { function: service, sourceColumn: "text" },
});
console.log((await notes.schema()).metadata.get("embedding_functions"));
// [{"sourceColumn":"text","vectorColumn":"vector","name":"keyed-service","model":{"apiKey":"$var:service_key"}}]

// A key written in the options is refused before anything is stored:
try {
  new KeyedService({ apiKey: "sk-hard-coded" });
} catch (error) {
  console.log((error as { code?: string }).code); // SECRET_IN_CONFIG
}
// --- example end
check((await notes.schema()).metadata.get("embedding_functions")?.includes('"apiKey":"$var:service_key"') === true, "the reference is stored");
check((await notes.countRows("vector IS NOT NULL")) === 1, "the note is embedded");

// --- example start
// Fallbacks: "$var:name:default" uses the default while the variable is unset.
// The default is everything after the second colon, so it may hold colons (a URL).
const configured = new KeyedService({
  apiKey: "$var:service_key",
  model: "$var:service_model:small",
  baseUrl: "$var:service_url:http://localhost:8080/v1",
});
console.log(configured.model, configured.baseUrl); // small http://localhost:8080/v1

getRegistry().setVar("service_model", "large");
console.log(new KeyedService({ apiKey: "$var:service_key", model: "$var:service_model:small" }).model); // large
// --- example end
check(configured.model === "small" && configured.baseUrl === "http://localhost:8080/v1", "defaults with colons");
check(getRegistry().getVar("service_model") === "large", "setVar takes over from the default");

// --- example start
// A query vector computed by hand: the same function, then a plain vector search.
const queryVector = await hashing.computeQueryEmbeddings("vectors in arrow files");
const byVector = await docs.search(queryVector).limit(2).toArray();
console.log(byVector.map((h) => h.id)); // [ 1, 4 ] (the same as the text search)
// --- example end
check(JSON.stringify(byVector.map((h) => h.id)) === JSON.stringify(hits.map((h) => h.id)), "manual query vector");
check(byVector[0]._distance === hits[0]._distance, "same distance as the text search");

// --- example start
// "hashing" is lexical, not semantic: it matches shared words and spellings, not meanings.
const [database, databases, car, automobile] = await hashing.computeSourceEmbeddings([
  "vector database",
  "vector databases",
  "car",
  "automobile",
]);
const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((sum, x, i) => sum + x * b[i]!, 0);
console.log(cosine(database!, databases!).toFixed(2)); // 0.69: shared words and letters
console.log(cosine(car!, automobile!).toFixed(2)); // -0.04: same meaning, nothing in common
// --- example end
check(cosine(database!, databases!) > 0.6, "hashing matches spellings");
check(Math.abs(cosine(car!, automobile!)) < 0.2, "hashing does not know synonyms");

// Remote embedding providers: a table embedding through the `openai` provider.
// Run: npx tsx examples/providers.ts
//
// docs/providers.md quotes the region between the example markers; the tests run this
// file and check that the page shows the region as it is here.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Throws when the example's output drifted from what docs/providers.md shows. */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`example drifted: ${what}`);
}

// --- example start
import { connect } from "quiverdb";
import { getRegistry } from "quiverdb/embedding";
// A fake OpenAI-compatible server on 127.0.0.1, so this runs without network or account.
// In real use drop it: baseUrl defaults to https://api.openai.com/v1 (or OPENAI_BASE_URL),
// or point it at your own vLLM, llama.cpp or LM Studio server.
import { startFakeOpenAI } from "../test/fakes/openai-fake.js";

const server = await startFakeOpenAI({ apiKey: "sk-example-key" });

// A key is never an option value: set a variable and pass a $var: reference, which is
// all the table stores. (Or set OPENAI_API_KEY and leave apiKey out.)
getRegistry().setVar("openai_key", "sk-example-key");
const openai = getRegistry().get("openai")!.create({
  model: "text-embedding-3-small",
  dimensions: 256,
  apiKey: "$var:openai_key",
  baseUrl: server.baseUrl,
});

const db = await connect(join(await mkdtemp(join(tmpdir(), "quiver-")), "db"));
const articles = await db.createTable(
  "articles",
  [
    { id: 1, text: "How to bake sourdough bread at home" },
    { id: 2, text: "Tuning vector indexes for fast search" },
    { id: 3, text: "A beginner's guide to trail running" },
  ],
  { embeddingFunction: { function: openai, sourceColumn: "text" } },
);
await articles.add([{ id: 4, text: "Vector search with metadata filters" }]);

// The query is embedded by the same provider when the search runs.
const hits = await articles.search("vector search").limit(2).toArray();
console.log(hits.map((h) => h.id)); // [ 4, 2 ]

const stored = (await articles.schema()).metadata.get("embedding_functions")!;
console.log(stored.includes("$var:openai_key"), stored.includes("sk-example-key")); // true false
await server.close();
// --- example end
check(JSON.stringify(hits.map((h) => h.id)) === "[4,2]", "the search finds rows 4 and 2");
check(stored.includes("$var:openai_key") && !stored.includes("sk-example-key"), "the table stores the reference, not the key");
check(server.requests.length === 3, "one request each for createTable, add and the query");

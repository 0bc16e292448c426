// Full-text search, auto mode and hybrid search. Run: npx tsx examples/full-text-search.ts
// --- example start
import { BooleanQuery, Index, MatchQuery, Occur, PhraseQuery, connect, rerankers } from "quiverdb";
import { getRegistry } from "quiverdb/embedding";

const db = await connect("memory://");
const docs = [
  { id: 1, text: "Rust ownership rules prevent data races at compile time" },
  { id: 2, text: "The borrow checker enforces Rust ownership and borrowing" },
  { id: 3, text: "Python generators yield values lazily" },
  { id: 4, text: "A vector database finds nearest neighbours of embeddings" },
  { id: 5, text: "Full-text search ranks documents by BM25 relevance" },
];

// A full-text index on a string column: tokenized, stemmed, stop words dropped, BM25-ranked.
const notes = await db.createTable("notes", docs);
await notes.createIndex("text", { config: Index.fts() }); // named "text_idx"

// Results come best first with a float32 _score; where filters apply before ranking.
const ranked = await notes.search("rust borrowing", "fts").select(["id"]).limit(3).toArray();
console.log(ranked.map((r) => `${r.id}:${r._score.toFixed(3)}`).join(" "));

// Phrases (quoted text or PhraseQuery), boolean and fuzzy queries.
const phrase = await notes.search('"ownership rules"', "fts").toArray();
const fuzzy = await notes.search(new MatchQuery("embedings", "text", { fuzziness: 1 }), "fts").toArray();
const boolean = await notes
  .search(new BooleanQuery([[Occur.Must, new MatchQuery("rust", "text")], [Occur.MustNot, new PhraseQuery("borrow checker", "text")]]))
  .toArray();
console.log(phrase.map((r) => r.id), fuzzy.map((r) => r.id), boolean.map((r) => r.id)); // [1] [4] [1]

// Auto mode: this table has no embedding function, so a text query is a full-text search.
const auto = await notes.search("ranking documents").limit(1).toArray();
console.log(auto[0].id); // 5

// Rows added later are searched too; optimize() folds them into the index.
await notes.add([{ id: 6, text: "Async Rust schedules futures on worker threads" }]);
console.log(await notes.indexStats("text_idx")); // { numIndexedRows: 5, numUnindexedRows: 1, ... }
await notes.optimize();

// Hybrid search: an embedding function and a full-text index, fused by reciprocal rank.
const hashing = getRegistry().get("hashing")!.create({ ndims: 64 });
const kb = await db.createTable("kb", docs, { embeddingFunction: { function: hashing, sourceColumn: "text" } });
await kb.createIndex("text", { config: Index.fts() });
const hybrid = await kb.search("rust ownership", "hybrid").select(["id"]).limit(3).toArray();
console.log(hybrid.map((r) => `${r.id}:${r._relevance_score.toFixed(4)}`).join(" "));
const linear = await kb
  .search("rust ownership", "hybrid")
  .rerank(await rerankers.LinearCombinationReranker.create(0.3))
  .limit(3)
  .toArray();
console.log(linear.map((r) => r.id));
// --- example end
if (phrase[0]?.id !== 1 || auto[0]?.id !== 5 || hybrid.length !== 3 || linear.length !== 3) throw new Error("example drifted");

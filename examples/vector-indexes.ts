// Approximate vector search with an HNSW-SQ index. Run: npx tsx examples/vector-indexes.ts
// --- example start
import { Index, connect } from "quiverdb";

const db = await connect("memory://");
// 2,000 rows around 10 cluster centres (any embeddings work the same way).
let seed = 7;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
const centres = Array.from({ length: 10 }, () => Array.from({ length: 32 }, () => random() * 2 - 1));
const rows = Array.from({ length: 2000 }, (_, id) => ({ id, vector: centres[id % 10]!.map((c) => c + (random() - 0.5) * 0.3) }));
const table = await db.createTable("items", rows);

// Build the index; the metric it is built for is the metric queries must use to get it.
await table.createIndex("vector", {
  config: Index.hnswSq({ distanceType: "cosine", m: 20, efConstruction: 300 }),
  onProgress: (done) => void done, // Quiver extension: 0 … 1 while it builds
});
console.log(await table.indexStats("vector_idx")); // { numIndexedRows: 2000, numUnindexedRows: 0, indexType: 'IVF_HNSW_SQ', distanceType: 'cosine', ... }

// Search: ef trades speed for recall; _distance is exact (candidates are re-ranked with the full vectors).
const query = rows[42]!.vector;
const hits = await table.search(query).distanceType("cosine").ef(64).limit(5).toArray();
console.log(hits.map((r) => r.id)); // 42 first

// Filters apply before the search: 5 rows come back whenever 5 rows match.
const filtered = await table.search(query).distanceType("cosine").where("id % 100 = 3").limit(5).toArray();
console.log(filtered.length); // 5

// Rows added after the build are searched exactly and merged; optimize() folds them into the index.
await table.add([{ id: 5000, vector: query }]);
console.log((await table.search(query).distanceType("cosine").limit(2).toArray()).map((r) => r.id)); // 42 and 5000
await table.optimize();
console.log((await table.indexStats("vector_idx"))?.numUnindexedRows); // 0

// bypassVectorIndex() searches every row exactly; fastSearch() searches only indexed rows.
const exact = await table.search(query).distanceType("cosine").bypassVectorIndex().limit(5).toArray();
console.log(exact.map((r) => r.id));

// A build can be cancelled; the table and its old index stay as they were.
const controller = new AbortController();
controller.abort();
await table.createIndex("vector", { config: Index.hnswSq({ distanceType: "cosine" }), signal: controller.signal }).catch((e: Error) => console.log(e.name)); // OperationAbortedError
// IVF-PQ (LanceDB's IVF_PQ): nprobes partitions are scanned; refineFactor re-ranks with the full vectors.
const ivf = await db.createTable("items_ivf", rows);
await ivf.createIndex("vector", { config: Index.ivfPq({ distanceType: "cosine", numPartitions: 16, numSubVectors: 8 }) });
const pq = await ivf.search(query).distanceType("cosine").nprobes(4).refineFactor(5).limit(3).toArray();
console.log(pq[0]?.id, (await ivf.listIndices())[0]?.indexType); // 42 IvfPq
// HNSW-PQ: the HNSW graph over PQ codes (numSubVectors bytes a vector), candidates re-ranked exactly.
const compact = await db.createTable("items_hnsw_pq", rows);
await compact.createIndex("vector", { config: Index.hnswPq({ distanceType: "cosine", numSubVectors: 8 }) });
const near = await compact.search(query).distanceType("cosine").ef(128).limit(3).toArray();
console.log(near[0]?.id, (await compact.listIndices())[0]?.indexType); // 42 IvfHnswPq
// --- example end

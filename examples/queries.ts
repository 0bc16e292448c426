// Queries: filters, projections and vector search. Run: npx tsx examples/queries.ts
// --- example start
import { connect } from "quiverdb";

const db = await connect("memory://");
const table = await db.createTable(
  "docs",
  Array.from({ length: 100 }, (_, i) => ({
    id: i,
    category: `c${i % 5}`,
    price: i * 2.5,
    vector: [Math.cos(i / 10), Math.sin(i / 10), (i % 7) / 7],
  })),
);

// Exact nearest neighbours; _distance is the squared L2 distance unless distanceType says otherwise.
const nearest = await table.search([1, 0, 0]).limit(3).toArray();
console.log(nearest.map((r) => `${r.id}:${r._distance.toFixed(3)}`).join(" "));

// Filters run before the search (prefilter), so 3 matching rows come back when 3 exist.
const filtered = await table
  .search([1, 0, 0])
  .where("category = 'c3' AND price BETWEEN 10 AND 200")
  .distanceType("cosine")
  .select(["id", "category"])
  .limit(3)
  .toArray();
console.log(filtered);

// Plain queries, projections with SQL expressions, paging.
const page = await table.query().where("id >= 10").select({ id: "id", doubled: "price * 2" }).offset(5).limit(2).toArray();
console.log(page); // [{ id: 15, doubled: 75 }, { id: 16, doubled: 80 }]
// --- example end
if (filtered.length !== 3 || page[0]?.doubled !== 75) throw new Error("example drifted");

// Scalar indexes: btree, bitmap and label-list indexes for where filters. Run: npx tsx examples/scalar-indexes.ts
// --- example start
import { Index, connect } from "quiverdb";

const db = await connect("memory://");
const rows = Array.from({ length: 1000 }, (_, i) => ({
  id: i,
  category: ["shoes", "shirts", "hats", null][i % 4],
  price: (i * 7) % 500,
  tags: i % 5 === 0 ? ["sale"] : i % 5 === 1 ? ["new", "sale"] : [],
  vector: [Math.sin(i), Math.cos(i), (i % 10) / 10],
}));
const items = await db.createTable("items", rows);

// A bitmap for a column with few distinct values, a btree for a wide range of values.
await items.createIndex("category", { config: Index.bitmap() }); // named "category_idx"
await items.createIndex("price"); // no config: a btree, as LanceDB picks for a number column
console.log(await items.listIndices());

// Filters on indexed columns use the indexes: in scans, vector searches (prefilter) and full-text searches.
const cheapHats = await items.query().where("category = 'hats' AND price < 20").select(["id", "price"]).toArray();
const nearby = await items.search([0, 1, 0.5]).where("price BETWEEN 100 AND 120").limit(3).toArray();
console.log(cheapHats.length, nearby.map((r) => r.id));
console.log(await items.query().where("category IS NULL OR price > 490").explainPlan());

// A label-list index on a list column answers array_has_any / array_has_all / array_contains.
await items.createIndex("tags", { config: Index.labelList() });
console.log(await items.countRows("array_has_all(tags, ['new', 'sale'])"), await items.countRows("array_has_any(tags, ['sale'])")); // 200 400

// Rows added later are searched directly until optimize() folds them into the indexes.
await items.add([{ id: 1000, category: "hats", price: 3, tags: ["new"], vector: [0, 0, 0] }]);
console.log((await items.indexStats("category_idx"))?.numUnindexedRows); // 1
await items.optimize();
console.log((await items.indexStats("category_idx"))?.numUnindexedRows); // 0
await items.dropIndex("price_idx");
// --- example end

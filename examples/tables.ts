// Tables: create, write, version and time-travel. Run: npx tsx examples/tables.ts
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
// --- example start
import { connect } from "quiverdb";

const db = await connect(join(await mkdtemp(join(tmpdir(), "quiver-")), "db"));
const table = await db.createTable("products", [
  { id: 1, name: "kettle", price: 25.0, vector: [0.1, 0.7, 0.2] },
  { id: 2, name: "teapot", price: 18.5, vector: [0.2, 0.6, 0.3] },
  { id: 3, name: "toaster", price: 40.0, vector: [0.9, 0.1, 0.1] },
]);

await table.add([{ id: 4, name: "mug", price: 6.0, vector: [0.3, 0.5, 0.4] }]);
await table.update({ where: "name = 'kettle'", values: { price: 22.0 } });
await table.delete("price > 30");
await table
  .mergeInsert("id")
  .whenMatchedUpdateAll()
  .whenNotMatchedInsertAll()
  .execute([{ id: 2, name: "teapot", price: 15.0, vector: [0.2, 0.6, 0.3] }, { id: 5, name: "spoon", price: 2.0, vector: [0.3, 0.4, 0.5] }]);

console.log(await table.countRows()); // 4
console.log((await table.listVersions()).map((v) => `${v.version}:${v.metadata.operation}`).join(" "));
// 1:create 2:append 3:update 4:delete 5:merge

await table.checkout(1); // read-only view of the first version
console.log(await table.countRows()); // 3
await table.checkoutLatest();
// --- example end
if ((await table.countRows()) !== 4) throw new Error("example drifted: expected 4 rows");

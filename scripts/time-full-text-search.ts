// Informal timing of full-text search over 100k short documents, printed, not
// asserted (same-run comparisons against LanceDB belong in bench/).
// Run: npx tsx scripts/time-full-text-search.ts [rows]
import { Index, connect } from "quiverdb";

const rows = Number(process.argv[2] ?? 100_000);
// A Zipf-like vocabulary: word i appears with weight 1 / (i + 1).
const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
const weights = vocabulary.map((_, i) => 1 / (i + 1));
const total = weights.reduce((a, b) => a + b);
const cumulative: number[] = [];
weights.reduce((sum, w, i) => (cumulative[i] = sum + w / total), 0);
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const word = () => {
  const r = random();
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < r) lo = mid + 1;
    else hi = mid;
  }
  return vocabulary[lo]!;
};
const data = Array.from({ length: rows }, (_, id) => ({ id, text: Array.from({ length: 8 + (id % 9) }, word).join(" ") }));

const time = async <T>(label: string, f: () => Promise<T>, repeat = 1): Promise<T> => {
  let result: T;
  const start = performance.now();
  for (let i = 0; i < repeat; i++) result = await f();
  console.log(`${label.padEnd(52)} ${((performance.now() - start) / repeat).toFixed(2)} ms`);
  return result!;
};

const db = await connect("memory://");
const table = await db.createTable("docs", data);
await time(`createIndex(Index.fts()) over ${rows} rows`, () => table.createIndex("text", { config: Index.fts() }));
const common = vocabulary[3]!;
const mid = vocabulary[200]!;
const rare = vocabulary[3000]!;
await table.search(mid, "fts").toArray(); // first query loads and caches the index
await time(`single rare word (${rare}), limit 10`, () => table.search(rare, "fts").toArray(), 50);
await time(`single mid-frequency word (${mid}), limit 10`, () => table.search(mid, "fts").toArray(), 50);
await time(`single common word (${common}), limit 10`, () => table.search(common, "fts").toArray(), 20);
await time(`two words (${mid} ${rare}), limit 10`, () => table.search(`${mid} ${rare}`, "fts").toArray(), 50);
await time(`two words with where id < 50000`, () => table.search(`${mid} ${rare}`, "fts").where("id < 50000").toArray(), 20);
await time(`phrase "${vocabulary[1]} ${vocabulary[2]}"`, () => table.search(`"${vocabulary[1]} ${vocabulary[2]}"`, "fts").toArray(), 20);
await table.add(data.slice(0, 10_000).map((r) => ({ ...r, id: rows + r.id })));
await time("two words, 10k rows not indexed (first: tokenizes)", () => table.search(`${mid} ${rare}`, "fts").toArray());
await time("two words, 10k rows not indexed (cached)", () => table.search(`${mid} ${rare}`, "fts").toArray(), 20);
await time("optimize() (compacts both fragments, so re-tokenizes all)", () => table.optimize());

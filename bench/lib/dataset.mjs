/**
 * The synthetic data set both databases ingest: clustered float32 vectors (so a
 * nearest-neighbour search has a real answer), an integer id, a category `c0`..`c9`
 * and a price uniform in [0, 1000) (so `price >= 100 AND price < 200` keeps ~10%).
 * Everything comes from one seed; the canonical copy is columnar typed arrays,
 * and row objects / Arrow tables are views built from it outside any timing.
 */

import { createRandom } from "./seeded-random.mjs";

export const CATEGORY_COUNT = 10;
export const CATEGORIES = Array.from({ length: CATEGORY_COUNT }, (_, i) => `c${i}`);

/**
 * @param {{ rows: number, dims: number, clusters: number, spread: number, seed: number }} options
 *   spread: standard deviation of a point around its cluster centre (centres are N(0, 1) per dimension).
 */
export function createDataset({ rows, dims, clusters, spread, seed }) {
  const random = createRandom(seed);
  const centres = new Float32Array(clusters * dims);
  for (let i = 0; i < centres.length; i++) centres[i] = random.gaussian();

  const vectors = new Float32Array(rows * dims);
  const ids = new Int32Array(rows);
  const categoryCodes = new Uint8Array(rows);
  const prices = new Float64Array(rows);
  const clusterOf = new Uint16Array(rows);
  for (let row = 0; row < rows; row++) {
    const cluster = random.integer(clusters);
    clusterOf[row] = cluster;
    const base = row * dims;
    const centre = cluster * dims;
    for (let d = 0; d < dims; d++) vectors[base + d] = centres[centre + d] + spread * random.gaussian();
    ids[row] = row;
    categoryCodes[row] = random.integer(CATEGORY_COUNT);
    prices[row] = Math.round(random.uniform() * 100_000) / 100;
  }
  return { rows, dims, clusters, spread, seed, centres, vectors, ids, categoryCodes, prices, clusterOf };
}

/**
 * Query vectors drawn like the data (a random centre plus the same spread), from
 * their own seed so they are not rows of the table.
 */
export function createQueries(dataset, { count, seed }) {
  const random = createRandom(seed);
  const { dims, clusters, spread, centres } = dataset;
  const queries = [];
  for (let q = 0; q < count; q++) {
    const centre = random.integer(clusters) * dims;
    const vector = new Float32Array(dims);
    for (let d = 0; d < dims; d++) vector[d] = centres[centre + d] + spread * random.gaussian();
    queries.push(vector);
  }
  return queries;
}

/** Rows [start, end) as plain JS objects, the way most users pass data (`vector` is a number[]). */
export function toRowObjects(dataset, start, end) {
  const { dims, vectors, ids, categoryCodes, prices } = dataset;
  const rows = new Array(end - start);
  for (let row = start; row < end; row++) {
    rows[row - start] = {
      id: ids[row],
      category: CATEGORIES[categoryCodes[row]],
      price: prices[row],
      vector: Array.from(vectors.subarray(row * dims, (row + 1) * dims)),
    };
  }
  return rows;
}

/**
 * Rows [start, end) as an Arrow Table made with the given apache-arrow module:
 * id Int32, category Utf8, price Float64, vector FixedSizeList<Float32>[dims].
 * The vector column shares the dataset's buffer (no copy).
 */
export function toArrowTable(arrow, dataset, start, end) {
  const { dims, vectors, ids, categoryCodes, prices } = dataset;
  const length = end - start;
  const vectorType = new arrow.FixedSizeList(dims, new arrow.Field("item", new arrow.Float32(), true));
  const values = arrow.makeData({
    type: new arrow.Float32(),
    length: length * dims,
    data: vectors.subarray(start * dims, end * dims),
  });
  const vectorData = arrow.makeData({ type: vectorType, length, nullCount: 0, child: values });
  const categories = [];
  for (let row = start; row < end; row++) categories.push(CATEGORIES[categoryCodes[row]]);
  return new arrow.Table({
    id: arrow.makeVector(ids.subarray(start, end)),
    category: arrow.vectorFromArray(categories, new arrow.Utf8()),
    price: arrow.makeVector(prices.subarray(start, end)),
    vector: arrow.makeVector(vectorData),
  });
}

/** The filters the search workload runs, each with the same predicate in JS for the ground truth. */
export const SEARCH_FILTERS = [
  { key: "none", label: "no filter", where: undefined, matches: () => true },
  {
    key: "category",
    label: "where category = 'c3'",
    where: "category = 'c3'",
    matches: (dataset, row) => dataset.categoryCodes[row] === 3,
  },
  {
    key: "price",
    label: "where price in [100, 200)",
    where: "price >= 100 AND price < 200",
    matches: (dataset, row) => dataset.prices[row] >= 100 && dataset.prices[row] < 200,
  },
];

import { type DataType, Float16, Float32, Float64, Int32, type Table, Utf8, util } from "apache-arrow";
import { type FakeSnapshot, createFakeSnapshot, createRandom, fakeSource, makeBatch, randomVectors, vectorData } from "./fake-snapshot.js";
import type { QuerySource } from "../../src/query/index.js";
import { Query } from "../../src/query/index.js";
import type { DistanceType } from "../../src/plan/index.js";
import { referenceDistance } from "./reference.js";

/** One row of a fixture table as the tests see it. */
export interface FixtureRow {
  readonly fragmentId: number;
  readonly offset: number;
  readonly id: number;
  readonly category: string;
  readonly score: number;
  /** The stored vector (Float16 rounding applied), or null. */
  readonly vector: Float32Array | null;
  readonly deleted: boolean;
}

export interface VectorFixture {
  readonly snapshot: FakeSnapshot;
  readonly source: QuerySource & { snapshots: number };
  readonly rows: readonly FixtureRow[];
  readonly dims: number;
  readonly random: () => number;
  query(): Query;
  /** A random query vector. */
  vector(): Float32Array;
}

export interface FixtureOptions {
  sizes: readonly number[];
  dims?: number;
  seed?: number;
  fragmentIds?: readonly number[];
  /** Fraction of rows deleted, chosen at random. */
  deletedFraction?: number;
  /** Every n-th row (by id) gets a null vector. */
  nullEvery?: number;
  ipc?: boolean;
  elementType?: DataType;
}

/**
 * A table of fragments with columns id (Int32), category (Utf8: a/b/c by id),
 * score (Float64 = id / 2) and vector (FixedSizeList of Float32 or Float16),
 * and the same rows as plain objects for reference computations.
 */
export function createVectorFixture(options: FixtureOptions): VectorFixture {
  const dims = options.dims ?? 8;
  const random = createRandom(options.seed ?? 1);
  const elementType = options.elementType ?? new Float32();
  const half = elementType instanceof Float16;
  const rows: FixtureRow[] = [];
  let nextId = 0;
  const fragments = options.sizes.map((size, f) => {
    const fragmentId = options.fragmentIds?.[f] ?? f;
    const values = randomVectors(random, size, dims);
    if (half) for (let i = 0; i < values.length; i++) values[i] = util.uint16ToFloat64(util.float64ToUint16(values[i]!));
    const ids: number[] = [];
    const nullRows: number[] = [];
    const deleted: number[] = [];
    for (let offset = 0; offset < size; offset++) {
      const id = nextId++;
      ids.push(id);
      const isNull = options.nullEvery !== undefined && id % options.nullEvery === 0;
      if (isNull) nullRows.push(offset);
      const isDeleted = options.deletedFraction !== undefined && random() < options.deletedFraction;
      if (isDeleted) deleted.push(offset);
      rows.push({
        fragmentId,
        offset,
        id,
        category: ["a", "b", "c"][id % 3]!,
        score: id / 2,
        vector: isNull ? null : values.slice(offset * dims, (offset + 1) * dims),
        deleted: isDeleted,
      });
    }
    const batch = makeBatch(
      {
        id: ids,
        category: ids.map((id) => ["a", "b", "c"][id % 3]),
        score: ids.map((id) => id / 2),
        vector: vectorData(values, dims, nullRows, elementType),
      },
      { id: new Int32(), category: new Utf8(), score: new Float64() },
    );
    return { batch, id: fragmentId, deleted };
  });
  const snapshot = createFakeSnapshot("items", fragments, { ipc: options.ipc });
  const source = fakeSource(snapshot);
  return {
    snapshot,
    source,
    rows,
    dims,
    random,
    query: () => new Query(source),
    vector: () => randomVectors(random, 1, dims),
  };
}

/** The reference answer: rows that `keep`, nearest first by (distance, row id), then offset/limit. */
export function expectedNearest(
  rows: readonly FixtureRow[],
  query: ArrayLike<number>,
  metric: DistanceType,
  options: { limit?: number; offset?: number; keep?: (row: FixtureRow) => boolean; postKeep?: (row: FixtureRow) => boolean },
): { id: number; distance: number; row: FixtureRow }[] {
  const limit = options.limit ?? 10;
  const offset = options.offset ?? 0;
  const keep = options.keep ?? (() => true);
  let ranked = rows
    .filter((r) => !r.deleted && r.vector !== null && keep(r))
    .map((row) => ({ id: row.id, distance: referenceDistance(row.vector!, query, metric), row }))
    .sort((a, b) => a.distance - b.distance || a.row.fragmentId - b.row.fragmentId || a.row.offset - b.row.offset);
  if (options.postKeep) ranked = ranked.slice(0, limit + offset).filter((r) => options.postKeep!(r.row));
  return ranked.slice(offset, offset + limit);
}

/** `[id, _distance]` pairs of a result table. */
export function idsAndDistances(table: Table): { ids: number[]; distances: number[] } {
  return {
    ids: Array.from(table.getChild("id")!.toArray() as Int32Array),
    distances: Array.from(table.getChild("_distance")!.toArray() as Float32Array),
  };
}

export { Float16, Float32 };

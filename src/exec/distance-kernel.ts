import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import type { DistanceType } from "../plan/index.js";

/**
 * One exact top-k request: `rows` vectors of `dims` float32 values laid out
 * back to back in `dataset`, searched with each of `queryCount` query vectors.
 *
 * Both arrays must start at byte offset 0 of their buffer and hold exactly
 * `rows * dims` / `queryCount * dims` values: the native kernel reads from the
 * start of the ArrayBuffer and ignores a view's offset.
 */
export interface KernelSearchRequest {
  readonly dataset: Float32Array;
  readonly rows: number;
  readonly dims: number;
  readonly queries: Float32Array;
  readonly queryCount: number;
  /** Results per query; 1 ≤ count ≤ rows. */
  readonly count: number;
  readonly metric: DistanceType;
}

/**
 * `count` results per query, query after query: `rows[q * count + i]` is the
 * row offset of the i-th nearest row to query q, ascending by distance (the
 * order of equal distances is unspecified).
 */
export interface KernelSearchResult {
  readonly rows: Uint32Array;
  readonly distances: Float32Array;
}

/**
 * Exact nearest-neighbour search over a contiguous block of vectors, with
 * LanceDB's distance definitions: l2 is the squared Euclidean distance,
 * cosine is 1 − cos(a, b), dot is 1 − a·b.
 */
export interface DistanceKernel {
  readonly name: string;
  search(request: KernelSearchRequest): KernelSearchResult;
}

/** usearch metric names for LanceDB's distance types. */
const USEARCH_METRICS: Readonly<Record<DistanceType, string>> = Object.freeze({ l2: "l2sq", cosine: "cos", dot: "ip" });

/** Below this many multiply-adds, starting threads costs more than it saves. */
const PARALLEL_THRESHOLD = 1 << 20;

interface UsearchModule {
  exactSearch(
    dataset: Float32Array,
    queries: Float32Array,
    dimensions: number,
    count: number,
    metric: string,
    threads: number,
  ): { keys: BigUint64Array; distances: Float32Array };
}

/**
 * The usearch SIMD kernel, or null when the native module does not load
 * (unsupported platform, missing prebuilt binary). Loaded through `require`:
 * the package's ESM build does not load under Node.
 */
export function loadNativeKernel(): DistanceKernel | null {
  let usearch: UsearchModule;
  try {
    usearch = createRequire(import.meta.url)("usearch") as UsearchModule;
    if (typeof usearch.exactSearch !== "function") return null;
  } catch {
    // The native module is optional: the TypeScript kernel gives the same results.
    return null;
  }
  const cores = Math.max(1, availableParallelism());
  return Object.freeze({
    name: "usearch",
    search(request: KernelSearchRequest): KernelSearchResult {
      checkRequest(request);
      const { dataset, queries, dims, count, queryCount } = request;
      const work = request.rows * dims * queryCount;
      const threads = cores > 1 && work >= PARALLEL_THRESHOLD ? 0 : 1;
      const result = usearch.exactSearch(dataset, queries, dims, count, USEARCH_METRICS[request.metric], threads);
      const total = count * queryCount;
      const rows = new Uint32Array(total);
      const keys = result.keys;
      for (let i = 0; i < total; i++) rows[i] = Number(keys[i]!);
      const distances = result.distances.length === total ? result.distances : result.distances.slice(0, total);
      return { rows, distances };
    },
  });
}

/** A dependency-free kernel in plain typed-array loops; the fallback when usearch does not load. */
export function createTypeScriptKernel(): DistanceKernel {
  return Object.freeze({
    name: "typescript",
    search(request: KernelSearchRequest): KernelSearchResult {
      checkRequest(request);
      const { dataset, rows, dims, queries, queryCount, count, metric } = request;
      const outRows = new Uint32Array(count * queryCount);
      const outDistances = new Float32Array(count * queryCount);
      const distances = new Float32Array(rows);
      for (let q = 0; q < queryCount; q++) {
        const query = queries.subarray(q * dims, (q + 1) * dims);
        computeDistances(dataset, rows, dims, query, metric, distances);
        selectSmallest(distances, count, outRows.subarray(q * count, (q + 1) * count));
        for (let i = 0; i < count; i++) outDistances[q * count + i] = distances[outRows[q * count + i]!]!;
      }
      return { rows: outRows, distances: outDistances };
    },
  });
}

let defaultKernel: DistanceKernel | undefined;

/** The kernel queries use: usearch when it loads, the TypeScript kernel otherwise. */
export function getDistanceKernel(): DistanceKernel {
  defaultKernel ??= loadNativeKernel() ?? createTypeScriptKernel();
  return defaultKernel;
}

function checkRequest(r: KernelSearchRequest): void {
  if (
    r.dataset.byteOffset !== 0 ||
    r.queries.byteOffset !== 0 ||
    r.dataset.length !== r.rows * r.dims ||
    r.queries.length !== r.queryCount * r.dims ||
    r.count < 1 ||
    r.count > r.rows
  ) {
    throw new RangeError(
      `distance kernel: malformed request (rows=${r.rows}, dims=${r.dims}, queries=${r.queryCount}, count=${r.count}, ` +
        `dataset length ${r.dataset.length} at byte ${r.dataset.byteOffset}, queries length ${r.queries.length} at byte ${r.queries.byteOffset})`,
    );
  }
}

/** Distances of every row to `query`, written to `out`, with usearch's conventions for zero vectors. */
export function computeDistances(
  dataset: Float32Array,
  rows: number,
  dims: number,
  query: Float32Array,
  metric: DistanceType,
  out: Float32Array,
): void {
  if (metric === "l2") {
    for (let r = 0, base = 0; r < rows; r++, base += dims) {
      let sum = 0;
      for (let j = 0; j < dims; j++) {
        const d = dataset[base + j]! - query[j]!;
        sum += d * d;
      }
      out[r] = sum;
    }
  } else if (metric === "dot") {
    for (let r = 0, base = 0; r < rows; r++, base += dims) {
      let sum = 0;
      for (let j = 0; j < dims; j++) sum += dataset[base + j]! * query[j]!;
      out[r] = 1 - sum;
    }
  } else {
    let qq = 0;
    for (let j = 0; j < dims; j++) qq += query[j]! * query[j]!;
    for (let r = 0, base = 0; r < rows; r++, base += dims) {
      let ab = 0;
      let aa = 0;
      for (let j = 0; j < dims; j++) {
        const a = dataset[base + j]!;
        ab += a * query[j]!;
        aa += a * a;
      }
      // usearch: two zero vectors are identical (0); one zero vector is orthogonal to anything (1).
      out[r] = aa === 0 && qq === 0 ? 0 : aa === 0 || qq === 0 ? 1 : 1 - ab / Math.sqrt(aa * qq);
    }
  }
}

/**
 * Writes to `out` the indexes of the `out.length` smallest entries of
 * `distances`, ascending (ties by index). NaN sorts last. A bounded max-heap:
 * O(n log k).
 */
export function selectSmallest(distances: Float32Array, count: number, out: Uint32Array): void {
  const n = distances.length;
  const heap = new Uint32Array(count);
  let size = 0;
  // "a is worse than b": larger distance, or equal distance and larger index; NaN is worst.
  const worse = (a: number, b: number): boolean => {
    const da = distances[a]!;
    const db = distances[b]!;
    if (da !== da) return db === db || a > b;
    if (db !== db) return false;
    return da > db || (da === db && a > b);
  };
  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) return;
      const r = l + 1;
      const c = r < size && worse(heap[r]!, heap[l]!) ? r : l;
      if (!worse(heap[c]!, heap[i]!)) return;
      const t = heap[c]!;
      heap[c] = heap[i]!;
      heap[i] = t;
      i = c;
    }
  };
  for (let row = 0; row < n; row++) {
    if (size < count) {
      heap[size] = row;
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[p]!)) break;
        const t = heap[p]!;
        heap[p] = heap[i]!;
        heap[i] = t;
        i = p;
      }
    } else if (worse(heap[0]!, row)) {
      heap[0] = row;
      siftDown(0);
    }
  }
  // Pop the worst to the back: the heap leaves in ascending order.
  for (let end = size - 1; end >= 0; end--) {
    out[end] = heap[0]!;
    heap[0] = heap[end]!;
    size = end;
    siftDown(0);
  }
}

import { randomUUID } from "node:crypto";
import { readFile, unlink, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { OperationAbortedError } from "../../../errors.js";
import type { FragmentSnapshot } from "../../../storage/table-snapshot.js";
import { liveVectors } from "../live-vectors.js";
import { loadUsearchBinding, type NativeHnsw } from "../usearch-binding.js";
import { VECTOR_INDEX_DEFAULTS, type VectorIndexParams } from "../vector-index-options.js";
import { USEARCH_METRICS } from "./hnsw-index.js";
import { type ScalarQuantizer, encodeRows, trainScalarQuantizer } from "./scalar-quantizer.js";
import { monotonicProgress } from "../../../util/monotonic-progress.js";

/** Progress and cancellation of a build. */
export interface HnswBuildControl {
  readonly signal?: AbortSignal;
  readonly onProgress?: (fractionDone: number) => void;
  /** Names the operation in the error an abort raises. */
  readonly operation: string;
}

/** An index to extend instead of starting over (optimize). */
export interface HnswBase {
  /** The stored graph, loaded into memory (a viewed graph is read-only). */
  readonly graph: Uint8Array;
  readonly quantizer: ScalarQuantizer;
  /** Fragments whose live rows it holds. */
  readonly fragmentIds: ReadonlySet<number>;
  /** The row of each graph key (rows removed from the graph stay listed: keys are never reused). */
  readonly rowKeys: GraphRowKeys;
}

/**
 * The row of each key in the graph: key p is row offsets[p] of fragment
 * fragmentIds[p]. usearch finds a key's node through a hash table indexed by
 * the key's low bits, so keys are positions 0, 1, 2 …: row keys (fragment id
 * × 2^32 + offset) share their low bits across fragments, and a table of many
 * small fragments made every insertion and every load probe long chains
 * (a 100k-row table of 1,000 fragments: 64 s to build, 4.4 s to open).
 */
export interface GraphRowKeys {
  readonly fragmentIds: Uint32Array;
  readonly offsets: Uint32Array;
}

/** What a build produces: the graph file's bytes, the quantizer its codes use, and the row of each key. */
export interface HnswBuildResult {
  readonly graph: Uint8Array;
  readonly quantizer: ScalarQuantizer;
  readonly rows: number;
  readonly rowKeys: GraphRowKeys;
}

/** Vectors the quantizer's scale and centre are chosen from. */
const QUANTIZER_SAMPLE = 20_000;
/**
 * A chunk of insertions aims at this long. usearch's add is synchronous, so
 * queries on the event loop wait up to one chunk; the aim leaves room under
 * ~100 ms for a chunk that runs slower than the last (a busy machine).
 */
const CHUNK_TARGET_MS = 50;
/** Share of the progress given to the pass that reads fragments and trains the quantizer. */
const READ_SHARE = 0.1;

interface LiveRows {
  readonly fragment: FragmentSnapshot;
  /** Offsets of the rows to index: not deleted, with a vector. */
  readonly rows: Uint32Array;
}

/**
 * Builds an HNSW graph over the live, non-null vectors of `column` in
 * `fragments`, keyed by row key (fragment id × 2^32 + offset). Insertions run
 * in chunks on usearch's threads, with a turn for the event loop between
 * chunks, a progress report and an abort check; nothing is written to the
 * table here. With `base`, its graph is loaded, rows deleted since are
 * removed and only fragments it does not hold are added.
 */
export async function buildHnswIndex(
  fragments: readonly FragmentSnapshot[],
  column: string,
  dims: number,
  params: VectorIndexParams,
  control: HnswBuildControl,
  base?: HnswBase,
): Promise<HnswBuildResult> {
  const { CompiledIndex } = loadUsearchBinding();
  const report = monotonicProgress(control.onProgress);
  checkAbort(control);

  // Pass 1: which rows to index, and a sample for the quantizer.
  const live: LiveRows[] = [];
  const masks = new Map<number, Uint8Array>();
  let total = 0;
  for (const fragment of fragments) {
    if (base?.fragmentIds.has(fragment.id)) {
      // Already in the graph: only rows deleted since must leave it.
      const mask = fragment.deletedRows > 0 ? await fragment.deletionMask() : null;
      if (mask) masks.set(fragment.id, mask);
      continue;
    }
    const { vectors, rows } = await liveVectors(fragment, column, dims);
    void vectors;
    live.push({ fragment, rows });
    total += rows.length;
    checkAbort(control);
  }
  report(READ_SHARE / 2);
  const quantizer = base?.quantizer ?? trainScalarQuantizer(...(await sampleVectors(live, column, dims, total)), dims, params.distanceType);
  report(READ_SHARE);

  const native: NativeHnsw = new CompiledIndex(dims, USEARCH_METRICS[params.distanceType], "i8", params.m ?? VECTOR_INDEX_DEFAULTS.m, params.efConstruction ?? VECTOR_INDEX_DEFAULTS.efConstruction, 1, false);
  const kept = base?.rowKeys.offsets.length ?? 0;
  const fragmentIds = new Uint32Array(kept + total);
  const offsets = new Uint32Array(kept + total);
  if (base) {
    await withTempFile(base.graph, (path) => native.load(path));
    fragmentIds.set(base.rowKeys.fragmentIds);
    offsets.set(base.rowKeys.offsets);
    const removed: bigint[] = [];
    for (let p = 0; p < kept; p++) if (masks.get(fragmentIds[p]!)?.[offsets[p]!] === 1) removed.push(BigInt(p));
    // Rows removed by an earlier optimize are listed again; usearch ignores keys it no longer holds.
    if (removed.length > 0) native.remove(BigUint64Array.from(removed));
  }

  // Pass 2: insert in chunks sized to take about CHUNK_TARGET_MS each.
  const pacer = new ChunkPacer();
  const threads = insertThreads();
  let codes = new Int8Array(0);
  let keys = new BigUint64Array(0);
  let added = 0;
  for (const { fragment, rows } of live) {
    const { vectors } = await liveVectors(fragment, column, dims);
    for (let start = 0; start < rows.length; ) {
      checkAbort(control);
      const count = pacer.next(rows.length - start);
      // usearch copies each vector into the graph, so one buffer serves every chunk.
      if (keys.length < count) {
        codes = new Int8Array(count * dims);
        keys = new BigUint64Array(count);
      }
      encodeRows(quantizer, vectors, rows, start, count, codes);
      for (let i = 0; i < count; i++) {
        const position = kept + added + i;
        keys[i] = BigInt(position);
        fragmentIds[position] = fragment.id;
        offsets[position] = rows[start + i]!;
      }
      const began = performance.now();
      native.add(keys.subarray(0, count), codes.subarray(0, count * dims), threads);
      pacer.record(count, performance.now() - began);
      start += count;
      added += count;
      report(READ_SHARE + ((1 - READ_SHARE) * added) / Math.max(1, total));
      await yieldToEventLoop();
    }
  }
  checkAbort(control);
  const graph = await saveToBytes(native);
  report(1);
  return { graph, quantizer, rows: native.size(), rowKeys: { fragmentIds, offsets } };
}

/**
 * Threads usearch inserts on: the cores this process may use (usearch's own
 * `0` means every online CPU, even ones this process is not allowed on), and
 * never more than the online CPUs, the per-thread contexts usearch reserves
 * when it loads a graph (an add on more threads than reserved fails).
 */
function insertThreads(): number {
  const online = cpus().length;
  return Math.max(1, online > 0 ? Math.min(availableParallelism(), online) : availableParallelism());
}

/** The first chunk's size, before any rate is known. */
const FIRST_CHUNK = 64;
/** A chunk is at most this many times the last, so one quick chunk (the machine briefly idle) cannot size a long pause. */
const CHUNK_GROWTH = 2;
const MAX_CHUNK = 65_536;

/**
 * Sizes chunks to take about CHUNK_TARGET_MS: the insertion rate so far
 * (rows per ms, smoothed over recent chunks, since it falls slowly as the
 * graph grows and jumps with the machine's load) times the target.
 */
class ChunkPacer {
  private rate: number | undefined;
  /** The last planned size, before the end of a fragment cut it short (a short tail says nothing about speed). */
  private planned = FIRST_CHUNK;

  next(remaining: number): number {
    const wanted = this.rate === undefined ? FIRST_CHUNK : Math.round(this.rate * CHUNK_TARGET_MS);
    this.planned = Math.max(16, Math.min(wanted, CHUNK_GROWTH * this.planned, MAX_CHUNK));
    return Math.min(remaining, this.planned);
  }

  record(rows: number, ms: number): void {
    const rate = rows / Math.max(0.5, ms);
    this.rate = this.rate === undefined ? rate : (this.rate + rate) / 2;
  }
}

/** Up to QUANTIZER_SAMPLE vectors spread evenly over the rows to index. */
async function sampleVectors(live: readonly LiveRows[], column: string, dims: number, total: number): Promise<[Float32Array, number]> {
  const step = Math.max(1, total / QUANTIZER_SAMPLE);
  const picked = Math.min(total, QUANTIZER_SAMPLE);
  const out = new Float32Array(picked * dims);
  let n = 0;
  let seen = 0;
  let next = 0;
  for (const { fragment, rows } of live) {
    if (n >= picked) break;
    const end = seen + rows.length;
    if (next >= end) {
      seen = end;
      continue;
    }
    const { vectors } = await liveVectors(fragment, column, dims);
    while (next < end && n < picked) {
      const r = rows[Math.floor(next) - seen]!;
      out.set(vectors.subarray(r * dims, (r + 1) * dims), n * dims);
      n++;
      next += step;
    }
    seen = end;
  }
  return [out.subarray(0, n * dims), n];
}

function checkAbort(control: HnswBuildControl): void {
  const signal = control.signal;
  if (signal?.aborted) throw new OperationAbortedError(control.operation, { cause: signal.reason });
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** usearch saves and loads only by path: go through a private temporary file. */
async function withTempFile<T>(bytes: Uint8Array | null, use: (path: string) => T): Promise<T> {
  const path = join(tmpdir(), `quiver-hnsw-${randomUUID()}.usearch`);
  try {
    if (bytes !== null) await writeFile(path, bytes);
    return use(path);
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

async function saveToBytes(native: NativeHnsw): Promise<Uint8Array> {
  const path = join(tmpdir(), `quiver-hnsw-${randomUUID()}.usearch`);
  try {
    native.save(path);
    return await readFile(path);
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

/** Loads a stored graph fully into memory (for extending it, or from a store that is not a local folder). */
export async function loadGraphCopy(native: NativeHnsw, graph: Uint8Array): Promise<void> {
  await withTempFile(graph, (path) => native.load(path));
}

import type { FragmentSnapshot } from "../../../storage/table-snapshot.js";
import { buildHnswIndex, type HnswBuildControl } from "../hnsw/build-hnsw-index.js";
import { encodeRows, residualSlices } from "../ivf/encode-residuals.js";
import type { IvfPartitioning } from "../ivf/ivf-partitioning.js";
import { trainProductQuantizer } from "../ivf/product-quantizer.js";
import { pqTraining } from "../ivf/pq-training.js";
import { DEFAULT_SEED, createSeededRandom, sampleIndices } from "../ivf/seeded-random.js";
import { normaliseAt } from "../ivf/vector-math.js";
import { WorkPacer } from "../ivf/work-pacer.js";
import { liveVectors } from "../live-vectors.js";
import { VECTOR_INDEX_DEFAULTS, type VectorIndexParams } from "../vector-index-options.js";
import type { HnswPqParts } from "./hnsw-pq-graph-codec.js";
import { type ProximityGraph, readUsearchGraph } from "./usearch-graph-file.js";

/** Share of the progress given to building the graph; the rest trains the quantizer and encodes. */
const GRAPH_SHARE = 0.7;
/** Rows encoded per call (bounds the gathered copy of a large fragment's vectors). */
const ENCODE_CHUNK = 16_384;

/**
 * Builds an HNSW-PQ index over the live, finite vectors of `column`: usearch
 * builds the graph over 8-bit codes (the HNSW-SQ build: its neighbours are
 * chosen with near-exact distances, which the coarser PQ distances would
 * spoil), the graph is read out of usearch's file, and every node's vector
 * becomes `numSubVectors` PQ codes of its residual from the mean, with a
 * codebook trained on a sample as IVF-PQ trains it. usearch's own vectors
 * are dropped: the index keeps the graph and the codes.
 */
export async function buildHnswPqIndex(
  fragments: readonly FragmentSnapshot[],
  column: string,
  dims: number,
  params: VectorIndexParams & { readonly numSubVectors: number },
  control: HnswBuildControl,
): Promise<HnswPqParts> {
  const built = await buildHnswIndex(fragments, column, dims, params, { ...control, onProgress: (f) => control.onProgress?.(GRAPH_SHARE * f) });
  const pacer = WorkPacer.create(control.operation, control).range(GRAPH_SHARE, 1);
  const reading = pacer.range(0, 0.02);
  const graph = await readUsearchGraph(built.graph, (f) => reading.step(f));
  // usearch's keys are positions into the build's row list (see GraphRowKeys); the file stores rows.
  const { fragmentIds, offsets } = built.rowKeys;
  for (let slot = 0; slot < graph.size; slot++) {
    const position = graph.keyLow[slot]!;
    graph.keyHigh[slot] = fragmentIds[position]!;
    graph.keyLow[slot] = offsets[position]!;
  }
  const normalise = params.distanceType === "cosine";
  const byFragment = slotsByFragment(graph, fragments);

  const training = pqTraining(graph.size, params.sampleRate ?? VECTOR_INDEX_DEFAULTS.sampleRate, params.maxIterations ?? VECTOR_INDEX_DEFAULTS.maxIterations);
  const picked = sampleIndices(graph.size, training.rows, createSeededRandom((DEFAULT_SEED ^ 0x9e3779b9) >>> 0));
  const sample = await gatherSample(byFragment, picked, column, dims, normalise);
  const mean = meanOf(sample, picked.length, dims);
  const identity = Uint32Array.from({ length: picked.length }, (_, i) => i);
  const residuals = residualSlices({ vectors: sample, rows: picked.length, dims }, identity, new Uint32Array(picked.length), mean, false);
  const quantizer = await trainProductQuantizer(residuals, params.numSubVectors, training, DEFAULT_SEED, pacer.range(0.02, 0.6));

  const codes = new Uint8Array(graph.size * params.numSubVectors);
  const normTerms = new Float32Array(graph.size);
  const encoding = pacer.range(0.6, 1);
  let done = 0;
  for (const { fragment, slots, rows } of byFragment) {
    const { vectors } = await liveVectors(fragment, column, dims);
    for (let start = 0; start < slots.length; start += ENCODE_CHUNK) {
      const count = Math.min(ENCODE_CHUNK, slots.length - start);
      const chunk = new Float32Array(count * dims);
      for (let i = 0; i < count; i++) {
        const row = rows[start + i]!;
        chunk.set(vectors.subarray(row * dims, (row + 1) * dims), i * dims);
      }
      const encoded = await encodeRows({ vectors: chunk, rows: count, dims }, onePartition(mean, dims, count, params.distanceType), new Uint32Array(count), quantizer, encoding.range(done / graph.size, (done + count) / graph.size));
      for (let i = 0; i < count; i++) {
        const slot = slots[start + i]!;
        codes.set(encoded.codes.subarray(i * params.numSubVectors, (i + 1) * params.numSubVectors), slot * params.numSubVectors);
        normTerms[slot] = encoded.normTerms[i]!;
      }
      done += count;
    }
  }
  await pacer.step(1);
  return { distanceType: params.distanceType, dims, graph, quantizer, mean, encoded: { codes, normTerms } };
}

interface FragmentSlots {
  readonly fragment: FragmentSnapshot;
  /** The graph's nodes of this fragment's rows, by ascending row offset. */
  readonly slots: Uint32Array;
  /** The row offset of each of `slots`. */
  readonly rows: Uint32Array;
}

/**
 * The nodes grouped by fragment (in `fragments` order) and ordered by row, so
 * vectors are read one fragment at a time. A node's row offset indexes a
 * per-fragment table directly: linear, where sorting a million-node fragment
 * would hold the event loop for a second.
 */
function slotsByFragment(graph: ProximityGraph, fragments: readonly FragmentSnapshot[]): FragmentSlots[] {
  const position = new Map(fragments.map((f, i) => [f.id, i]));
  const slotAt = fragments.map((f) => new Int32Array(f.physicalRows).fill(-1));
  const counts = new Uint32Array(fragments.length);
  for (let s = 0; s < graph.size; s++) {
    const i = position.get(graph.keyHigh[s]!);
    const offset = graph.keyLow[s]!;
    if (i === undefined || offset >= slotAt[i]!.length) throw new Error(`the graph holds row ${offset} of fragment ${graph.keyHigh[s]}, which the build did not read`);
    slotAt[i]![offset] = s;
    counts[i]!++;
  }
  const out: FragmentSlots[] = [];
  fragments.forEach((fragment, i) => {
    if (counts[i] === 0) return;
    const slots = new Uint32Array(counts[i]!);
    const rows = new Uint32Array(counts[i]!);
    const table = slotAt[i]!;
    for (let offset = 0, n = 0; offset < table.length; offset++) {
      if (table[offset]! < 0) continue;
      slots[n] = table[offset]!;
      rows[n++] = offset;
    }
    out.push({ fragment, slots, rows });
  });
  return out;
}

/** The vectors at the ascending ordinals `picked` of the nodes in fragment-then-row order (unit length for cosine). */
async function gatherSample(byFragment: readonly FragmentSlots[], picked: Uint32Array, column: string, dims: number, normalise: boolean): Promise<Float32Array> {
  const out = new Float32Array(picked.length * dims);
  let next = 0;
  let seen = 0;
  for (const { fragment, rows } of byFragment) {
    const end = seen + rows.length;
    if (next < picked.length && picked[next]! < end) {
      const { vectors } = await liveVectors(fragment, column, dims);
      for (; next < picked.length && picked[next]! < end; next++) {
        const row = rows[picked[next]! - seen]!;
        out.set(vectors.subarray(row * dims, (row + 1) * dims), next * dims);
        if (normalise) normaliseAt(out, next * dims, dims);
      }
    }
    seen = end;
  }
  return out;
}

function meanOf(vectors: Float32Array, rows: number, dims: number): Float32Array {
  const sums = new Float64Array(dims);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dims; j++) sums[j] = sums[j]! + vectors[r * dims + j]!;
  return Float32Array.from(sums, (s) => (rows > 0 ? s / rows : 0));
}

/** One partition centred on `mean` holding `rows` rows in order: IVF-PQ's encoder then encodes residuals from the mean. */
function onePartition(mean: Float32Array, dims: number, rows: number, distanceType: VectorIndexParams["distanceType"]): IvfPartitioning {
  return {
    distanceType,
    dims,
    rows,
    numPartitions: 1,
    centroids: mean,
    offsets: Uint32Array.of(0, rows),
    positions: Uint32Array.from({ length: rows }, (_, i) => i),
  };
}

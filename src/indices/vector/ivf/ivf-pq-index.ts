import { computeDistances } from "../../../exec/distance-kernel.js";
import { InvalidArgumentError } from "../../../errors.js";
import type { DistanceType } from "../../../plan/index.js";
import { type EncodedRows, encodeRows, residualSlices } from "./encode-residuals.js";
import { type IvfParams, type IvfPqBuildOptions, type PqParams, resolveIvfParams, resolvePqParams } from "./ivf-options.js";
import { type IvfPartitioning, layoutPartitions } from "./ivf-partitioning.js";
import { type IvfSearchHits, type IvfSearchOptions, checkSearchArguments, resolveProbeRange, toExcludeTest } from "./ivf-search-options.js";
import { BYTE_TABLE_WIDTH, buildByteLookupTable } from "./pq-byte-table.js";
import { pqCodeBytes } from "./pq-code-layout.js";
import { type ProductQuantizer, quantizerBits, trainProductQuantizer } from "./product-quantizer.js";
import { rankPartitions } from "./rank-partitions.js";
import { createSeededRandom, sampleIndices } from "./seeded-random.js";
import { TopKHeap } from "./top-k-heap.js";
import { pqTraining } from "./pq-training.js";
import { assignPartitions, trainPartitionCentroids } from "./train-partitions.js";
import { dotAt, normaliseAt, squaredL2At } from "./vector-math.js";
import { type VectorSet, checkVectorSet } from "./vector-set.js";
import { WorkPacer } from "./work-pacer.js";

/**
 * IVF-PQ: partitions as IVF-Flat, but each vector is stored as numSubVectors
 * codes of its residual (8 bits: a byte each; 4 bits: two a byte). A search
 * ranks partitions, scores the rows of the probed ones from a per-query
 * lookup table indexed by code byte (asymmetric distance: the query stays
 * exact, only the rows are quantized), and optionally re-ranks the best
 * k × refineFactor with exact distances on the original vectors.
 *
 * @module
 */

/**
 * The original vectors for re-ranking: the Float32Array the index was built
 * from (rows × dims, by original position), or a function returning the
 * vectors of the given original positions back to back, in that order.
 */
export type OriginalVectors = Float32Array | ((positions: Uint32Array) => Float32Array);

export interface IvfPqSearchOptions extends IvfSearchOptions {
  /**
   * Re-rank k × refineFactor candidates with exact distances on the original
   * vectors (LanceDB's refineFactor); needs `vectors`. Without it, results
   * carry the approximate (quantized) distances.
   */
  refineFactor?: number;
  /** Where re-ranking reads the original vectors. */
  vectors?: OriginalVectors;
}

/**
 * A built or decoded IVF-PQ index: its partitioning, codebook and codes.
 * Searching never writes to it, so one instance serves concurrent queries.
 */
export class IvfPqIndex {
  readonly kind = "ivfPq" as const;
  readonly partitioning: IvfPartitioning;
  readonly params: IvfParams & PqParams;
  readonly quantizer: ProductQuantizer;
  readonly encoded: EncodedRows;

  /** @internal Use {@link buildIvfPqIndex} or {@link decodeIvfPqIndex}. */
  constructor(partitioning: IvfPartitioning, params: IvfParams & PqParams, quantizer: ProductQuantizer, encoded: EncodedRows) {
    this.partitioning = partitioning;
    this.params = params;
    this.quantizer = quantizer;
    this.encoded = encoded;
  }

  get rows(): number {
    return this.partitioning.rows;
  }

  get dims(): number {
    return this.partitioning.dims;
  }

  get distanceType(): DistanceType {
    return this.partitioning.distanceType;
  }

  /**
   * The k nearest allowed rows to each of `queryCount` queries, ascending.
   * Distances are approximate unless refineFactor re-ranks them, then exact
   * (LanceDB's definitions: l2 squared, cosine 1 − cos, dot 1 − a·b).
   *
   * @example
   * const [hits] = index.search(query, 1, 10, { nprobes: 20, refineFactor: 5, vectors });
   */
  search(queries: Float32Array, queryCount: number, k: number, options?: IvfPqSearchOptions): IvfSearchHits[] {
    const { dims, rows, numPartitions } = this.partitioning;
    checkSearchArguments(queries, queryCount, k, dims);
    const probes = resolveProbeRange(options, numPartitions);
    const excluded = toExcludeTest(options?.exclude, rows);
    const refine = resolveRefine(options, rows, dims);
    const results: IvfSearchHits[] = [];
    for (let q = 0; q < queryCount; q++) {
      const query = queries.slice(q * dims, (q + 1) * dims);
      const candidates = this.#approximate(query, k * (refine?.factor ?? 1), k, probes, excluded);
      results.push(refine ? rerank(query, candidates, k, this.distanceType, dims, refine.vectors) : candidates);
    }
    return results;
  }

  /** The best `capacity` rows by quantized distance, probing until at least k are found (within the probe range). */
  #approximate(query: Float32Array, capacity: number, k: number, probes: { minimum: number; maximum: number }, excluded: ((position: number) => boolean) | null): IvfSearchHits {
    const { dims, centroids, offsets, positions, distanceType } = this.partitioning;
    const rowBytes = pqCodeBytes(this.quantizer.numSubVectors, quantizerBits(this.quantizer));
    const { codes, normTerms } = this.encoded;
    if (distanceType === "cosine") normaliseAt(query, 0, dims);
    const order = rankPartitions(this.partitioning, query, 0);
    const table = buildByteLookupTable(this.quantizer, query, 0);
    const heap = new TopKHeap(capacity);
    const isDot = distanceType === "dot";
    // Cosine on unit vectors: 1 − cos = ‖q − x‖² / 2.
    const scale = distanceType === "cosine" ? 0.5 : 1;
    for (let probe = 0; probe < probes.maximum; probe++) {
      if (probe >= probes.minimum && heap.size >= k) break;
      const p = order[probe]!;
      const base = isDot ? dotAt(query, 0, centroids, p * dims, dims) : squaredL2At(query, 0, centroids, p * dims, dims);
      for (let s = offsets[p]!, end = offsets[p + 1]!; s < end; s++) {
        const position = positions[s]!;
        if (excluded !== null && excluded(position)) continue;
        let sum = 0;
        for (let j = 0, c = s * rowBytes; j < rowBytes; j++) sum += table[j * BYTE_TABLE_WIDTH + codes[c + j]!]!;
        const distance = isDot ? 1 - (base + sum) : (base + normTerms[s]! - 2 * sum) * scale;
        if (distance <= heap.bound) heap.offer(distance, position);
      }
    }
    return heap.drain();
  }
}

interface Refine {
  readonly factor: number;
  readonly vectors: OriginalVectors;
}

function resolveRefine(options: IvfPqSearchOptions | undefined, rows: number, dims: number): Refine | null {
  const factor = options?.refineFactor;
  if (factor === undefined) return null;
  if (!Number.isInteger(factor) || factor < 1) {
    throw new InvalidArgumentError(`IVF-PQ search: refineFactor must be an integer ≥ 1; got ${factor}. Pass a multiplier, e.g. refineFactor: 5.`, "refineFactor");
  }
  const vectors = options?.vectors;
  if (vectors === undefined) {
    throw new InvalidArgumentError(
      `IVF-PQ search: refineFactor ${factor} needs the original vectors to re-rank with; got none. ` +
        `Pass {vectors} (the Float32Array the index was built from, or a function of positions), or search k × refineFactor and re-rank yourself.`,
      "vectors",
    );
  }
  if (typeof vectors !== "function" && vectors.length !== rows * dims) {
    throw new InvalidArgumentError(
      `IVF-PQ search: vectors must hold rows × dims = ${rows} × ${dims} = ${rows * dims} values; got ${vectors.length}. Pass the vectors the index was built from.`,
      "vectors",
    );
  }
  return { factor, vectors };
}

/** Exact distances for the candidates, best k kept. */
function rerank(query: Float32Array, candidates: IvfSearchHits, k: number, metric: DistanceType, dims: number, source: OriginalVectors): IvfSearchHits {
  const n = candidates.positions.length;
  if (n === 0) return candidates;
  let block: Float32Array;
  if (typeof source === "function") {
    block = source(candidates.positions);
    if (!(block instanceof Float32Array) || block.length !== n * dims) {
      throw new InvalidArgumentError(
        `IVF-PQ search: the vectors function must return ${n} × ${dims} = ${n * dims} values for ${n} positions; got ${
          block instanceof Float32Array ? block.length : typeof block
        }. Return the vectors of the given positions back to back, in order.`,
        "vectors",
      );
    }
  } else {
    block = new Float32Array(n * dims);
    for (let i = 0; i < n; i++) {
      const row = candidates.positions[i]!;
      block.set(source.subarray(row * dims, row * dims + dims), i * dims);
    }
  }
  const exact = new Float32Array(n);
  computeDistances(block, n, dims, query, metric, exact);
  const heap = new TopKHeap(k);
  for (let i = 0; i < n; i++) heap.offer(exact[i]!, candidates.positions[i]!);
  return heap.drain();
}

/**
 * Builds an IVF-PQ index over `data`: IVF partitions as IVF-Flat, then a
 * product quantizer trained on the residuals of a sample (8 bits: at most
 * 64 × 256 rows and 25 iterations per sub-vector, see pq-training.ts:
 * LanceDB's sampleRate × 256 rows × 50 iterations took minutes in JS; 4 bits:
 * LanceDB's sampleRate × 16 rows), then every row encoded.
 *
 * @example
 * const index = await buildIvfPqIndex({ vectors, rows, dims: 384 }, { numPartitions: 256, numSubVectors: 24 });
 */
export async function buildIvfPqIndex(data: VectorSet, options?: IvfPqBuildOptions): Promise<IvfPqIndex> {
  checkVectorSet(data, "IVF-PQ index");
  const ivfParams = resolveIvfParams(data.rows, options);
  const pqParams = resolvePqParams(data.rows, data.dims, options);
  const pacer = WorkPacer.create("Building the IVF-PQ index", options);
  // The checks above read every value (tens of milliseconds at 100k × 384): let other work in first.
  await pacer.yield();
  const normalise = ivfParams.distanceType === "cosine";
  const { centroids, known } = await trainPartitionCentroids(data, ivfParams, pacer.range(0, 0.35));
  const partitionOf = await assignPartitions(data, centroids, ivfParams.numPartitions, normalise, pacer.range(0.35, 0.45), undefined, known);
  const { offsets, positions } = layoutPartitions(partitionOf, ivfParams.numPartitions);
  const partitioning: IvfPartitioning = {
    distanceType: ivfParams.distanceType,
    dims: data.dims,
    rows: data.rows,
    numPartitions: ivfParams.numPartitions,
    centroids,
    offsets,
    positions,
  };
  // Its own seed stream, so the PQ sample does not depend on how many numbers k-means drew.
  const training = pqTraining(data.rows, ivfParams.sampleRate, ivfParams.maxIterations, pqParams.numBits);
  const sample = sampleIndices(data.rows, training.rows, createSeededRandom((ivfParams.seed ^ 0x9e3779b9) >>> 0));
  const residuals = residualSlices(data, sample, partitionOf, centroids, normalise);
  const quantizer = await trainProductQuantizer(residuals, pqParams.numSubVectors, training, ivfParams.seed, pacer.range(0.45, 0.85));
  const encoded = await encodeRows(data, partitioning, partitionOf, quantizer, pacer.range(0.85, 1));
  await pacer.step(1);
  return new IvfPqIndex(partitioning, { ...ivfParams, ...pqParams }, quantizer, encoded);
}

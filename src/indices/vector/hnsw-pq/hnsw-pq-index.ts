import type { DistanceType } from "../../../plan/knn-node.js";
import { DEFAULT_EF } from "../hnsw/hnsw-index.js";
import type { EncodedRows } from "../ivf/encode-residuals.js";
import { PQ_CODES } from "../ivf/ivf-options.js";
import { type ProductQuantizer, buildLookupTable } from "../ivf/product-quantizer.js";
import type { IvfSearchHits } from "../ivf/ivf-search-options.js";
import { TopKHeap } from "../ivf/top-k-heap.js";
import { dotAt, normaliseAt, squaredL2At } from "../ivf/vector-math.js";
import type { VectorIndex, VectorIndexHits, VectorIndexSearchOptions } from "../vector-index.js";
import { CandidateQueue } from "./candidate-queue.js";
import type { HnswPqParts } from "./hnsw-pq-graph-codec.js";
import type { ProximityGraph } from "./usearch-graph-file.js";

const TWO_32 = 4294967296;
/** Nodes kept per upper level of the descent (see search). */
const UPPER_BEAM = 8;

/**
 * HNSW over product-quantized vectors: the graph usearch built (read out of
 * its file, see usearch-graph-file.ts) is walked here, scoring each node from
 * its PQ codes with one lookup table per query (asymmetric distance: the query
 * stays exact), as LanceDB's IVF_HNSW_PQ scores its graphs. A node costs
 * numSubVectors bytes instead of HNSW-SQ's dims bytes; the ef candidates are
 * then re-ranked by the caller with exact distances from the stored vectors.
 *
 * The visited marks and the frontier are kept on the instance and reused:
 * searches are synchronous, so two never overlap.
 *
 * @internal
 */
export class HnswPqIndex implements VectorIndex {
  readonly kind = "hnswPq" as const;
  readonly rerank = "always" as const;
  readonly distanceType: DistanceType;
  readonly dims: number;
  readonly graph: ProximityGraph;
  readonly quantizer: ProductQuantizer;
  readonly mean: Float32Array;
  readonly encoded: EncodedRows;
  /** visited[s] === stamp: node s was scored in the current search. */
  #visited: Uint32Array;
  #stamp = 0;
  readonly #frontier = new CandidateQueue();
  readonly #query: Float32Array;

  constructor(parts: HnswPqParts) {
    this.distanceType = parts.distanceType;
    this.dims = parts.dims;
    this.graph = parts.graph;
    this.quantizer = parts.quantizer;
    this.mean = parts.mean;
    this.encoded = parts.encoded;
    this.#visited = new Uint32Array(parts.graph.size);
    this.#query = new Float32Array(parts.dims);
  }

  get size(): number {
    return this.graph.size;
  }

  search(query: Float32Array, k: number, options: VectorIndexSearchOptions): VectorIndexHits {
    const size = this.size;
    const ef = Math.min(size, Math.max(k, options.ef ?? DEFAULT_EF));
    if (ef <= 0) return { keys: new Float64Array(0), distances: new Float32Array(0) };
    const scorer = this.#scorer(query);
    const { entrySlot, maxLevel } = this.graph;
    // Upper levels: a narrow beam rather than one greedy path. PQ distances are coarse, and a single
    // path misled near the top can end in the wrong cluster, where level 0 finds none of the answer
    // (1–3 queries in 200 on two benchmark builds, one of them up to ef 256); UPPER_BEAM nodes per
    // level cost a few hundred lookups and all of them enter the level below.
    let seeds: IvfSearchHits = { positions: Uint32Array.of(entrySlot), distances: Float32Array.of(scorer(entrySlot)) };
    for (let level = maxLevel; level >= 1; level--) seeds = this.#searchLevel(level, seeds, UPPER_BEAM, scorer);
    const best = this.#searchLevel(0, seeds, ef, scorer);
    const { positions, distances } = best;
    const keys = new Float64Array(positions.length);
    const { keyHigh, keyLow } = this.graph;
    for (let i = 0; i < positions.length; i++) keys[i] = keyHigh[positions[i]!]! * TWO_32 + keyLow[positions[i]!]!;
    return { keys, distances };
  }

  /**
   * Best-first search of one level from `seeds`, keeping the `width` nearest
   * nodes seen; returns them nearest first. Level 0 reads the base lists, an
   * upper level the lists of nodes that reach it (a link to a node that does
   * not, possible only in a damaged file, is skipped).
   */
  #searchLevel(level: number, seeds: IvfSearchHits, width: number, scorer: (node: number) => number): IvfSearchHits {
    const { upperFirst, upperOffsets, upperNeighbors, baseOffsets, baseNeighbors } = this.graph;
    const visited = this.#visited;
    const stamp = this.#nextStamp();
    const frontier = this.#frontier;
    frontier.clear();
    const best = new TopKHeap(width);
    for (let i = 0; i < seeds.positions.length; i++) {
      const node = seeds.positions[i]!;
      visited[node] = stamp;
      frontier.push(seeds.distances[i]!, node);
      best.offer(seeds.distances[i]!, node);
    }
    const links = level === 0 ? baseNeighbors : upperNeighbors;
    while (frontier.size > 0) {
      if (frontier.nearestDistance > best.bound) break;
      const node = frontier.nearestNode;
      frontier.pop();
      let start: number;
      let end: number;
      if (level === 0) {
        start = baseOffsets[node]!;
        end = baseOffsets[node + 1]!;
      } else {
        const e = upperFirst[node]! + level - 1;
        start = upperOffsets[e]!;
        end = upperOffsets[e + 1]!;
      }
      for (let i = start; i < end; i++) {
        const next = links[i]!;
        if (visited[next] === stamp) continue;
        visited[next] = stamp;
        if (level > 0 && upperFirst[next + 1]! - upperFirst[next]! < level) continue;
        const d = scorer(next);
        if (d < best.bound) {
          frontier.push(d, next);
          best.offer(d, next);
        }
      }
    }
    return best.drain();
  }

  /**
   * The approximate distance of a node to `query`, from its codes (IVF-PQ's
   * formulas with one partition centred on the mean): l2 ‖q − μ‖² + normTerm
   * − 2 q·r̂, cosine the same on unit vectors halved, dot 1 − (q·μ + q·r̂).
   */
  #scorer(query: Float32Array): (node: number) => number {
    const { dims, mean, distanceType } = this;
    const q = this.#query;
    q.set(query.subarray(0, dims));
    if (distanceType === "cosine") normaliseAt(q, 0, dims);
    const table = buildLookupTable(this.quantizer, q, 0);
    const m = this.quantizer.numSubVectors;
    const { codes, normTerms } = this.encoded;
    if (distanceType === "dot") {
      const base = dotAt(q, 0, mean, 0, dims);
      return (node) => {
        let sum = 0;
        for (let j = 0, c = node * m; j < m; j++) sum += table[j * PQ_CODES + codes[c + j]!]!;
        return 1 - (base + sum);
      };
    }
    const base = squaredL2At(q, 0, mean, 0, dims);
    const scale = distanceType === "cosine" ? 0.5 : 1;
    return (node) => {
      let sum = 0;
      for (let j = 0, c = node * m; j < m; j++) sum += table[j * PQ_CODES + codes[c + j]!]!;
      return (base + normTerms[node]! - 2 * sum) * scale;
    };
  }

  #nextStamp(): number {
    if (this.#stamp === 0xffff_ffff) {
      this.#visited.fill(0);
      this.#stamp = 0;
    }
    return ++this.#stamp;
  }
}

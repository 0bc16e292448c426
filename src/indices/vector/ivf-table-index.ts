import type { DistanceType } from "../../plan/knn-node.js";
import { DEFAULT_NPROBES, type IvfFlatIndex, type IvfPqIndex } from "./ivf/index.js";
import type { IvfRowKeys } from "./ivf-row-keys.js";
import type { AllowedRows, RerankMode, VectorIndex, VectorIndexHits, VectorIndexSearchOptions } from "./vector-index.js";

const TWO_32 = 4294967296;

/**
 * An IVF-Flat or IVF-PQ index of a table column, as the search path sees
 * it: positions of the IVF module become row keys, and the rows the caller
 * allows become an exclusion mask the partition scan honours, so a filtered
 * search probes partitions until it has k allowed rows instead of asking
 * for more and more candidates.
 *
 * @internal
 */
export class IvfTableIndex implements VectorIndex {
  readonly filtersCandidates = true;
  readonly rerank: RerankMode;
  /** One exclusion mask per `allowed` map (one map serves every query and retry of an execution). */
  readonly #masks = new WeakMap<AllowedRows, Uint8Array | null>();

  constructor(
    readonly ivf: IvfFlatIndex | IvfPqIndex,
    readonly rowKeys: IvfRowKeys,
  ) {
    this.rerank = ivf.kind === "ivfPq" ? "onRefineFactor" : "always";
  }

  get kind(): "ivfFlat" | "ivfPq" {
    return this.ivf.kind;
  }

  get distanceType(): DistanceType {
    return this.ivf.distanceType;
  }

  get dims(): number {
    return this.ivf.dims;
  }

  get size(): number {
    return this.ivf.rows;
  }

  search(query: Float32Array, k: number, options: VectorIndexSearchOptions): VectorIndexHits {
    if (this.size === 0) return { keys: new Float64Array(0), distances: new Float32Array(0) };
    const exclude = options.allowed === undefined ? null : this.#exclusion(options.allowed);
    // LanceDB probes minimumNprobes partitions (20 by default) and, when they hold fewer than k allowed rows,
    // more, nearest first, up to maximumNprobes: no limit unless the query sets one (0 = none for the module).
    const [hits] = this.ivf.search(query, 1, k, {
      minimumNprobes: options.minimumNprobes ?? DEFAULT_NPROBES,
      maximumNprobes: options.maximumNprobes ?? 0,
      ...(exclude === null ? {} : { exclude }),
    });
    const { positions, distances } = hits!;
    const keys = new Float64Array(positions.length);
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      keys[i] = this.rowKeys.fragmentIds[p]! * TWO_32 + this.rowKeys.offsets[p]!;
    }
    return { keys, distances };
  }

  /** 1 for each position whose row may not be returned; null when every row may. */
  #exclusion(allowed: AllowedRows): Uint8Array | null {
    if (this.#masks.has(allowed)) return this.#masks.get(allowed)!;
    const { fragmentIds, offsets } = this.rowKeys;
    const out = new Uint8Array(this.size);
    let excluded = 0;
    // Positions come grouped by fragment: look each fragment up once per run.
    let fragment = -1;
    let mask: Uint8Array | null | undefined;
    for (let p = 0; p < out.length; p++) {
      if (fragmentIds[p] !== fragment) {
        fragment = fragmentIds[p]!;
        mask = allowed.get(fragment);
      }
      if (mask === undefined || (mask !== null && mask[offsets[p]!] === 1)) {
        out[p] = 1;
        excluded++;
      }
    }
    const result = excluded === 0 ? null : out;
    this.#masks.set(allowed, result);
    return result;
  }
}

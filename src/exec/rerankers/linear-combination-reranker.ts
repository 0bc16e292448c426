import type { RecordBatch } from "apache-arrow";
import { InvalidArgumentError } from "../../errors.js";
import { DISTANCE, SCORE } from "../project.js";
import { type FusedRow, byRelevance, fuseResults, numbersOf, rowIdsOf } from "./fuse-results.js";
import type { Reranker } from "./reranker.js";

/**
 * A weighted sum of the two searches' normalised scores (LanceDB's
 * `LinearCombinationReranker`, weight 0.7 on the vector side by default):
 *
 *   relevance = weight · v + (1 − weight) · f
 *
 * where v = 1 − (d − dmin) / (dmax − dmin) rescales the vector results'
 * `_distance` to [0, 1] (1 for the nearest; 1 for all when they are equal),
 * and f = s / smax divides the full-text `_score` by the best one. BM25 has a
 * natural zero — no match — so dividing keeps a weak match above a row that
 * does not match at all; min-max rescaling would put the last match level with
 * a non-match (on Quiver's labelled set that cost 0.1 of recall@5). A row
 * missing from one list gets `1 − fill` there (fill = 1, the default, counts it
 * as the worst possible). Ties go to the lower row id.
 *
 * The weight says how much to trust the embedder against keywords: 0.7 (LanceDB's
 * default) suits a strong semantic model; with a weak or lexical one (such as
 * the built-in `hashing`), a weight near 0.3 does better (docs/full-text-search.md).
 *
 * @example
 * const reranker = await rerankers.LinearCombinationReranker.create(0.5);
 */
export class LinearCombinationReranker implements Reranker {
  readonly weight: number;
  readonly fill: number;

  /**
   * @param weight - the share of the vector score, 0..1 (default 0.7).
   * @param fill - the normalised distance assumed for a row missing from a list, 0..1 (default 1).
   */
  constructor(weight = 0.7, fill = 1.0) {
    for (const [name, value] of [["weight", weight], ["fill", fill]] as const) {
      if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
        throw new InvalidArgumentError(`LinearCombinationReranker: ${name} must be a number from 0 to 1, got ${String(value)}.`, name);
      }
    }
    this.weight = weight;
    this.fill = fill;
  }

  /** `await LinearCombinationReranker.create(weight, fill)`, like RRFReranker.create. */
  static async create(weight = 0.7, fill = 1.0): Promise<LinearCombinationReranker> {
    return new LinearCombinationReranker(weight, fill);
  }

  async rerankHybrid(query: string, vecResults: RecordBatch, ftsResults: RecordBatch): Promise<RecordBatch> {
    void query;
    const name = "LinearCombinationReranker";
    const vecIds = rowIdsOf(vecResults, "vecResults", name);
    const ftsIds = rowIdsOf(ftsResults, "ftsResults", name);
    const v = rescale(numbersOf(vecResults, DISTANCE, "vecResults", name), true);
    const f = relativeToBest(numbersOf(ftsResults, SCORE, "ftsResults", name));
    const missing = 1 - this.fill;
    const rows = new Map<number, { vecRow: number; ftsRow: number }>();
    vecIds.forEach((id, i) => {
      if (!rows.has(id)) rows.set(id, { vecRow: i, ftsRow: -1 });
    });
    ftsIds.forEach((id, i) => {
      const row = rows.get(id);
      if (!row) rows.set(id, { vecRow: -1, ftsRow: i });
      else if (row.ftsRow < 0) row.ftsRow = i;
    });
    const fused: FusedRow[] = [...rows].map(([id, r]) => {
      const vs = r.vecRow >= 0 ? v[r.vecRow]! : missing;
      const fs = r.ftsRow >= 0 ? f[r.ftsRow]! : missing;
      return { id, ...r, relevance: this.weight * vs + (1 - this.weight) * fs };
    });
    return fuseResults(vecResults, ftsResults, fused.sort(byRelevance));
  }

  /** @internal for explainPlan */
  describe(): string {
    return `LinearCombinationReranker(weight=${this.weight}, fill=${this.fill})`;
  }
}

/** Scores divided by the best one (all 1 when the best is not positive); NaN (null) counts as 0. */
function relativeToBest(values: Float64Array): Float64Array {
  let max = -Infinity;
  for (const x of values) if (x > max) max = x;
  return values.map((x) => (Number.isNaN(x) ? 0 : max > 0 ? x / max : 1));
}

/** Min-max rescaling to [0, 1], best = 1; `lowerIsBetter` for distances. NaN (null) counts as worst. */
function rescale(values: Float64Array, lowerIsBetter: boolean): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (const x of values) {
    if (Number.isNaN(x)) continue;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const span = max - min;
  return values.map((x) => {
    if (Number.isNaN(x)) return 0;
    if (!(span > 0)) return 1;
    const t = (x - min) / span;
    return lowerIsBetter ? 1 - t : t;
  });
}

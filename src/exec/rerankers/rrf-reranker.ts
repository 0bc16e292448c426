import type { RecordBatch } from "apache-arrow";
import { InvalidArgumentError } from "../../errors.js";
import { type FusedRow, byRelevance, fuseResults, rowIdsOf } from "./fuse-results.js";
import type { Reranker } from "./reranker.js";

/**
 * Reciprocal rank fusion (LanceDB's `RRFReranker`): a row's relevance is the
 * sum, over the result lists it appears in, of 1 / (k + rank), where rank
 * counts from 0 for the best row of each list (as LanceDB's rerankers do).
 * Only ranks matter, so distances and BM25 scores need no normalising; k
 * (default 60) damps the weight of the very top ranks. Ties go to the lower
 * row id. The default reranker of a hybrid search.
 *
 * @example
 * const reranker = await rerankers.RRFReranker.create(60);
 * await table.search("vector database", "hybrid").rerank(reranker).toArray();
 */
export class RRFReranker implements Reranker {
  readonly k: number;

  /** @param k - the rank constant, a positive number (default 60). */
  constructor(k = 60) {
    if (typeof k !== "number" || !Number.isFinite(k) || k <= 0) {
      throw new InvalidArgumentError(`RRFReranker: k must be a positive number (60 is usual), got ${String(k)}.`, "k");
    }
    this.k = k;
  }

  /** LanceDB's factory: `await RRFReranker.create(k)`. */
  static async create(k = 60): Promise<RRFReranker> {
    return new RRFReranker(k);
  }

  async rerankHybrid(query: string, vecResults: RecordBatch, ftsResults: RecordBatch): Promise<RecordBatch> {
    void query;
    const vecIds = rowIdsOf(vecResults, "vecResults", "RRFReranker");
    const ftsIds = rowIdsOf(ftsResults, "ftsResults", "RRFReranker");
    const rows = new Map<number, { relevance: number; vecRow: number; ftsRow: number }>();
    const add = (ids: Float64Array, list: "vecRow" | "ftsRow") => {
      ids.forEach((id, rank) => {
        let row = rows.get(id);
        if (!row) rows.set(id, (row = { relevance: 0, vecRow: -1, ftsRow: -1 }));
        if (row[list] >= 0) return; // a row listed twice counts once, at its best rank
        row[list] = rank;
        row.relevance += 1 / (this.k + rank);
      });
    };
    add(vecIds, "vecRow");
    add(ftsIds, "ftsRow");
    const fused: FusedRow[] = [...rows].map(([id, r]) => ({ id, ...r }));
    return fuseResults(vecResults, ftsResults, fused.sort(byRelevance));
  }

  /** @internal for explainPlan */
  describe(): string {
    return `RRFReranker(k=${this.k})`;
  }
}

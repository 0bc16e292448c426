// Checks shared by the vector index tests: which index a query used, and how
// much of the exact answer a search through the index finds.
import { expect } from "vitest";
import { recall } from "../indices/vector/clustered-vectors.js";

/** A vector search as the tests drive it (LanceDB's VectorQuery surface). */
export interface SearchUnderTest {
  toArray(): Promise<Record<string, unknown>[]>;
  analyzePlan(): Promise<string>;
  bypassVectorIndex(): SearchUnderTest;
}

export async function ids(query: Promise<Record<string, unknown>[]>): Promise<number[]> {
  return (await query).map((r) => r.id as number);
}

/** The index a query used, read from analyzePlan ("flat" when none). */
export async function indexUsed(query: { analyzePlan(): Promise<string> }): Promise<string> {
  const plan = await query.analyzePlan();
  return /index=(\S+?),/.exec(plan)?.[1] ?? "flat";
}

/**
 * Mean recall@limit of `search(q)` for each query against the same search with
 * bypassVectorIndex(), checking that each goes through `vector_idx` and that
 * every row found has exactly the exact search's `_distance`.
 */
export async function meanRecallThroughIndex(queries: readonly number[], search: (q: number) => SearchUnderTest): Promise<number> {
  let total = 0;
  for (const q of queries) {
    expect(await indexUsed(search(q))).toBe("vector_idx");
    const approx = await search(q).toArray();
    const exact = await search(q).bypassVectorIndex().toArray();
    total += recall(approx.map((r) => r.id as number), exact.map((r) => r.id as number));
    const exactDistance = new Map(exact.map((r) => [r.id as number, r._distance as number]));
    for (const hit of approx) if (exactDistance.has(hit.id as number)) expect(hit._distance).toBe(exactDistance.get(hit.id as number));
  }
  return total / queries.length;
}

// Seeded clustered vectors for index tests: points scattered around a few
// centres, the shape real embeddings have, so recall numbers mean something.

/** A deterministic source of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** `rows` vectors of `dims` values around `clusters` centres (row i belongs to cluster i % clusters). */
export function clusteredVectors(rows: number, dims: number, options: { seed?: number; clusters?: number; spread?: number } = {}): number[][] {
  const random = seededRandom(options.seed ?? 42);
  const clusters = options.clusters ?? 16;
  const spread = options.spread ?? 0.6;
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dims }, () => random() * 4 - 2));
  return Array.from({ length: rows }, (_, i) => centres[i % clusters]!.map((c) => c + (random() - 0.5) * 2 * spread));
}

/** Fraction of `expected` ids found in `actual`. */
export function recall(actual: readonly number[], expected: readonly number[]): number {
  const found = new Set(actual);
  return expected.filter((id) => found.has(id)).length / Math.max(1, expected.length);
}

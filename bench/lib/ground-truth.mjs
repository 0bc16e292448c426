/**
 * Brute-force ground truth in plain JS: squared L2 (the metric both databases
 * use by default, reported as `_distance`), accumulated in float64 over the
 * float32 values, then the k nearest rows that pass a filter.
 */

/** Squared L2 distance from `query` to every row of the dataset. */
export function computeDistances(dataset, query) {
  const { rows, dims, vectors } = dataset;
  const out = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    const base = row * dims;
    let sum = 0;
    for (let d = 0; d < dims; d++) {
      const diff = vectors[base + d] - query[d];
      sum += diff * diff;
    }
    out[row] = sum;
  }
  return out;
}

/**
 * The k nearest rows among those `matches(dataset, row)` accepts, nearest first,
 * plus how many rows matched at all.
 */
export function exactTopK(dataset, distances, k, matches) {
  const ids = [];
  const best = [];
  let matching = 0;
  for (let row = 0; row < dataset.rows; row++) {
    if (!matches(dataset, row)) continue;
    matching++;
    const d = distances[row];
    if (best.length === k && d >= best[k - 1]) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && best[at - 1] > d) {
      best[at] = best[at - 1];
      ids[at] = ids[at - 1];
      at--;
    }
    best[at] = d;
    ids[at] = row;
  }
  return { ids, distances: best, matching };
}

// Float32 arithmetic inside the databases vs float64 here: distances agree to ~1e-6
// relative, so a row tied with the k-th true neighbour within this tolerance counts as a hit.
const TIE_TOLERANCE = 1e-5;

/**
 * Scores one search result against the ground truth.
 * @param {{ ids: number[], distances: number[] }} result ids and `_distance` values as returned
 * @returns {{ recall: number, violations: number, duplicates: number, maxDistanceError: number }}
 *   violations: returned rows that fail the filter or do not exist;
 *   maxDistanceError: largest |reported - exact| / exact over the returned rows.
 */
export function scoreResult(dataset, distances, truth, result, k, matches) {
  const expected = Math.min(k, truth.matching);
  const kth = truth.distances.length ? truth.distances[truth.distances.length - 1] : 0;
  const seen = new Set();
  let hits = 0;
  let violations = 0;
  let duplicates = 0;
  let maxDistanceError = 0;
  result.ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= dataset.rows || !matches(dataset, id)) {
      violations++;
      return;
    }
    if (seen.has(id)) {
      duplicates++;
      return;
    }
    seen.add(id);
    const exact = distances[id];
    if (exact <= kth * (1 + TIE_TOLERANCE) + 1e-9) hits++;
    const reported = result.distances[i];
    const error = Math.abs(reported - exact) / Math.max(exact, 1e-12);
    maxDistanceError = Math.max(maxDistanceError, Number.isFinite(error) ? error : Number.POSITIVE_INFINITY);
  });
  return {
    recall: expected === 0 ? 1 : Math.min(hits, expected) / expected,
    violations,
    duplicates,
    maxDistanceError,
  };
}

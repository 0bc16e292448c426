/**
 * Scored rows of a full-text query: row keys (fragment id · 2^32 + offset, the
 * `_rowid` as a double) in ascending order without repeats, each with a score.
 * Query clauses combine these with merges over the sorted keys, which works
 * across columns and across the stored index and rows not yet indexed alike.
 */
export interface RowScores {
  readonly keys: Float64Array;
  readonly scores: Float64Array;
}

/** The key of a row; exact while fragment ids stay below 2^21. */
export function rowKey(fragment: number, offset: number): number {
  return fragment * 4294967296 + offset;
}

/** The fragment id and offset of a row key. */
export function splitRowKey(key: number): { fragment: number; offset: number } {
  const fragment = Math.floor(key / 4294967296);
  return { fragment, offset: key - fragment * 4294967296 };
}

export const NO_ROWS: RowScores = Object.freeze({ keys: new Float64Array(0), scores: new Float64Array(0) });

/** Builds row scores from keys in any order (keys must be distinct). */
export function fromUnsorted(keys: number[], scores: number[]): RowScores {
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i]! <= keys[i - 1]!) {
      sorted = false;
      break;
    }
  }
  if (sorted) return { keys: Float64Array.from(keys), scores: Float64Array.from(scores) };
  const order = keys.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
  return { keys: Float64Array.from(order, (i) => keys[i]!), scores: Float64Array.from(order, (i) => scores[i]!) };
}

/** Rows in either, scores added (OR). */
export function unionScores(a: RowScores, b: RowScores): RowScores {
  if (a.keys.length === 0) return b;
  if (b.keys.length === 0) return a;
  const keys = new Float64Array(a.keys.length + b.keys.length);
  const scores = new Float64Array(keys.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.keys.length || j < b.keys.length) {
    const ka = i < a.keys.length ? a.keys[i]! : Infinity;
    const kb = j < b.keys.length ? b.keys[j]! : Infinity;
    if (ka === kb) {
      keys[n] = ka;
      scores[n++] = a.scores[i++]! + b.scores[j++]!;
    } else if (ka < kb) {
      keys[n] = ka;
      scores[n++] = a.scores[i++]!;
    } else {
      keys[n] = kb;
      scores[n++] = b.scores[j++]!;
    }
  }
  return { keys: keys.subarray(0, n), scores: scores.subarray(0, n) };
}

/** Rows in both, scores added (AND). */
export function intersectScores(a: RowScores, b: RowScores): RowScores {
  const keys = new Float64Array(Math.min(a.keys.length, b.keys.length));
  const scores = new Float64Array(keys.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.keys.length && j < b.keys.length) {
    const ka = a.keys[i]!;
    const kb = b.keys[j]!;
    if (ka === kb) {
      keys[n] = ka;
      scores[n++] = a.scores[i++]! + b.scores[j++]!;
    } else if (ka < kb) i++;
    else j++;
  }
  return { keys: keys.subarray(0, n), scores: scores.subarray(0, n) };
}

/** The rows of `base`, with the scores of `extra` added where it has the same row (SHOULD beside MUST). */
export function addScores(base: RowScores, extra: RowScores): RowScores {
  if (extra.keys.length === 0 || base.keys.length === 0) return base;
  const scores = Float64Array.from(base.scores);
  let j = 0;
  for (let i = 0; i < base.keys.length && j < extra.keys.length; i++) {
    const k = base.keys[i]!;
    while (j < extra.keys.length && extra.keys[j]! < k) j++;
    if (j < extra.keys.length && extra.keys[j] === k) scores[i]! += extra.scores[j]!;
  }
  return { keys: base.keys, scores };
}

/** The rows of `a` that are not in `b` (MUST_NOT). */
export function subtractRows(a: RowScores, b: RowScores): RowScores {
  if (b.keys.length === 0 || a.keys.length === 0) return a;
  const keys = new Float64Array(a.keys.length);
  const scores = new Float64Array(a.keys.length);
  let j = 0;
  let n = 0;
  for (let i = 0; i < a.keys.length; i++) {
    const k = a.keys[i]!;
    while (j < b.keys.length && b.keys[j]! < k) j++;
    if (j < b.keys.length && b.keys[j] === k) continue;
    keys[n] = k;
    scores[n++] = a.scores[i]!;
  }
  return { keys: keys.subarray(0, n), scores: scores.subarray(0, n) };
}

/** Every score multiplied by `factor` (a boost). */
export function scaleScores(a: RowScores, factor: number): RowScores {
  if (factor === 1) return a;
  return { keys: a.keys, scores: a.scores.map((s) => s * factor) };
}

/**
 * Turning a model's token states into one vector per text: mean pooling over
 * the real tokens (the attention mask weights each token, so padding never
 * counts), or the first token ([CLS]); then optional L2 normalisation.
 *
 * LanceDB's TypeScript `huggingface` function averages every position,
 * padding included, so a text's vector depends on the longest text of its
 * batch. Here it never does: batch and single embeddings agree.
 *
 * @internal
 * @module
 */

/** How token states become one vector. */
export type PoolingStrategy = "mean" | "cls";

/** The pooling strategies Quiver knows. */
export const POOLING_STRATEGIES: readonly PoolingStrategy[] = ["mean", "cls"];

/**
 * One vector per sequence from `hidden` (batch x seq x width, row-major) and
 * `mask` (batch x seq; 1 for real tokens, 0 for padding).
 */
export function poolTokenStates(
  hidden: ArrayLike<number>,
  mask: ArrayLike<number | bigint>,
  dims: { batch: number; seq: number; width: number },
  strategy: PoolingStrategy,
  normalize: boolean,
): Float32Array[] {
  const { batch, seq, width } = dims;
  const all = new Float32Array(batch * width);
  const acc = new Float64Array(width);
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    acc.fill(0);
    if (strategy === "cls") {
      const base = b * seq * width;
      for (let k = 0; k < width; k++) acc[k] = hidden[base + k]!;
    } else {
      let weight = 0;
      for (let s = 0; s < seq; s++) {
        const m = Number(mask[b * seq + s]!);
        if (m === 0) continue;
        weight += m;
        const base = (b * seq + s) * width;
        for (let k = 0; k < width; k++) acc[k]! += hidden[base + k]! * m;
      }
      // Clamped as sentence-transformers does, so an all-padding row gives zeros, not NaN.
      const inv = 1 / Math.max(weight, 1e-9);
      for (let k = 0; k < width; k++) acc[k]! *= inv;
    }
    if (normalize) l2NormaliseInPlace(acc);
    const row = all.subarray(b * width, (b + 1) * width);
    for (let k = 0; k < width; k++) row[k] = acc[k]!;
    out.push(row);
  }
  return out;
}

/** Divides by the L2 norm (clamped at 1e-12, as torch's normalize); a zero vector stays zero. */
export function l2NormaliseInPlace(v: Float64Array | Float32Array): void {
  let sum = 0;
  for (let k = 0; k < v.length; k++) sum += v[k]! * v[k]!;
  const inv = 1 / Math.max(Math.sqrt(sum), 1e-12);
  for (let k = 0; k < v.length; k++) v[k]! *= inv;
}

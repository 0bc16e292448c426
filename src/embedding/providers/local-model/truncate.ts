/**
 * Truncation that keeps the closing special tokens. transformers.js 4.3
 * truncates after the special tokens are added, so a long text loses its
 * final [SEP] (`[CLS] a b c` instead of `[CLS] a b [SEP]`); Hugging Face's
 * Python tokenizers, and so sentence-transformers, keep it. Quiver tokenises
 * without truncation and cuts here: the first `maxLength - suffix` real
 * tokens, then the `suffix` closing special tokens.
 *
 * @internal
 * @module
 */

import type { TensorLike } from "./transformers-runtime.js";

/** Builds a tensor of the library's own class. */
export type TensorFactory = (type: "int64", data: BigInt64Array, dims: number[]) => TensorLike;

/**
 * How many special tokens the tokenizer puts after the text: the length of an
 * empty text's encoding minus the prefix it shares with a one-word encoding
 * (`[CLS] [SEP]` vs `[CLS] x [SEP]`: prefix 1, suffix 1).
 */
export function closingSpecialTokens(emptyIds: readonly bigint[], wordIds: readonly bigint[]): number {
  let prefix = 0;
  while (prefix < emptyIds.length && prefix < wordIds.length && emptyIds[prefix] === wordIds[prefix]) prefix++;
  return Math.max(0, emptyIds.length - prefix);
}

/**
 * The batch cut to `maxLength` tokens per text, or `inputs` itself when every
 * text fits. Rows are re-padded on the right (`padId` for input_ids, 0 elsewhere).
 */
export function truncateBatch(
  inputs: Record<string, TensorLike>,
  maxLength: number,
  suffix: number,
  padId: number,
  makeTensor: TensorFactory,
): Record<string, TensorLike> {
  const mask = inputs.attention_mask;
  if (mask === undefined || mask.dims.length !== 2) return inputs;
  const [batch, seq] = mask.dims as [number, number];
  if (seq <= maxLength) return inputs;
  const keep = Math.min(suffix, maxLength - 1);
  // Real (unmasked) positions of each row, then the ones kept.
  const kept: number[][] = [];
  let width = 0;
  for (let b = 0; b < batch; b++) {
    const real: number[] = [];
    for (let s = 0; s < seq; s++) if (Number(mask.data[b * seq + s]!) !== 0) real.push(s);
    const row = real.length <= maxLength ? real : [...real.slice(0, maxLength - keep), ...real.slice(real.length - keep)];
    kept.push(row);
    width = Math.max(width, row.length);
  }
  const out: Record<string, TensorLike> = {};
  for (const [name, tensor] of Object.entries(inputs)) {
    if (tensor.dims.length !== 2 || tensor.dims[0] !== batch || tensor.dims[1] !== seq) {
      out[name] = tensor;
      continue;
    }
    const data = new BigInt64Array(batch * width).fill(name === "input_ids" ? BigInt(padId) : 0n);
    for (let b = 0; b < batch; b++) {
      kept[b]!.forEach((s, i) => (data[b * width + i] = BigInt(tensor.data[b * seq + s]!)));
    }
    out[name] = makeTensor("int64", data, [batch, width]);
  }
  return out;
}

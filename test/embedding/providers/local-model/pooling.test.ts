import { describe, expect, it } from "vitest";
import { l2NormaliseInPlace, poolTokenStates } from "../../../../src/embedding/providers/local-model/pooling.js";
import { closingSpecialTokens, truncateBatch } from "../../../../src/embedding/providers/local-model/truncate.js";

// Two sequences of 3 positions, width 2; the second has one padding position.
const hidden = [1, 2, 3, 4, 5, 6, /* row 2 */ 10, 0, 20, 0, 99, 99];
const mask = [1n, 1n, 1n, 1n, 1n, 0n];
const dims = { batch: 2, seq: 3, width: 2 };

describe("poolTokenStates()", () => {
  it("mean pooling averages the real tokens only: padding is excluded", () => {
    const [a, b] = poolTokenStates(hidden, mask, dims, "mean", false);
    expect(Array.from(a!)).toEqual([3, 4]);
    expect(Array.from(b!)).toEqual([15, 0]); // not (10 + 20 + 99) / 3
  });

  it("cls pooling takes the first position; normalisation gives unit vectors", () => {
    const [a] = poolTokenStates(hidden, mask, dims, "cls", false);
    expect(Array.from(a!)).toEqual([1, 2]);
    const [u, v] = poolTokenStates(hidden, mask, dims, "mean", true);
    expect(u![0]).toBeCloseTo(0.6, 6);
    expect(u![1]).toBeCloseTo(0.8, 6);
    expect(Array.from(v!)).toEqual([1, 0]);
  });

  it("an all-padding row gives zeros, not NaN, and a zero vector stays zero when normalised", () => {
    const [z] = poolTokenStates([1, 1], [0n], { batch: 1, seq: 1, width: 2 }, "mean", true);
    expect(Array.from(z!)).toEqual([0, 0]);
    const v = new Float64Array(3);
    l2NormaliseInPlace(v);
    expect(Array.from(v)).toEqual([0, 0, 0]);
  });
});

describe("truncateBatch()", () => {
  const tensor = (data: bigint[], d: number[]) => ({ data: BigInt64Array.from(data), dims: d });
  const make = (_t: "int64", data: BigInt64Array, d: number[]) => ({ data, dims: d });

  it("counts the closing special tokens from an empty and a one-word encoding", () => {
    expect(closingSpecialTokens([2n, 3n], [2n, 40n, 3n])).toBe(1);
    expect(closingSpecialTokens([0n, 2n, 2n], [0n, 7n, 2n, 2n])).toBe(2);
    expect(closingSpecialTokens([], [7n])).toBe(0);
  });

  it("keeps the first tokens and the closing [SEP], re-pads shorter rows, and leaves fitting batches alone", () => {
    const inputs = {
      input_ids: tensor([2n, 10n, 11n, 12n, 3n, 2n, 20n, 3n, 0n, 0n], [2, 5]),
      attention_mask: tensor([1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n, 0n], [2, 5]),
    };
    const out = truncateBatch(inputs, 4, 1, 0, make);
    expect(out.input_ids!.dims).toEqual([2, 4]);
    expect(Array.from(out.input_ids!.data)).toEqual([2n, 10n, 11n, 3n, 2n, 20n, 3n, 0n]);
    expect(Array.from(out.attention_mask!.data)).toEqual([1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n]);
    expect(truncateBatch(inputs, 5, 1, 0, make)).toBe(inputs);
  });
});

import { describe, expect, it } from "vitest";
import { bitWidth, maxBitWidth, pack, packedBytes, unpack } from "../../../src/indices/fts/bit-pack.js";

describe("bit packing", () => {
  it.each([0, 1, 3, 7, 8, 13, 24, 25, 26, 31, 32])("round-trips 128 values of width %d at any byte offset", (width) => {
    const max = width === 0 ? 0 : 2 ** width - 1;
    const values = Uint32Array.from({ length: 128 }, (_, i) => (i === 5 ? max : Math.floor((max * ((i * 37) % 101)) / 100)));
    expect(maxBitWidth(values, 0, 128)).toBe(width);
    for (const at of [0, 3]) {
      const out = new Uint8Array(at + packedBytes(128, width) + 8);
      out[at - 1] = at > 0 ? 0xff : 0;
      const end = pack(values, 0, 128, width, out, at);
      expect(end).toBe(at + packedBytes(128, width));
      // Nothing written past the packed bytes (the next block starts there).
      expect(Array.from(out.subarray(end))).toEqual(new Array(out.length - end).fill(0));
      const back = new Uint32Array(128);
      expect(unpack(out.subarray(0, end), at, 128, width, back)).toBe(end);
      expect(Array.from(back)).toEqual(Array.from(values));
    }
  });

  it("measures widths", () => {
    expect([0, 1, 2, 127, 128, 2 ** 21, 2 ** 28, 2 ** 32 - 1].map(bitWidth)).toEqual([0, 1, 2, 7, 8, 22, 29, 32]);
    expect(maxBitWidth(Uint32Array.of(1, 2 ** 31, 4), 0, 3)).toBe(32);
  });
});

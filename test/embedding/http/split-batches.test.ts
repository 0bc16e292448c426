import { describe, expect, it } from "vitest";
import { embedInBatches } from "../../../src/embedding/http/split-batches.js";

describe("embedInBatches()", () => {
  it("makes one call when the texts fit, none for no texts, and consecutive calls in order otherwise", async () => {
    const calls: number[] = [];
    const embed = async (batch: string[]) => {
      calls.push(batch.length);
      return batch.map((t) => t.toUpperCase());
    };
    expect(await embedInBatches(["a", "b"], 2, embed)).toEqual(["A", "B"]);
    expect(await embedInBatches([], 2, embed)).toEqual([]);
    expect(await embedInBatches(["a", "b", "c", "d", "e"], 2, embed)).toEqual(["A", "B", "C", "D", "E"]);
    expect(calls).toEqual([2, 2, 2, 1]);
  });
});

import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../src/errors.js";
import { decodeVectorIndexParams, encodeVectorIndexParams, resolveVectorIndexOptions } from "../../../src/indices/vector/vector-index-options.js";
import { expectQuiverError } from "../../helpers/expect-error.js";

describe("resolveVectorIndexOptions()", () => {
  it("fills LanceDB's defaults for hnswSq", () => {
    expect(resolveVectorIndexOptions("hnswSq", undefined)).toEqual({ distanceType: "l2", m: 20, efConstruction: 300, numPartitions: 1, maxIterations: 50, sampleRate: 256 });
  });

  it("accepts distance types in any case and keeps given values", () => {
    expect(resolveVectorIndexOptions("hnswSq", { distanceType: "Cosine", m: 8, efConstruction: 100 })).toMatchObject({ distanceType: "cosine", m: 8, efConstruction: 100 });
    expect(resolveVectorIndexOptions("ivfPq", { numPartitions: 4, numSubVectors: 8 })).toMatchObject({ numPartitions: 4, numSubVectors: 8, numBits: 8 });
  });

  it("refuses an option another kind takes, naming the accepted ones", async () => {
    await expectQuiverError(() => resolveVectorIndexOptions("ivfFlat", { m: 10 }), InvalidArgumentError, "INVALID_ARGUMENT", "unknown option 'm'", "numPartitions");
  });

  it("refuses non-integers and out-of-range values with the option, the range and the value", async () => {
    const error = await expectQuiverError(() => resolveVectorIndexOptions("hnswSq", { efConstruction: "300" }), InvalidArgumentError, "INVALID_ARGUMENT", "efConstruction must be an integer from 1 to 100000", 'got "300"');
    expect(error.argument).toBe("efConstruction");
    await expectQuiverError(() => resolveVectorIndexOptions("ivfPq", { numPartitions: 0 }), InvalidArgumentError, "INVALID_ARGUMENT", "numPartitions", "got 0");
  });

  it("round-trips through LanceDB's snake_case stored names", () => {
    const params = resolveVectorIndexOptions("hnswSq", { distanceType: "dot", m: 12 });
    const stored = encodeVectorIndexParams(params);
    expect(stored).toMatchObject({ distance_type: "dot", m: 12, ef_construction: 300 });
    expect(decodeVectorIndexParams(stored)).toEqual(params);
  });
});

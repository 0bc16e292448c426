import { describe, expect, it } from "vitest";
import { INDEX_TYPE_NAMES, indexTypeName } from "../../../src/indices/index-type-names.js";

describe("index type names", () => {
  // Read back from @lancedb/lancedb 0.39: listIndices() and indexStats() of one index of each kind.
  it("spells each kind as LanceDB's listIndices() and indexStats() do", () => {
    expect(INDEX_TYPE_NAMES).toEqual({
      ivfPq: { list: "IvfPq", stats: "IVF_PQ" },
      ivfFlat: { list: "IvfFlat", stats: "IVF_FLAT" },
      hnswSq: { list: "IvfHnswSq", stats: "IVF_HNSW_SQ" },
      hnswPq: { list: "IvfHnswPq", stats: "IVF_HNSW_PQ" },
      btree: { list: "BTree", stats: "BTREE" },
      bitmap: { list: "Bitmap", stats: "BITMAP" },
      labelList: { list: "LabelList", stats: "LABEL_LIST" },
      fts: { list: "FTS", stats: "FTS" },
    });
  });

  it("falls back to the kind for kinds Quiver does not build", () => {
    expect(indexTypeName("ivfRq", "list")).toBe("ivfRq");
    expect(indexTypeName("hnswSq", "stats")).toBe("IVF_HNSW_SQ");
  });
});

import { describe, expect, it } from "vitest";
import { encodeFloat32Base64 } from "../../../src/embedding/http/base64-float32.js";
import { readEmbeddingRows, readIndexedEmbeddings } from "../../../src/embedding/http/embedding-response.js";
import { EmbeddingError } from "../../../src/errors.js";
import { expectQuiverError } from "../../helpers/expect-error.js";

const context = { provider: "acme", model: "m", url: "http://127.0.0.1:9/v1/embeddings?key=secret" };

describe("readIndexedEmbeddings()", () => {
  it("sorts by index, reads numbers and base64, and returns Float32Arrays", () => {
    const rows = readIndexedEmbeddings(
      { data: [{ index: 1, embedding: encodeFloat32Base64([3, 4]) }, { index: 0, embedding: [1, 2] }] },
      2,
      context,
    );
    expect(rows.map((r) => Array.from(r))).toEqual([[1, 2], [3, 4]]);
    expect(rows[0]).toBeInstanceOf(Float32Array);
    expect(readIndexedEmbeddings({ data: [{ embedding: [5] }, { embedding: [6] }] }, 2, context).map((r) => r[0])).toEqual([5, 6]);
  });

  it("refuses a wrong shape, count, index or value with a non-retryable error saying what was expected", async () => {
    const cases: [unknown, number, string][] = [
      [{ results: [] }, 1, 'has no "data" list'],
      [{ data: [{ index: 0, embedding: [1] }] }, 2, "expected 2, got 1"],
      [{ data: [{ index: 0, embedding: [1] }, { index: 0, embedding: [2] }] }, 2, "bad index"],
      [{ data: [{ index: 5, embedding: [1] }] }, 1, "bad index"],
      [{ data: [{ index: 0, embedding: [1, "2"] }] }, 1, "non-number"],
      [{ data: [{ index: 0, embedding: [] }] }, 1, "empty"],
      [{ data: [{ index: 0, embedding: "abc" }] }, 1, "undecodable"],
      [{ data: [{ index: 0, embedding: { values: [1] } }] }, 1, "malformed"],
    ];
    for (const [body, count, part] of cases) {
      const error = await expectQuiverError(() => readIndexedEmbeddings(body, count, context), EmbeddingError, "EMBEDDING_FAILED", part, "acme");
      expect(error.retryable).toBe(false);
      expect(error.message).not.toContain("secret");
    }
  });
});

describe("readEmbeddingRows()", () => {
  it("reads a list of vectors in order and checks the count", async () => {
    expect(readEmbeddingRows([[1, 2], [3, 4]], 2, context, "embeddings").map((r) => Array.from(r))).toEqual([[1, 2], [3, 4]]);
    await expectQuiverError(() => readEmbeddingRows(undefined, 1, context, "embeddings.float"), EmbeddingError, "EMBEDDING_FAILED", '"embeddings.float"');
    await expectQuiverError(() => readEmbeddingRows([[1]], 2, context, "embeddings"), EmbeddingError, "EMBEDDING_FAILED", "expected 2, got 1");
  });
});

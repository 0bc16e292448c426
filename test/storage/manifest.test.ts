import { Field, FixedSizeList, Float32, Schema, Utf8 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { countLiveRows, decodeManifest, encodeManifest, parseManifestName, type Manifest } from "../../src/storage/manifest.js";

describe("manifest codec", () => {
  const schema = new Schema(
    [
      new Field("text", new Utf8(), false, new Map([["note", "kept"]])),
      new Field("vector", new FixedSizeList(3, new Field("item", new Float32(), true)), true),
    ],
    new Map([["embedding_functions", '[{"name":"x"}]']]),
  );
  const manifest: Manifest = {
    version: 7,
    timestamp: 1_700_000_000_000,
    schema,
    fragments: [
      { id: 0, file: "data/a.arrow", rows: 10 },
      { id: 2, file: "data/b.arrow", rows: 5, deletion: { file: "_deletions/c.arrow", rows: 2 } },
    ],
    nextFragmentId: 3,
    metadata: { operation: "append" },
    indices: [],
  };

  it("round-trips schema, field and table metadata, fragments and deletions", () => {
    const decoded = decodeManifest(encodeManifest(manifest));
    expect(decoded.version).toBe(7);
    expect(decoded.timestamp).toBe(manifest.timestamp);
    expect(decoded.fragments).toEqual(manifest.fragments);
    expect(decoded.nextFragmentId).toBe(3);
    expect(decoded.metadata).toEqual({ operation: "append" });
    expect(decoded.schema.metadata.get("embedding_functions")).toBe('[{"name":"x"}]');
    expect(decoded.schema.fields[0]!.metadata.get("note")).toBe("kept");
    expect(decoded.schema.fields[0]!.nullable).toBe(false);
    expect(String(decoded.schema.fields[1]!.type)).toBe("FixedSizeList[3]<Float32>");
  });

  it("counts live rows as physical rows minus deleted ones", () => {
    expect(countLiveRows(manifest)).toBe(13);
  });

  it("refuses a file of another format", () => {
    expect(() => decodeManifest(new TextEncoder().encode('{"format":"other"}'))).toThrow(/unknown manifest format/);
  });

  it("recognises manifest file names and ignores temporary files", () => {
    expect(parseManifestName("12.manifest.json")).toBe(12);
    expect(parseManifestName(".tmp-1234")).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { CorruptTableError } from "../../../../src/errors.js";
import {
  FLAT_FILE,
  IVF_FILE,
  PQ_FILE,
  buildIvfFlatIndex,
  buildIvfPqIndex,
  decodeIvfFlatIndex,
  decodeIvfPqIndex,
  encodeIvfFlatIndex,
  encodeIvfPqIndex,
} from "../../../../src/indices/vector/ivf/index.js";
import { expectQuiverError } from "../../../helpers/expect-error.js";
import { clusteredVectors } from "./clustered-vectors.js";

const dims = 16;
const rows = 1500;
const vectors = clusteredVectors(21, rows, dims, 12);
const queries = clusteredVectors(22, 8, dims, 12);

describe("encodeIvfFlatIndex() / decodeIvfFlatIndex()", () => {
  it("round-trips byte for byte and searches the same", async () => {
    const index = await buildIvfFlatIndex({ vectors, rows, dims }, { distanceType: "cosine", numPartitions: 12 });
    const files = encodeIvfFlatIndex(index);
    expect(Object.keys(files).sort()).toEqual([FLAT_FILE, IVF_FILE]);
    const decoded = decodeIvfFlatIndex(files);
    const again = encodeIvfFlatIndex(decoded);
    expect(again[IVF_FILE]).toEqual(files[IVF_FILE]);
    expect(again[FLAT_FILE]).toEqual(files[FLAT_FILE]);
    expect(decoded.search(queries, 8, 10, { nprobes: 3 })).toEqual(index.search(queries, 8, 10, { nprobes: 3 }));
    expect(decoded.params).toEqual(index.params);
  });

  it("views the file's bytes without copying (aligned sections)", async () => {
    const index = await buildIvfFlatIndex({ vectors, rows, dims }, { numPartitions: 5 });
    const files = encodeIvfFlatIndex(index);
    const decoded = decodeIvfFlatIndex(files);
    expect(decoded.partitioning.positions.buffer).toBe(files[IVF_FILE]!.buffer);
    expect(decoded.partitioning.centroids.byteOffset % 8).toBe(0);
  });

  it("reports a truncated or extended file as CorruptTableError naming it", async () => {
    const files = encodeIvfFlatIndex(await buildIvfFlatIndex({ vectors, rows, dims }, { numPartitions: 5 }));
    const truncated = { ...files, [FLAT_FILE]: files[FLAT_FILE]!.slice(0, files[FLAT_FILE]!.length - 4) };
    const error = await expectQuiverError(() => decodeIvfFlatIndex(truncated), CorruptTableError, "CORRUPT_TABLE", `"${FLAT_FILE}"`, "truncated");
    expect(error.file).toBe(FLAT_FILE);
    const longer = new Uint8Array(files[IVF_FILE]!.length + 8);
    longer.set(files[IVF_FILE]!);
    await expectQuiverError(() => decodeIvfFlatIndex({ ...files, [IVF_FILE]: longer }), CorruptTableError, "CORRUPT_TABLE", "truncated or extended");
    await expectQuiverError(() => decodeIvfFlatIndex({ ...files, [IVF_FILE]: files[IVF_FILE]!.slice(0, 6) }), CorruptTableError, "CORRUPT_TABLE", "too short");
  });

  it("reports a wrong magic, a newer version, garbled header, missing file and swapped files", async () => {
    const files = encodeIvfFlatIndex(await buildIvfFlatIndex({ vectors, rows, dims }, { numPartitions: 5 }));
    const patched = (name: string, at: number, value: number): Record<string, Uint8Array> => {
      const copy = files[name]!.slice();
      copy[at] = value;
      return { ...files, [name]: copy };
    };
    await expectQuiverError(() => decodeIvfFlatIndex(patched(IVF_FILE, 0, 0x58)), CorruptTableError, "CORRUPT_TABLE", "magic");
    await expectQuiverError(() => decodeIvfFlatIndex(patched(IVF_FILE, 4, 9)), CorruptTableError, "CORRUPT_TABLE", "format version 9", "Upgrade quiverdb");
    await expectQuiverError(() => decodeIvfFlatIndex(patched(IVF_FILE, 12, 0x00)), CorruptTableError, "CORRUPT_TABLE", "not valid JSON");
    await expectQuiverError(() => decodeIvfFlatIndex({ [IVF_FILE]: files[IVF_FILE]! }), CorruptTableError, "CORRUPT_TABLE", `"${FLAT_FILE}" is missing`);
    await expectQuiverError(() => decodeIvfFlatIndex({ [IVF_FILE]: files[FLAT_FILE]!, [FLAT_FILE]: files[IVF_FILE]! }), CorruptTableError, "CORRUPT_TABLE", "another kind");
  });

  it("reports positions that are not a permutation", async () => {
    const index = await buildIvfFlatIndex({ vectors, rows, dims }, { numPartitions: 5 });
    const files = encodeIvfFlatIndex(index);
    const copy = files[IVF_FILE]!.slice();
    // The last 4 bytes are the last position; make it repeat the first.
    new DataView(copy.buffer).setUint32(copy.length - 4, index.partitioning.positions[0]!, true);
    await expectQuiverError(() => decodeIvfFlatIndex({ ...files, [IVF_FILE]: copy }), CorruptTableError, "CORRUPT_TABLE", "positions");
  });
});

describe("encodeIvfPqIndex() / decodeIvfPqIndex()", () => {
  it("round-trips byte for byte and searches the same", async () => {
    const index = await buildIvfPqIndex({ vectors, rows, dims }, { numPartitions: 8, numSubVectors: 4, maxIterations: 10 });
    const files = encodeIvfPqIndex(index);
    expect(Object.keys(files).sort()).toEqual([IVF_FILE, PQ_FILE]);
    const decoded = decodeIvfPqIndex(files);
    const again = encodeIvfPqIndex(decoded);
    expect(again[IVF_FILE]).toEqual(files[IVF_FILE]);
    expect(again[PQ_FILE]).toEqual(files[PQ_FILE]);
    expect(decoded.search(queries, 8, 10, { nprobes: 4 })).toEqual(index.search(queries, 8, 10, { nprobes: 4 }));
  });

  it("refuses an IVF-Flat file set, and a truncated code file", async () => {
    const pq = encodeIvfPqIndex(await buildIvfPqIndex({ vectors, rows, dims }, { numPartitions: 8, numSubVectors: 4, maxIterations: 3 }));
    const flat = encodeIvfFlatIndex(await buildIvfFlatIndex({ vectors, rows, dims }, { numPartitions: 8 }));
    await expectQuiverError(() => decodeIvfPqIndex({ ...pq, [IVF_FILE]: flat[IVF_FILE]! }), CorruptTableError, "CORRUPT_TABLE", "index_type is IVF_FLAT, expected IVF_PQ");
    await expectQuiverError(() => decodeIvfPqIndex({ ...pq, [PQ_FILE]: pq[PQ_FILE]!.subarray(0, 100) }), CorruptTableError, "CORRUPT_TABLE", `"${PQ_FILE}"`);
  });
});

describe("IVF builds", () => {
  it("are deterministic: the same rows, options and seed give the same bytes; another seed differs", async () => {
    const options = { numPartitions: 10, numSubVectors: 4, maxIterations: 8, seed: 7 };
    const a = encodeIvfPqIndex(await buildIvfPqIndex({ vectors, rows, dims }, options));
    const b = encodeIvfPqIndex(await buildIvfPqIndex({ vectors, rows, dims }, options));
    const c = encodeIvfPqIndex(await buildIvfPqIndex({ vectors, rows, dims }, { ...options, seed: 8 }));
    expect(b[IVF_FILE]).toEqual(a[IVF_FILE]);
    expect(b[PQ_FILE]).toEqual(a[PQ_FILE]);
    expect(c[IVF_FILE]).not.toEqual(a[IVF_FILE]);
    const flatA = encodeIvfFlatIndex(await buildIvfFlatIndex({ vectors, rows, dims }, { numPartitions: 10 }));
    const flatB = encodeIvfFlatIndex(await buildIvfFlatIndex({ vectors, rows, dims }, { numPartitions: 10 }));
    expect(flatB).toEqual(flatA);
  });
});

import { CorruptTableError } from "../../../errors.js";
import { DISTANCE_TYPES, type DistanceType } from "../../../plan/index.js";
import { type DecodedIvfFile, decodeIvfFile, encodeIvfFile } from "./ivf-file-codec.js";
import { IvfFlatIndex, gatherPartitionVectors } from "./ivf-flat-index.js";
import { type IvfParams, type PqBits, pqCodewords } from "./ivf-options.js";
import type { IvfPartitioning } from "./ivf-partitioning.js";
import { IvfPqIndex } from "./ivf-pq-index.js";
import { pqCodeBytes } from "./pq-code-layout.js";
import { quantizerBits } from "./product-quantizer.js";

/**
 * IVF indexes as files, and back. An index is a few files (a record of name →
 * bytes) that the caller stores side by side, e.g. in `_indices/<uuid>/`:
 *
 * - `ivf.bin`: the partitioning (centroids, partition offsets, original
 *   positions) and the build options, with LanceDB's snake_case names;
 * - `flat.bin` (IVF-Flat): the vectors in partition order;
 * - `pq.bin` (IVF-PQ): `num_bits` (8 or 4), the codebook (numSubVectors ×
 *   2^num_bits codewords), the codes in partition order (8 bits: one byte per
 *   sub-vector; 4 bits: two per byte, low nibble first, see
 *   pq-code-layout.ts), and each row's norm term. Files written before 4-bit
 *   codes existed all say num_bits 8 and decode unchanged.
 *
 * Decoding gives zero-copy views of the bytes, except IVF-Flat's vectors,
 * which are copied once into one buffer per partition: the native search
 * kernel reads from the start of an ArrayBuffer and ignores a view's offset.
 *
 * @module
 */

/** An encoded index: file name → bytes. */
export type IvfIndexFiles = Readonly<Record<string, Uint8Array>>;

export const IVF_FILE = "ivf.bin";
export const FLAT_FILE = "flat.bin";
export const PQ_FILE = "pq.bin";

/** Encodes an IVF-Flat index to `ivf.bin` and `flat.bin`. */
export function encodeIvfFlatIndex(index: IvfFlatIndex): IvfIndexFiles {
  const { rows, dims, numPartitions } = index.partitioning;
  const vectors = new Float32Array(rows * dims);
  for (let p = 0, at = 0; p < numPartitions; p++) {
    const block = index.partitionVectors(p);
    vectors.set(block, at);
    at += block.length;
  }
  return {
    [IVF_FILE]: encodePartitioning(index.partitioning, index.params, "IVF_FLAT"),
    [FLAT_FILE]: encodeIvfFile("quiver-ivf-flat", { dimension: dims, num_rows: rows }, [{ name: "vectors", array: vectors }]),
  };
}

/** Decodes what {@link encodeIvfFlatIndex} wrote; CorruptTableError on any mismatch. */
export function decodeIvfFlatIndex(files: IvfIndexFiles): IvfFlatIndex {
  const { partitioning, params } = decodePartitioning(requireFile(files, IVF_FILE), "IVF_FLAT");
  const { rows, dims } = partitioning;
  const flat = decodeIvfFile(requireFile(files, FLAT_FILE), FLAT_FILE, "quiver-ivf-flat");
  expectField(flat, FLAT_FILE, "dimension", dims);
  expectField(flat, FLAT_FILE, "num_rows", rows);
  const stored = flat.float32("vectors", rows * dims);
  // gatherPartitionVectors reads by original position; the file is already in stored order.
  const identity = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) identity[i] = i;
  return new IvfFlatIndex(partitioning, params, gatherPartitionVectors(stored, dims, partitioning.offsets, identity));
}

/** Encodes an IVF-PQ index to `ivf.bin` and `pq.bin`. */
export function encodeIvfPqIndex(index: IvfPqIndex): IvfIndexFiles {
  const { rows, dims } = index.partitioning;
  const { numSubVectors } = index.quantizer;
  return {
    [IVF_FILE]: encodePartitioning(index.partitioning, index.params, "IVF_PQ"),
    [PQ_FILE]: encodeIvfFile("quiver-ivf-pq", { dimension: dims, num_rows: rows, num_sub_vectors: numSubVectors, num_bits: quantizerBits(index.quantizer) }, [
      { name: "codebook", array: index.quantizer.codebook },
      { name: "codes", array: index.encoded.codes },
      { name: "norm_terms", array: index.encoded.normTerms },
    ]),
  };
}

/** Decodes what {@link encodeIvfPqIndex} wrote; CorruptTableError on any mismatch. */
export function decodeIvfPqIndex(files: IvfIndexFiles): IvfPqIndex {
  const { partitioning, params } = decodePartitioning(requireFile(files, IVF_FILE), "IVF_PQ");
  const { rows, dims } = partitioning;
  const pq = decodeIvfFile(requireFile(files, PQ_FILE), PQ_FILE, "quiver-ivf-pq");
  expectField(pq, PQ_FILE, "dimension", dims);
  expectField(pq, PQ_FILE, "num_rows", rows);
  const numBits = pq.integer("num_bits");
  if (numBits !== 8 && numBits !== 4) throw mismatch(PQ_FILE, "num_bits", "4 or 8", String(numBits));
  const bits: PqBits = numBits;
  const numSubVectors = pq.integer("num_sub_vectors");
  if (numSubVectors < 1 || dims % numSubVectors !== 0) throw mismatch(PQ_FILE, "num_sub_vectors", `a divisor of ${dims}`, String(numSubVectors));
  const subDims = dims / numSubVectors;
  const codebook = pq.float32("codebook", numSubVectors * pqCodewords(bits) * subDims);
  return new IvfPqIndex(
    partitioning,
    { ...params, numSubVectors, numBits: bits },
    // 8-bit quantizers carry no numBits field (its default), as trainProductQuantizer makes them.
    bits === 8 ? { numSubVectors, subDims, codebook } : { numSubVectors, subDims, numBits: bits, codebook },
    { codes: pq.uint8("codes", rows * pqCodeBytes(numSubVectors, bits)), normTerms: pq.float32("norm_terms", rows) },
  );
}

function encodePartitioning(ivf: IvfPartitioning, params: IvfParams, indexType: string): Uint8Array {
  return encodeIvfFile(
    "quiver-ivf",
    {
      index_type: indexType,
      distance_type: ivf.distanceType,
      dimension: ivf.dims,
      num_rows: ivf.rows,
      num_partitions: ivf.numPartitions,
      sample_rate: params.sampleRate,
      max_iterations: params.maxIterations,
      seed: params.seed,
    },
    [
      { name: "centroids", array: ivf.centroids },
      { name: "offsets", array: ivf.offsets },
      { name: "positions", array: ivf.positions },
    ],
  );
}

function decodePartitioning(bytes: Uint8Array, indexType: string): { partitioning: IvfPartitioning; params: IvfParams } {
  const file = decodeIvfFile(bytes, IVF_FILE, "quiver-ivf");
  const foundType = file.string("index_type");
  if (foundType !== indexType) throw mismatch(IVF_FILE, "index_type", indexType, foundType);
  const distanceType = file.string("distance_type") as DistanceType;
  if (!DISTANCE_TYPES.includes(distanceType)) throw mismatch(IVF_FILE, "distance_type", DISTANCE_TYPES.join(" | "), distanceType);
  const dims = file.integer("dimension");
  const rows = file.integer("num_rows");
  const numPartitions = file.integer("num_partitions");
  if (dims < 1 || numPartitions < 1) throw mismatch(IVF_FILE, "dimension / num_partitions", "≥ 1", `${dims} / ${numPartitions}`);
  const offsets = file.uint32("offsets", numPartitions + 1);
  const positions = file.uint32("positions", rows);
  checkLayout(offsets, positions, rows);
  return {
    partitioning: { distanceType, dims, rows, numPartitions, centroids: file.float32("centroids", numPartitions * dims), offsets, positions },
    params: {
      distanceType,
      numPartitions,
      sampleRate: file.integer("sample_rate"),
      maxIterations: file.integer("max_iterations"),
      seed: file.integer("seed"),
    },
  };
}

/** Offsets must run from 0 to rows without going back, and positions must be a permutation of 0 … rows−1. */
function checkLayout(offsets: Uint32Array, positions: Uint32Array, rows: number): void {
  if (offsets[0] !== 0 || offsets[offsets.length - 1] !== rows) throw mismatch(IVF_FILE, "offsets", `0 … ${rows}`, `${offsets[0]} … ${offsets[offsets.length - 1]}`);
  for (let p = 1; p < offsets.length; p++) {
    if (offsets[p]! < offsets[p - 1]!) throw mismatch(IVF_FILE, "offsets", "non-decreasing values", `${offsets[p - 1]} then ${offsets[p]}`);
  }
  const seen = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const position = positions[i]!;
    if (position >= rows || seen[position] !== 0) throw mismatch(IVF_FILE, "positions", `each of 0 … ${rows - 1} once`, `${position} at ${i}`);
    seen[position] = 1;
  }
}

function expectField(file: DecodedIvfFile, name: string, field: string, expected: number): void {
  const actual = file.integer(field);
  if (actual !== expected) throw mismatch(name, field, String(expected), String(actual));
}

function requireFile(files: IvfIndexFiles, name: string): Uint8Array {
  const bytes = files[name];
  if (!(bytes instanceof Uint8Array)) {
    throw new CorruptTableError(`IVF index file "${name}" is missing. Rebuild the index with createIndex(..., {replace: true}).`, name, "a file", "none");
  }
  return bytes;
}

function mismatch(file: string, field: string, expected: string, actual: string): CorruptTableError {
  return new CorruptTableError(
    `IVF index file "${file}" is corrupt: ${field} is ${actual}, expected ${expected}. Rebuild the index with createIndex(..., {replace: true}).`,
    file,
    expected,
    actual,
  );
}

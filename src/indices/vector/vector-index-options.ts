import { InvalidArgumentError } from "../../errors.js";
import { DISTANCE_TYPES, type DistanceType } from "../../plan/knn-node.js";

/** The vector index kinds LanceDB names. */
export type VectorIndexKind = "ivfPq" | "ivfFlat" | "hnswSq" | "hnswPq";

/** True for the kinds that index a vector column. */
export function isVectorIndexKind(kind: string): kind is VectorIndexKind {
  return kind === "ivfPq" || kind === "ivfFlat" || kind === "hnswSq" || kind === "hnswPq";
}

/** Options of `Index.ivfPq` (LanceDB's `IvfPqOptions`). */
export interface IvfPqOptions {
  /** IVF partitions; default √rows. */
  numPartitions: number;
  /** Product-quantization sub-vectors; default dims / 16 (or dims / 8, or 1). Must divide the dimension. */
  numSubVectors: number;
  /** Bits per sub-vector code: 8 (default: 256 codewords, a byte each) or 4 (16 codewords, two codes a byte: half the codes, coarser distances, 16 rows suffice to train). */
  numBits: number;
  /** Metric the index is trained for and searched with; default "l2". */
  distanceType: "l2" | "cosine" | "dot";
  /** k-means iterations when training partitions; default 50. */
  maxIterations: number;
  /** Training vectors per partition; default 256. */
  sampleRate: number;
}

/** Options of `Index.ivfFlat` (LanceDB's `IvfFlatOptions`). */
export interface IvfFlatOptions {
  numPartitions: number;
  distanceType: "l2" | "cosine" | "dot";
  maxIterations: number;
  sampleRate: number;
}

/**
 * Options of `Index.hnswSq` (LanceDB's `HnswSqOptions`). Quiver builds one
 * HNSW graph per index (usearch) over 8-bit scalar-quantized vectors
 * (HNSW-PQ: the same graph, scored from PQ codes). `numPartitions` shapes
 * LanceDB's IVF layer above its graphs, so it is checked and recorded but
 * does not change a Quiver index; `maxIterations` and `sampleRate` do so only
 * for HNSW-PQ, whose codebook they train as IVF-PQ's.
 */
export interface HnswSqOptions {
  /** Metric the graph is built for and searched with; default "l2". */
  distanceType: "l2" | "cosine" | "dot";
  numPartitions: number;
  maxIterations: number;
  sampleRate: number;
  /** Neighbours per node in the graph (usearch connectivity); default 20. */
  m: number;
  /** Candidates considered while inserting (usearch expansion_add); default 300, as LanceDB. */
  efConstruction: number;
}

/** Options of `Index.hnswPq` (LanceDB's `HnswPqOptions`): HNSW-SQ's, and the PQ code size. */
export interface HnswPqOptions extends HnswSqOptions {
  /** PQ codes (bytes) per vector; default dims / 16 (or dims / 8, or 1). Must divide the dimension. */
  numSubVectors: number;
}

/**
 * The checked options of a vector index as Quiver uses them. Fields a kind
 * does not take are absent; `numPartitions` / `numSubVectors` absent means
 * "choose from the data when building".
 */
export interface VectorIndexParams {
  readonly distanceType: DistanceType;
  readonly numPartitions?: number;
  readonly numSubVectors?: number;
  readonly numBits?: number;
  readonly maxIterations?: number;
  readonly sampleRate?: number;
  readonly m?: number;
  readonly efConstruction?: number;
}

/**
 * LanceDB's defaults. efConstruction 128 builds about 2x faster with the same
 * recall in most builds, but one of six measured builds fell to 0.971 at ef 64
 * (docs/vector-indexes.md "Build time"); the build meets its target at 300, so
 * the default stays LanceDB's and 128 is the user's choice.
 */
export const VECTOR_INDEX_DEFAULTS = Object.freeze({ maxIterations: 50, sampleRate: 256, m: 20, efConstruction: 300, numBits: 8 });

type OptionName = Exclude<keyof VectorIndexParams, "distanceType">;

/** Accepted range of each numeric option. */
const RANGES: Readonly<Record<OptionName, { min: number; max: number; example: number }>> = Object.freeze({
  numPartitions: { min: 1, max: 1 << 20, example: 256 },
  numSubVectors: { min: 1, max: 1 << 16, example: 16 },
  numBits: { min: 4, max: 8, example: 8 },
  maxIterations: { min: 1, max: 100_000, example: 50 },
  sampleRate: { min: 1, max: 1 << 20, example: 256 },
  m: { min: 2, max: 512, example: 20 },
  efConstruction: { min: 1, max: 100_000, example: 300 },
});

const ACCEPTED: Readonly<Record<VectorIndexKind, readonly OptionName[]>> = Object.freeze({
  ivfPq: ["numPartitions", "numSubVectors", "numBits", "maxIterations", "sampleRate"],
  ivfFlat: ["numPartitions", "maxIterations", "sampleRate"],
  hnswSq: ["numPartitions", "maxIterations", "sampleRate", "m", "efConstruction"],
  hnswPq: ["numPartitions", "numSubVectors", "maxIterations", "sampleRate", "m", "efConstruction"],
});

/**
 * Checks the options given to `Index.<kind>(options)` and fills LanceDB's
 * defaults. Throws InvalidArgumentError naming the option, what it takes,
 * what it got and the fix. Options that depend on the column (sub-vectors
 * dividing the dimension) are checked when the index is created.
 */
export function resolveVectorIndexOptions(kind: VectorIndexKind, options: unknown): VectorIndexParams {
  const call = `Index.${kind}`;
  if (options === undefined || options === null) options = {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new InvalidArgumentError(`${call}(options): expected an options object such as {distanceType: "cosine"}, got ${JSON.stringify(options)}.`, "options");
  }
  const given = options as Record<string, unknown>;
  const accepted = ACCEPTED[kind];
  for (const key of Object.keys(given)) {
    if (key !== "distanceType" && !(accepted as readonly string[]).includes(key)) {
      throw new InvalidArgumentError(
        `${call}: unknown option '${key}'; ${kind} takes distanceType, ${accepted.join(", ")}. Check the spelling, or remove it.`,
        key,
      );
    }
  }
  const params: { -readonly [K in keyof VectorIndexParams]: VectorIndexParams[K] } = { distanceType: resolveDistanceType(call, given.distanceType) };
  for (const name of accepted) {
    const value = given[name];
    if (value === undefined) continue;
    params[name] = checkNumber(call, name, value);
  }
  if (params.numBits !== undefined && params.numBits !== 4 && params.numBits !== 8) {
    throw new InvalidArgumentError(`${call}: numBits must be 4 or 8, got ${params.numBits}. Pass {numBits: 8} (the default) or {numBits: 4}.`, "numBits");
  }
  if (kind === "ivfPq") params.numBits ??= VECTOR_INDEX_DEFAULTS.numBits;
  params.maxIterations ??= VECTOR_INDEX_DEFAULTS.maxIterations;
  params.sampleRate ??= VECTOR_INDEX_DEFAULTS.sampleRate;
  if (kind === "hnswSq" || kind === "hnswPq") {
    params.m ??= VECTOR_INDEX_DEFAULTS.m;
    params.efConstruction ??= VECTOR_INDEX_DEFAULTS.efConstruction;
    params.numPartitions ??= 1;
  }
  return Object.freeze(params);
}

function resolveDistanceType(call: string, value: unknown): DistanceType {
  if (value === undefined) return "l2";
  const name = typeof value === "string" ? value.toLowerCase() : value;
  if (DISTANCE_TYPES.includes(name as DistanceType)) return name as DistanceType;
  const hint = name === "hamming" ? " Hamming distance compares binary vectors, which Quiver's vector indexes do not support yet." : "";
  throw new InvalidArgumentError(
    `${call}: distanceType must be one of l2, cosine or dot, got ${JSON.stringify(value)}.${hint} Pass e.g. {distanceType: "cosine"}.`,
    "distanceType",
  );
}

function checkNumber(call: string, name: OptionName, value: unknown): number {
  const { min, max, example } = RANGES[name];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `${call}: ${name} must be an integer from ${min} to ${max}, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}. Pass e.g. {${name}: ${example}}.`,
      name,
    );
  }
  return value;
}

/** The parameters as stored in the manifest, with LanceDB's snake_case names. */
export function encodeVectorIndexParams(params: VectorIndexParams): Record<string, unknown> {
  const out: Record<string, unknown> = { distance_type: params.distanceType };
  if (params.numPartitions !== undefined) out.num_partitions = params.numPartitions;
  if (params.numSubVectors !== undefined) out.num_sub_vectors = params.numSubVectors;
  if (params.numBits !== undefined) out.num_bits = params.numBits;
  if (params.maxIterations !== undefined) out.max_iterations = params.maxIterations;
  if (params.sampleRate !== undefined) out.sample_rate = params.sampleRate;
  if (params.m !== undefined) out.m = params.m;
  if (params.efConstruction !== undefined) out.ef_construction = params.efConstruction;
  return out;
}

/** Reads stored parameters back (snake_case as written; camelCase read too). */
export function decodeVectorIndexParams(stored: Readonly<Record<string, unknown>>): VectorIndexParams {
  const read = (snake: string, camel: string): number | undefined => {
    const value = stored[snake] ?? stored[camel];
    return typeof value === "number" ? value : undefined;
  };
  const distance = stored.distance_type ?? stored.distanceType ?? stored.metric_type;
  const params: { -readonly [K in keyof VectorIndexParams]: VectorIndexParams[K] } = {
    distanceType: DISTANCE_TYPES.includes(distance as DistanceType) ? (distance as DistanceType) : "l2",
  };
  const fields: [OptionName, string][] = [
    ["numPartitions", "num_partitions"],
    ["numSubVectors", "num_sub_vectors"],
    ["numBits", "num_bits"],
    ["maxIterations", "max_iterations"],
    ["sampleRate", "sample_rate"],
    ["m", "m"],
    ["efConstruction", "ef_construction"],
  ];
  for (const [camel, snake] of fields) {
    const value = read(snake, camel);
    if (value !== undefined) params[camel] = value;
  }
  return Object.freeze(params);
}

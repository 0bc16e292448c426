import type { DistanceType } from "../../../plan/knn-node.js";
import { DISTANCE_TYPES } from "../../../plan/knn-node.js";
import { CorruptTableError } from "../../../errors.js";
import type { EncodedRows } from "../ivf/encode-residuals.js";
import { decodeIvfFile, encodeIvfFile } from "../ivf/ivf-file-codec.js";
import { PQ_CODES } from "../ivf/ivf-options.js";
import type { ProductQuantizer } from "../ivf/product-quantizer.js";
import type { ProximityGraph } from "./usearch-graph-file.js";

/**
 * An HNSW-PQ index as one file (`hnsw-pq.bin`, in the container of the IVF
 * files: a JSON header and 8-byte-aligned little-endian arrays, decoded as
 * zero-copy views): the graph in compressed-row form, each node's row key,
 * the product quantizer (the mean it is centred on and the codebook) and
 * each node's codes and norm term.
 *
 * @internal
 * @module
 */

export const HNSW_PQ_FILE = "hnsw-pq.bin";
const KIND = "quiver-hnsw-pq";

/** The parts of a stored HNSW-PQ index. */
export interface HnswPqParts {
  readonly distanceType: DistanceType;
  readonly dims: number;
  readonly graph: ProximityGraph;
  readonly quantizer: ProductQuantizer;
  /** The centre the codes are residuals from (of the normalised vectors for cosine). */
  readonly mean: Float32Array;
  /** Per node (slot order): codes and norm terms, as IVF-PQ's rows with one partition. */
  readonly encoded: EncodedRows;
}

export function encodeHnswPqIndex(parts: HnswPqParts): Uint8Array {
  const { graph, quantizer, encoded } = parts;
  return encodeIvfFile(
    KIND,
    {
      distance_type: parts.distanceType,
      dimension: parts.dims,
      num_sub_vectors: quantizer.numSubVectors,
      num_nodes: graph.size,
      entry_slot: graph.entrySlot,
      max_level: graph.maxLevel,
      base_links: graph.baseNeighbors.length,
      upper_entries: graph.upperOffsets.length - 1,
      upper_links: graph.upperNeighbors.length,
    },
    [
      { name: "fragment_ids", array: graph.keyHigh },
      { name: "offsets", array: graph.keyLow },
      { name: "base_offsets", array: graph.baseOffsets },
      { name: "base_neighbors", array: graph.baseNeighbors },
      { name: "upper_first", array: graph.upperFirst },
      { name: "upper_offsets", array: graph.upperOffsets },
      { name: "upper_neighbors", array: graph.upperNeighbors },
      { name: "mean", array: parts.mean },
      { name: "codebook", array: quantizer.codebook },
      { name: "codes", array: encoded.codes },
      { name: "norm_terms", array: encoded.normTerms },
    ],
  );
}

/** Decodes what {@link encodeHnswPqIndex} wrote; CorruptTableError on any mismatch, including links out of range. */
export function decodeHnswPqIndex(bytes: Uint8Array): HnswPqParts {
  const file = decodeIvfFile(bytes, HNSW_PQ_FILE, KIND);
  const distanceType = file.string("distance_type") as DistanceType;
  if (!DISTANCE_TYPES.includes(distanceType)) throw corrupt("its distance type is unknown", DISTANCE_TYPES.join(" | "), distanceType);
  const dims = file.integer("dimension");
  const numSubVectors = file.integer("num_sub_vectors");
  if (numSubVectors === 0 || dims % numSubVectors !== 0) throw corrupt("its sub-vector count does not divide the dimension", `a divisor of ${dims}`, String(numSubVectors));
  const size = file.integer("num_nodes");
  const upperEntries = file.integer("upper_entries");
  const graph: ProximityGraph = {
    size,
    entrySlot: file.integer("entry_slot"),
    maxLevel: file.integer("max_level"),
    keyHigh: file.uint32("fragment_ids", size),
    keyLow: file.uint32("offsets", size),
    baseOffsets: file.uint32("base_offsets", size + 1),
    baseNeighbors: file.uint32("base_neighbors", file.integer("base_links")),
    upperFirst: file.uint32("upper_first", size + 1),
    upperOffsets: file.uint32("upper_offsets", upperEntries + 1),
    upperNeighbors: file.uint32("upper_neighbors", file.integer("upper_links")),
  };
  checkGraph(graph);
  const subDims = dims / numSubVectors;
  return {
    distanceType,
    dims,
    graph,
    quantizer: { numSubVectors, subDims, codebook: file.float32("codebook", numSubVectors * PQ_CODES * subDims) },
    mean: file.float32("mean", dims),
    encoded: { codes: file.uint8("codes", size * numSubVectors), normTerms: file.float32("norm_terms", size) },
  };
}

/** A search trusts every link; a damaged file must fail here, not read out of bounds later. */
function checkGraph(g: ProximityGraph): void {
  if (g.size > 0 && g.entrySlot >= g.size) throw corrupt("its entry node is outside the graph", `< ${g.size}`, String(g.entrySlot));
  checkOffsets(g.baseOffsets, g.baseNeighbors.length, "base_offsets");
  checkOffsets(g.upperOffsets, g.upperNeighbors.length, "upper_offsets");
  checkOffsets(g.upperFirst, g.upperOffsets.length - 1, "upper_first");
  if (g.size > 0 && g.upperFirst[g.entrySlot + 1]! - g.upperFirst[g.entrySlot]! !== g.maxLevel) {
    throw corrupt("its entry node does not reach the top level", `${g.maxLevel} upper levels`, String(g.upperFirst[g.entrySlot + 1]! - g.upperFirst[g.entrySlot]!));
  }
  for (const [name, links] of [["base_neighbors", g.baseNeighbors], ["upper_neighbors", g.upperNeighbors]] as const) {
    for (let i = 0; i < links.length; i++) if (links[i]! >= g.size) throw corrupt(`${name} links to a node outside the graph`, `< ${g.size}`, String(links[i]));
  }
}

function checkOffsets(offsets: Uint32Array, total: number, name: string): void {
  if (offsets[0] !== 0 || offsets[offsets.length - 1] !== total) throw corrupt(`${name} does not span its list`, `0 … ${total}`, `${offsets[0]} … ${offsets[offsets.length - 1]}`);
  for (let i = 1; i < offsets.length; i++) if (offsets[i]! < offsets[i - 1]!) throw corrupt(`${name} is not ascending`, "ascending offsets", `${offsets[i - 1]} then ${offsets[i]}`);
}

function corrupt(what: string, expected: string, actual: string): CorruptTableError {
  return new CorruptTableError(
    `HNSW-PQ index file "${HNSW_PQ_FILE}" is corrupt: ${what} (expected ${expected}, found ${actual}). Rebuild the index with createIndex(..., {replace: true}).`,
    HNSW_PQ_FILE,
    expected,
    actual,
  );
}

/**
 * IVF vector indexes as pure algorithms (no table or storage code): build
 * from a {@link VectorSet}, search by position, encode to files and back.
 *
 * @module
 */
export { type VectorSet } from "./vector-set.js";
export type { BuildControl } from "./work-pacer.js";
export {
  type IvfFlatBuildOptions,
  type IvfPqBuildOptions,
  type IvfParams,
  type PqParams,
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_SAMPLE_RATE,
  suggestNumPartitions,
  suggestNumSubVectors,
  resolveIvfParams,
  resolvePqParams,
} from "./ivf-options.js";
export { DEFAULT_NPROBES, type ExcludedPositions, type IvfSearchHits, type IvfSearchOptions } from "./ivf-search-options.js";
export type { IvfPartitioning } from "./ivf-partitioning.js";
export { IvfFlatIndex, buildIvfFlatIndex } from "./ivf-flat-index.js";
export { IvfPqIndex, buildIvfPqIndex, type IvfPqSearchOptions, type OriginalVectors } from "./ivf-pq-index.js";
export { type IvfIndexChange, extendIvfFlatIndex, extendIvfPqIndex } from "./extend-ivf-index.js";
export {
  type IvfIndexFiles,
  IVF_FILE,
  FLAT_FILE,
  PQ_FILE,
  encodeIvfFlatIndex,
  decodeIvfFlatIndex,
  encodeIvfPqIndex,
  decodeIvfPqIndex,
} from "./ivf-index-codec.js";

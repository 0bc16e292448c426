import { InvalidArgumentError } from "../../../errors.js";
import { encodeRows } from "./encode-residuals.js";
import { IvfFlatIndex, gatherPartitionVectors } from "./ivf-flat-index.js";
import { type IvfPartitioning, layoutPartitions } from "./ivf-partitioning.js";
import { IvfPqIndex } from "./ivf-pq-index.js";
import { pqCodeBytes } from "./pq-code-layout.js";
import { quantizerBits } from "./product-quantizer.js";
import { assignPartitions } from "./train-partitions.js";
import { type VectorSet, checkVectorSet } from "./vector-set.js";
import { type BuildControl, WorkPacer } from "./work-pacer.js";

/**
 * Bringing a built IVF index up to date without training it again: rows the
 * caller no longer wants are dropped, new rows are assigned to the nearest
 * existing centroid (and, for IVF-PQ, encoded with the existing codebook).
 * The centroids and codebook stay as trained, which is what LanceDB's
 * optimize does too: assignment costs one nearest-centroid search per new
 * row, training costs tens of k-means iterations over a sample.
 *
 * Positions of the result: the kept old rows first, in their old position
 * order (renumbered 0 … kept−1), then the added rows in their order.
 *
 * @module
 */

/** What to change in an index: which old rows stay (by old position), and the rows to add. */
export interface IvfIndexChange {
  /** One byte per old position, non-zero to keep the row; null keeps every row. */
  readonly keep: Uint8Array | null;
  /** Rows to add, as wide as the index; may hold no rows (`rows: 0`). */
  readonly added: VectorSet;
}

/** The old rows that stay, in position order, and where each sits in the old stored order. */
interface KeptRows {
  /** Old positions kept, ascending. */
  readonly positions: Uint32Array;
  /** For each kept row, its old stored slot. */
  readonly slots: Uint32Array;
  /** For each kept row, its partition. */
  readonly partitions: Uint32Array;
}

/**
 * An IVF-Flat index holding the kept rows of `index` and the added ones.
 *
 * @example
 * const next = await extendIvfFlatIndex(index, { keep: liveMask, added: { vectors, rows: 1000, dims: 384 } });
 */
export async function extendIvfFlatIndex(index: IvfFlatIndex, change: IvfIndexChange, control?: BuildControl): Promise<IvfFlatIndex> {
  const pacer = WorkPacer.create("Updating the IVF-Flat index", control);
  const { partitioning, kept, addedPartitions } = await extendPartitioning(index.partitioning, change, pacer.range(0, 0.8));
  const { dims } = partitioning;
  // Vectors by new position: kept rows from their old partition blocks, then the added rows.
  const byPosition = new Float32Array(partitioning.rows * dims);
  const old = index.partitioning;
  for (let i = 0; i < kept.positions.length; i++) {
    const slot = kept.slots[i]!;
    const p = kept.partitions[i]!;
    const block = index.partitionVectors(p);
    const r = slot - old.offsets[p]!;
    byPosition.set(block.subarray(r * dims, (r + 1) * dims), i * dims);
  }
  byPosition.set(change.added.vectors.subarray(0, addedPartitions.length * dims), kept.positions.length * dims);
  const blocks = gatherPartitionVectors(byPosition, dims, partitioning.offsets, partitioning.positions);
  await pacer.step(1);
  return new IvfFlatIndex(partitioning, index.params, blocks);
}

/**
 * An IVF-PQ index holding the kept rows of `index` (their codes reused) and
 * the added ones, encoded with the existing codebook at its bits per code.
 *
 * @example
 * const next = await extendIvfPqIndex(index, { keep: null, added: newRows });
 */
export async function extendIvfPqIndex(index: IvfPqIndex, change: IvfIndexChange, control?: BuildControl): Promise<IvfPqIndex> {
  const pacer = WorkPacer.create("Updating the IVF-PQ index", control);
  const { partitioning, kept, addedPartitions } = await extendPartitioning(index.partitioning, change, pacer.range(0, 0.5));
  // Bytes per row: codes are copied row by row, whole bytes (4-bit rows are packed, pq-code-layout.ts).
  const rowBytes = pqCodeBytes(index.quantizer.numSubVectors, quantizerBits(index.quantizer));
  const added = addedPartitions.length;
  // Codes of the added rows, encoded in their own order (positions 0 … added−1 of `change.added`).
  let addedCodes: Uint8Array = new Uint8Array(0);
  let addedNorms: Float32Array = new Float32Array(0);
  if (added > 0) {
    const identity = new Uint32Array(added);
    for (let i = 0; i < added; i++) identity[i] = i;
    const own: IvfPartitioning = { ...partitioning, rows: added, offsets: Uint32Array.of(0, added), positions: identity };
    const encoded = await encodeRows(change.added, own, addedPartitions, index.quantizer, pacer.range(0.5, 0.95));
    addedCodes = encoded.codes;
    addedNorms = encoded.normTerms;
  }
  const rows = partitioning.rows;
  const codes = new Uint8Array(rows * rowBytes);
  const normTerms = new Float32Array(rows);
  const keptCount = kept.positions.length;
  for (let s = 0; s < rows; s++) {
    const position = partitioning.positions[s]!;
    if (position < keptCount) {
      const from = kept.slots[position]!;
      codes.set(index.encoded.codes.subarray(from * rowBytes, (from + 1) * rowBytes), s * rowBytes);
      normTerms[s] = index.encoded.normTerms[from]!;
    } else {
      const from = position - keptCount;
      codes.set(addedCodes.subarray(from * rowBytes, (from + 1) * rowBytes), s * rowBytes);
      normTerms[s] = addedNorms[from]!;
    }
  }
  await pacer.step(1);
  return new IvfPqIndex(partitioning, index.params, index.quantizer, { codes, normTerms });
}

/** The new partitioning: kept rows keep their partitions, added rows go to their nearest centroid. */
async function extendPartitioning(
  old: IvfPartitioning,
  change: IvfIndexChange,
  pacer: WorkPacer,
): Promise<{ partitioning: IvfPartitioning; kept: KeptRows; addedPartitions: Uint32Array }> {
  const { keep, added } = change;
  if (added.dims !== old.dims) {
    throw new InvalidArgumentError(`IVF index update: added vectors are ${added.dims} wide, the index ${old.dims}. Add vectors of the indexed column.`, "dims");
  }
  if (keep !== null && keep.length < old.rows) {
    throw new InvalidArgumentError(`IVF index update: keep must hold one byte per indexed row (${old.rows}); got ${keep.length}.`, "keep");
  }
  const kept = keptRows(old, keep);
  let addedPartitions: Uint32Array = new Uint32Array(0);
  if (added.rows > 0) {
    checkVectorSet(added, "IVF index update");
    addedPartitions = await assignPartitions(added, old.centroids, old.numPartitions, old.distanceType === "cosine", pacer);
  }
  const keptCount = kept.positions.length;
  const partitionOf = new Uint32Array(keptCount + addedPartitions.length);
  partitionOf.set(kept.partitions);
  partitionOf.set(addedPartitions, keptCount);
  const { offsets, positions } = layoutPartitions(partitionOf, old.numPartitions);
  const partitioning: IvfPartitioning = { ...old, rows: partitionOf.length, offsets, positions };
  return { partitioning, kept, addedPartitions };
}

function keptRows(old: IvfPartitioning, keep: Uint8Array | null): KeptRows {
  // Old stored slot and partition of every old position.
  const slotOf = new Uint32Array(old.rows);
  const partitionOf = new Uint32Array(old.rows);
  for (let p = 0; p < old.numPartitions; p++) {
    for (let s = old.offsets[p]!; s < old.offsets[p + 1]!; s++) {
      slotOf[old.positions[s]!] = s;
      partitionOf[old.positions[s]!] = p;
    }
  }
  let count = 0;
  for (let i = 0; i < old.rows; i++) if (keep === null || keep[i] !== 0) count++;
  const positions = new Uint32Array(count);
  const slots = new Uint32Array(count);
  const partitions = new Uint32Array(count);
  for (let i = 0, n = 0; i < old.rows; i++) {
    if (keep !== null && keep[i] === 0) continue;
    positions[n] = i;
    slots[n] = slotOf[i]!;
    partitions[n] = partitionOf[i]!;
    n++;
  }
  return { positions, slots, partitions };
}

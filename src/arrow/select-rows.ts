import type { RecordBatch } from "apache-arrow";
import { concatBatches } from "./concat-batches.js";

/**
 * The rows of `batch` whose mask entry is non-zero, in order, as one batch.
 * Contiguous runs are sliced without copying and then joined once, so a mask
 * that keeps long runs (the common case for filters on sorted data) is cheap.
 */
export function selectRows(batch: RecordBatch, mask: Uint8Array): RecordBatch {
  const runs: RecordBatch[] = [];
  let selected = 0;
  const n = batch.numRows;
  let i = 0;
  while (i < n) {
    while (i < n && !mask[i]) i++;
    const start = i;
    while (i < n && mask[i]) i++;
    if (i > start) {
      runs.push(batch.slice(start, i));
      selected += i - start;
    }
  }
  if (selected === n) return batch;
  if (runs.length === 0) return batch.slice(0, 0);
  return concatBatches(batch.schema, runs);
}

/** Number of non-zero entries of a mask. */
export function countSelected(mask: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) count++;
  return count;
}

import type { PqBits } from "./ivf-options.js";

/**
 * How a row's PQ codes sit in bytes (in memory and in `pq.bin`'s `codes`
 * section, rows back to back in stored order):
 *
 * - 8 bits: one byte per slice; slice m is byte m of the row.
 * - 4 bits: two slices per byte; slice 2i is the low nibble (bits 0–3) of
 *   byte i and slice 2i + 1 its high nibble (bits 4–7). With an odd
 *   numSubVectors the last byte holds one code and its high nibble is 0.
 *   A row is ⌈numSubVectors / 2⌉ bytes.
 *
 * Low nibble first so that a byte's value is code(2i) + 16 × code(2i + 1):
 * the search indexes a 256-entry table per byte with it directly
 * (pq-byte-table.ts), and 8-bit and 4-bit rows are scored by the same loop.
 *
 * @internal
 * @module
 */

/** Bytes one row's codes take. */
export function pqCodeBytes(numSubVectors: number, numBits: PqBits): number {
  return numBits === 8 ? numSubVectors : (numSubVectors + 1) >> 1;
}

/** Stores `code` as slice `slice` of the row whose codes start at `rowStart` (4-bit: the nibble must still be 0). */
export function writeCode(codes: Uint8Array, rowStart: number, slice: number, code: number, numBits: PqBits): void {
  if (numBits === 8) codes[rowStart + slice] = code;
  else codes[rowStart + (slice >> 1)] |= code << ((slice & 1) << 2);
}

/** The code of slice `slice` of the row whose codes start at `rowStart`. */
export function readCode(codes: Uint8Array, rowStart: number, slice: number, numBits: PqBits): number {
  if (numBits === 8) return codes[rowStart + slice]!;
  return (codes[rowStart + (slice >> 1)]! >> ((slice & 1) << 2)) & 0xf;
}

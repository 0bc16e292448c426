import { type Data, type DataType, Type } from "apache-arrow";

/** True for the column types a full-text index accepts: Utf8 and LargeUtf8. */
export function isTextType(type: DataType): boolean {
  return type.typeId === Type.Utf8 || type.typeId === Type.LargeUtf8;
}

const decoder = new TextDecoder();

/**
 * Calls `visit` with each non-null string of a Utf8 or LargeUtf8 column chunk
 * and its row number, decoding straight from the value buffer. (A sliced chunk
 * keeps its whole validity bitmap, read from `data.offset`, while its value
 * offsets are already sliced.)
 */
export function forEachText(data: Data, visit: (row: number, text: string) => void): void {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const values = data.values as Uint8Array;
  const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
  const base = data.offset;
  const large = offsets instanceof BigInt64Array;
  for (let row = 0; row < data.length; row++) {
    const bit = base + row;
    if (bitmap && ((bitmap[bit >> 3]! >> (bit & 7)) & 1) === 0) continue;
    const start = large ? Number(offsets[row]!) : (offsets[row] as number);
    const end = large ? Number(offsets[row + 1]!) : (offsets[row + 1] as number);
    visit(row, start === end ? "" : decoder.decode(values.subarray(start, end)));
  }
}

import { CorruptTableError } from "../../errors.js";
import { ByteReader, ByteWriter } from "./byte-io.js";
import { crc32 } from "node:zlib";
import { FtsSegment } from "./fts-segment.js";
import { decodeLegacyFtsSegment, isLegacyFtsSegment } from "./fts-segment-legacy.js";

/**
 * A stored full-text index is one file, `segment.qfts`, in the index's folder
 * `_indices/<uuid>/` (format 2; format 1 was four Arrow IPC files, still read:
 * see fts-segment-legacy.ts). All integers are little-endian; "varint" is
 * LEB128 (byte-io.ts).
 *
 * ```
 * header   "QFTS" · u32 format (2) · u32 flags (bit 0: positions)
 *          · u64 bytes of each section: docs, terms, postings, positions
 * docs     varint docCount · varint runCount · runCount × (varint fragment id, varint documents)
 *          · docCount × varint offset (the first of a run as is, then minus the previous offset minus one)
 *          · docCount × varint length (tokens)
 * terms    varint termCount · termCount × (varint UTF-16 length, varint documents,
 *          varint postings bytes [, varint positions bytes]) · varint text bytes · UTF-8 of all terms, sorted
 * postings each term's posting list, in term order (postings-codec.ts)
 * positions each term's positions, in term order (only with positions)
 * trailer  u32 CRC-32 of everything before it
 * ```
 *
 * Fragment ids and offsets are stored apart (never as one fragment · 2^32 +
 * offset number), so both keep their full 32 bits.
 */
export const FTS_SEGMENT_FILE = "segment.qfts";
export const FTS_FORMAT_VERSION = 2;

const MAGIC = [0x51, 0x46, 0x54, 0x53]; // "QFTS"
const HEADER_BYTES = 12 + 4 * 8;
const FLAG_POSITIONS = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The files of a segment, by file name. */
export function encodeFtsSegment(segment: FtsSegment): Map<string, Uint8Array> {
  const d = segment.data;
  const docs = encodeDocs(d.docFragment, d.docOffset, d.docLength);
  const terms = encodeTerms(segment);
  const positions = d.positions ?? new Uint8Array(0);
  return new Map([[FTS_SEGMENT_FILE, assemble(d.positions !== null, [docs, terms, d.postings, positions])]]);
}

/**
 * Rebuilds a segment from its files — format 2, or format 1 converted in
 * memory. A damaged or unknown file throws CorruptTableError saying what is
 * wrong (the caller adds which table and how to rebuild).
 */
export function decodeFtsSegment(read: (name: string) => Uint8Array | undefined): FtsSegment {
  const bytes = read(FTS_SEGMENT_FILE);
  if (bytes === undefined) {
    if (isLegacyFtsSegment(read)) {
      try {
        return decodeLegacyFtsSegment(read);
      } catch (error) {
        throw corrupt(`${(error as Error).message} (format 1)`, "format 1 Arrow files", { cause: error });
      }
    }
    throw corrupt(`the index file ${FTS_SEGMENT_FILE} is missing`, "the file");
  }
  return decodeCurrent(bytes);
}

function decodeCurrent(bytes: Uint8Array): FtsSegment {
  if (bytes.length < HEADER_BYTES + 4 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw corrupt(`${FTS_SEGMENT_FILE} is not a Quiver full-text index file`, `"QFTS" header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== FTS_FORMAT_VERSION) {
    throw corrupt(
      `${FTS_SEGMENT_FILE} has format ${version}, and this version of Quiver reads formats 1 and ${FTS_FORMAT_VERSION} ` +
        `(a newer Quiver wrote it, or the file is damaged)`,
      `format ${FTS_FORMAT_VERSION}`,
    );
  }
  const withPositions = (view.getUint32(8, true) & FLAG_POSITIONS) !== 0;
  const lengths = [0, 1, 2, 3].map((i) => Number(view.getBigUint64(12 + 8 * i, true)));
  const body = lengths.reduce((sum, n) => sum + n, 0);
  if (HEADER_BYTES + body + 4 !== bytes.length) {
    throw corrupt(`${FTS_SEGMENT_FILE} is ${bytes.length} bytes, its header accounts for ${HEADER_BYTES + body + 4}`, "complete file");
  }
  const stored = view.getUint32(HEADER_BYTES + body, true);
  const actual = crc32(bytes.subarray(0, HEADER_BYTES + body));
  if (stored !== actual) {
    throw corrupt(`${FTS_SEGMENT_FILE} fails its checksum (stored ${hex(stored)}, computed ${hex(actual)})`, "matching CRC-32");
  }
  const sections: Uint8Array[] = [];
  let at = HEADER_BYTES;
  for (const n of lengths) {
    // Copies, so the segment does not pin a larger buffer the file was read into.
    sections.push(bytes.slice(at, at + n));
    at += n;
  }
  const [docsBytes, termsBytes, postings, positions] = sections as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  if (!withPositions && positions.length > 0) throw corrupt(`${FTS_SEGMENT_FILE} holds positions its flags deny`, "no positions");
  const docs = decodeDocs(docsBytes);
  const terms = decodeTerms(termsBytes, withPositions, postings.length, positions.length);
  return new FtsSegment({
    ...docs,
    ...terms,
    postings,
    positions: withPositions ? positions : null,
  });
}

/** Fragment ids run-length coded (rows of one fragment are consecutive), offsets as gaps, lengths as they are. */
function encodeDocs(fragment: Uint32Array, offset: Uint32Array, length: Uint32Array): Uint8Array {
  const n = fragment.length;
  const out = new ByteWriter(n * 2 + 16);
  out.varint(n);
  const runs: number[] = [];
  for (let d = 0; d < n; ) {
    const start = d;
    while (d < n && fragment[d] === fragment[start]) d++;
    runs.push(fragment[start]!, d - start);
  }
  out.varint(runs.length / 2);
  for (const v of runs) out.varint(v);
  for (let d = 0; d < n; d++) out.varint(d > 0 && fragment[d] === fragment[d - 1] ? offset[d]! - offset[d - 1]! - 1 : offset[d]!);
  for (let d = 0; d < n; d++) out.varint(length[d]!);
  return out.finish();
}

function decodeDocs(bytes: Uint8Array): { docFragment: Uint32Array; docOffset: Uint32Array; docLength: Uint32Array } {
  const reader = new ByteReader(bytes);
  const n = checked(reader.varint(), bytes.length, "document count");
  const docFragment = new Uint32Array(n);
  const docOffset = new Uint32Array(n);
  const docLength = new Uint32Array(n);
  const runs = checked(reader.varint(), bytes.length, "fragment runs");
  let d = 0;
  for (let r = 0; r < runs; r++) {
    const id = reader.varint();
    const count = reader.varint();
    if (!(d + count <= n) || !(id <= 0xffffffff)) throw corrupt(`the document table's fragment runs overrun its ${n} documents`, "consistent documents");
    docFragment.fill(id, d, d + count);
    d += count;
  }
  if (d !== n) throw corrupt(`the document table's fragment runs cover ${d} of its ${n} documents`, "consistent documents");
  for (let i = 0; i < n; i++) {
    docOffset[i] = i > 0 && docFragment[i] === docFragment[i - 1] ? docOffset[i - 1]! + reader.varint() + 1 : reader.varint();
  }
  for (let i = 0; i < n; i++) docLength[i] = reader.varint();
  if (reader.pos !== bytes.length) throw corrupt(`the document table ends at byte ${reader.pos} of ${bytes.length}`, "consistent documents");
  return { docFragment, docOffset, docLength };
}

function encodeTerms(segment: FtsSegment): Uint8Array {
  const d = segment.data;
  const out = new ByteWriter(d.terms.length * 8 + 16);
  out.varint(d.terms.length);
  d.terms.forEach((term, t) => {
    out.varint(term.length);
    out.varint(d.termDocs[t]!);
    out.varint(d.postingStart[t + 1]! - d.postingStart[t]!);
    if (d.positionStart) out.varint(d.positionStart[t + 1]! - d.positionStart[t]!);
  });
  const text = encoder.encode(d.terms.join(""));
  out.varint(text.length);
  out.bytes(text);
  return out.finish();
}

function decodeTerms(
  bytes: Uint8Array,
  withPositions: boolean,
  postingBytes: number,
  positionBytes: number,
): Pick<FtsSegment["data"], "terms" | "termDocs" | "postingStart" | "positionStart"> {
  const reader = new ByteReader(bytes);
  const count = checked(reader.varint(), bytes.length, "term count");
  const lengths = new Uint32Array(count);
  const termDocs = new Uint32Array(count);
  const postingStart = new Float64Array(count + 1);
  const positionStart = withPositions ? new Float64Array(count + 1) : null;
  for (let t = 0; t < count; t++) {
    lengths[t] = reader.varint();
    termDocs[t] = reader.varint();
    postingStart[t + 1] = postingStart[t]! + reader.varint();
    if (positionStart) positionStart[t + 1] = positionStart[t]! + reader.varint();
  }
  if (postingStart[count] !== postingBytes || (positionStart && positionStart[count] !== positionBytes)) {
    throw corrupt("the term table and the postings sections disagree on their sizes", "consistent terms");
  }
  const textBytes = reader.varint();
  if (reader.pos + textBytes !== bytes.length) throw corrupt("the term table's text overruns its section", "consistent terms");
  // One decode for the whole dictionary, then slices: far cheaper than one TextDecoder call per term.
  const text = decoder.decode(bytes.subarray(reader.pos));
  const terms = new Array<string>(count);
  let at = 0;
  for (let t = 0; t < count; t++) {
    terms[t] = text.slice(at, at + lengths[t]!);
    at += lengths[t]!;
  }
  if (at !== text.length) throw corrupt(`the term table's text holds ${text.length} characters, its terms ${at}`, "consistent terms");
  return { terms: Object.freeze(terms), termDocs, postingStart, positionStart };
}

/** A count read from the file, refused when it cannot fit the bytes it describes (or is no number). */
function checked(value: number, bytes: number, what: string): number {
  if (!(value <= bytes)) throw corrupt(`the ${what} (${value}) is impossible in ${bytes} bytes`, "consistent counts");
  return value;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

function corrupt(message: string, expected: string, options?: { cause?: unknown }): CorruptTableError {
  return new CorruptTableError(`full-text index file: ${message}`, FTS_SEGMENT_FILE, expected, "unreadable", options);
}

function assemble(withPositions: boolean, sections: Uint8Array[]): Uint8Array {
  const total = HEADER_BYTES + sections.reduce((sum, s) => sum + s.length, 0) + 4;
  const file = new Uint8Array(total);
  const view = new DataView(file.buffer);
  file.set(MAGIC, 0);
  view.setUint32(4, FTS_FORMAT_VERSION, true);
  view.setUint32(8, withPositions ? FLAG_POSITIONS : 0, true);
  let at = HEADER_BYTES;
  sections.forEach((section, i) => {
    view.setBigUint64(12 + 8 * i, BigInt(section.length), true);
    file.set(section, at);
    at += section.length;
  });
  view.setUint32(at, crc32(file.subarray(0, at)), true);
  return file;
}

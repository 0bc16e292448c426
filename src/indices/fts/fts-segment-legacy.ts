import { type Data, Field, RecordBatch, Schema, Struct, Table, Uint32, Utf8, makeData, tableFromIPC, tableToIPC, vectorFromArray } from "apache-arrow";
import { ByteWriter } from "./byte-io.js";
import { FtsSegment } from "./fts-segment.js";
import { PostingsEncoder } from "./postings-codec.js";

/**
 * Format 1 of a stored full-text index (Quiver before the compact format):
 * four Arrow IPC files, each one record batch of uint32 columns.
 *
 * - `docs.arrow`: `fragment`, `offset`, `length` — one row per indexed document;
 * - `terms.arrow`: `term` (utf8, sorted), `start` — where the term's postings start;
 * - `postings.arrow`: `doc`, `freq` — grouped by term, by document within a term;
 * - `positions.arrow` (only with positions): `position` — grouped by posting.
 *
 * Tables indexed then stay searchable: the files are read and re-encoded in
 * memory into the current form (a few hundred milliseconds per million
 * postings, once per connection); the next createIndex or optimize() writes
 * the current format. Writing format 1 is kept only so tests can make such
 * indexes.
 */
export const LEGACY_FTS_FILES = Object.freeze({
  docs: "docs.arrow",
  terms: "terms.arrow",
  postings: "postings.arrow",
  positions: "positions.arrow",
});

/** Uncompressed arrays of a segment, as format 1 stores them. */
export interface LegacySegmentArrays {
  readonly docFragment: Uint32Array;
  readonly docOffset: Uint32Array;
  readonly docLength: Uint32Array;
  readonly terms: readonly string[];
  /** `terms.length + 1` entries into `postingDoc`/`postingFreq`. */
  readonly termStart: Uint32Array;
  readonly postingDoc: Uint32Array;
  readonly postingFreq: Uint32Array;
  /** Positions grouped by posting (`postingFreq[p]` each), or null. */
  readonly positions: Uint32Array | null;
}

/** True when the files are format 1. */
export function isLegacyFtsSegment(read: (name: string) => Uint8Array | undefined): boolean {
  return read(LEGACY_FTS_FILES.docs) !== undefined;
}

/** Reads format 1; throws a plain Error saying what is inconsistent. */
export function decodeLegacyFtsSegment(read: (name: string) => Uint8Array | undefined): FtsSegment {
  const open = (name: string): Table => {
    const bytes = read(name);
    if (!bytes) throw new Error(`the index file ${name} is missing`);
    // Typed-array views need aligned offsets; a buffer from a pool may not be.
    return tableFromIPC(bytes.byteOffset % 8 === 0 ? bytes : bytes.slice());
  };
  const docs = open(LEGACY_FTS_FILES.docs);
  const termsTable = open(LEGACY_FTS_FILES.terms);
  const postings = open(LEGACY_FTS_FILES.postings);
  const postingDoc = uint32Column(postings, "doc");
  const postingFreq = uint32Column(postings, "freq");
  const terms = termsTable.getChild("term")?.toArray() as string[] | undefined;
  if (!terms) throw new Error(`${LEGACY_FTS_FILES.terms} has no column 'term'`);
  const starts = uint32Column(termsTable, "start");
  const termStart = new Uint32Array(terms.length + 1);
  termStart.set(starts);
  termStart[terms.length] = postingDoc.length;
  let positions: Uint32Array | null = null;
  if (read(LEGACY_FTS_FILES.positions)) {
    positions = uint32Column(open(LEGACY_FTS_FILES.positions), "position");
    let total = 0;
    for (let i = 0; i < postingFreq.length; i++) total += postingFreq[i]!;
    if (total !== positions.length) throw new Error(`${LEGACY_FTS_FILES.positions} holds ${positions.length} positions, the postings count ${total}`);
  }
  const docFragment = uint32Column(docs, "fragment");
  for (let p = 0; p < postingDoc.length; p++) {
    if (postingDoc[p]! >= docFragment.length) throw new Error(`a posting names document ${postingDoc[p]}, the index has ${docFragment.length}`);
  }
  return compactSegment({
    docFragment,
    docOffset: uint32Column(docs, "offset"),
    docLength: uint32Column(docs, "length"),
    terms: Array.from(terms),
    termStart,
    postingDoc,
    postingFreq,
    positions,
  });
}

/** The compact segment holding the same postings as `arrays`. */
export function compactSegment(arrays: LegacySegmentArrays): FtsSegment {
  const { terms, termStart, postingDoc, postingFreq, positions } = arrays;
  const postingBytes = new ByteWriter(postingDoc.length * 2 + 16);
  const positionBytes = positions ? new ByteWriter(positions.length + 16) : null;
  const encoder = new PostingsEncoder(postingBytes, positionBytes);
  const termDocs = new Uint32Array(terms.length);
  const postingStart = new Float64Array(terms.length + 1);
  const positionStart = positions ? new Float64Array(terms.length + 1) : null;
  let at = 0;
  for (let t = 0; t < terms.length; t++) {
    postingStart[t] = postingBytes.length;
    termDocs[t] = termStart[t + 1]! - termStart[t]!;
    encoder.addTerm(postingDoc, postingFreq, termStart[t]!, termStart[t + 1]!);
    if (positions) {
      positionStart![t] = positionBytes!.length;
      encoder.beginPositions();
      for (let p = termStart[t]!; p < termStart[t + 1]!; p++) {
        encoder.addPositions(positions, at, at + postingFreq[p]!);
        at += postingFreq[p]!;
      }
      encoder.endPositions();
    }
  }
  postingStart[terms.length] = postingBytes.length;
  if (positionStart) positionStart[terms.length] = positionBytes!.length;
  return new FtsSegment({
    docFragment: arrays.docFragment,
    docOffset: arrays.docOffset,
    docLength: arrays.docLength,
    terms: Object.freeze([...terms]),
    termDocs,
    postingStart,
    postings: postingBytes.finish(),
    positionStart,
    positions: positionBytes?.finish() ?? null,
  });
}

/** Format 1 files of a segment (tests make old-format indexes with it). */
export function encodeLegacyFtsSegment(arrays: LegacySegmentArrays): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  files.set(LEGACY_FTS_FILES.docs, uint32File({ fragment: arrays.docFragment, offset: arrays.docOffset, length: arrays.docLength }));
  const terms = vectorFromArray(arrays.terms as string[], new Utf8()).data[0]!;
  files.set(LEGACY_FTS_FILES.terms, ipcFile({ term: terms, start: uint32Data(arrays.termStart.subarray(0, arrays.terms.length)) }));
  files.set(LEGACY_FTS_FILES.postings, uint32File({ doc: arrays.postingDoc, freq: arrays.postingFreq }));
  if (arrays.positions) files.set(LEGACY_FTS_FILES.positions, uint32File({ position: arrays.positions }));
  return files;
}

function uint32Data(values: Uint32Array): Data {
  return makeData({ type: new Uint32(), length: values.length, nullCount: 0, data: values });
}

function uint32File(columns: Record<string, Uint32Array>): Uint8Array {
  const data: Record<string, Data> = {};
  for (const [name, values] of Object.entries(columns)) data[name] = uint32Data(values);
  return ipcFile(data);
}

function ipcFile(columns: Record<string, Data>): Uint8Array {
  const fields = Object.entries(columns).map(([name, d]) => new Field(name, d.type, false));
  const children = Object.values(columns);
  const length = children[0]!.length;
  const schema = new Schema(fields);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
  return tableToIPC(new Table([batch]), "file");
}

function uint32Column(table: Table, name: string): Uint32Array {
  const column = table.getChild(name);
  if (!column) throw new Error(`an index file lacks its column '${name}'`);
  const values = column.toArray();
  if (!(values instanceof Uint32Array)) throw new Error(`the index column '${name}' is not uint32`);
  return values;
}

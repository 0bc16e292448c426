import {
  type Data,
  Field,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Uint32,
  Utf8,
  makeData,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from "apache-arrow";
import { FtsSegment } from "./fts-segment.js";

/**
 * The files of a stored full-text index, each an Arrow IPC file holding one
 * record batch, inside the index's folder `_indices/<uuid>/`:
 *
 * - `docs.arrow`: `fragment`, `offset`, `length` (uint32) — one row per indexed document;
 * - `terms.arrow`: `term` (utf8, sorted), `start` (uint32) — where the term's postings start;
 * - `postings.arrow`: `doc`, `freq` (uint32) — grouped by term, by document within a term;
 * - `positions.arrow` (only with positions): `position` (uint32) — grouped by posting.
 */
export const FTS_FILES = Object.freeze({
  docs: "docs.arrow",
  terms: "terms.arrow",
  postings: "postings.arrow",
  positions: "positions.arrow",
});

/** The files of a segment, by file name. */
export function encodeFtsSegment(segment: FtsSegment): Map<string, Uint8Array> {
  const d = segment.data;
  const files = new Map<string, Uint8Array>();
  files.set(FTS_FILES.docs, uint32File({ fragment: d.docFragment, offset: d.docOffset, length: d.docLength }));
  const terms = vectorFromArray(d.terms as string[], new Utf8()).data[0]!;
  files.set(FTS_FILES.terms, ipcFile({ term: terms, start: uint32Data(d.termStart.subarray(0, d.terms.length)) }));
  files.set(FTS_FILES.postings, uint32File({ doc: d.postingDoc, freq: d.postingFreq }));
  if (d.positions) files.set(FTS_FILES.positions, uint32File({ position: d.positions }));
  return files;
}

/** The file names a segment with or without positions is stored in. */
export function ftsFileNames(withPositions: boolean): string[] {
  const names: string[] = [FTS_FILES.docs, FTS_FILES.terms, FTS_FILES.postings];
  if (withPositions) names.push(FTS_FILES.positions);
  return names;
}

/** Rebuilds a segment from its files; throws a plain Error saying what is inconsistent. */
export function decodeFtsSegment(read: (name: string) => Uint8Array | undefined): FtsSegment {
  const open = (name: string): Table => {
    const bytes = read(name);
    if (!bytes) throw new Error(`the index file ${name} is missing`);
    // Typed-array views need aligned offsets; a buffer from a pool may not be.
    return tableFromIPC(bytes.byteOffset % 8 === 0 ? bytes : bytes.slice());
  };
  const docs = open(FTS_FILES.docs);
  const termsTable = open(FTS_FILES.terms);
  const postings = open(FTS_FILES.postings);
  const postingDoc = uint32Column(postings, "doc");
  const postingFreq = uint32Column(postings, "freq");
  const terms = termsTable.getChild("term")?.toArray() as string[] | undefined;
  if (!terms) throw new Error(`${FTS_FILES.terms} has no column 'term'`);
  const starts = uint32Column(termsTable, "start");
  const termStart = new Uint32Array(terms.length + 1);
  termStart.set(starts);
  termStart[terms.length] = postingDoc.length;

  let positions: Uint32Array | null = null;
  let positionStart: Uint32Array | null = null;
  if (read(FTS_FILES.positions)) {
    positions = uint32Column(open(FTS_FILES.positions), "position");
    positionStart = new Uint32Array(postingFreq.length + 1);
    let at = 0;
    for (let i = 0; i < postingFreq.length; i++) {
      positionStart[i] = at;
      at += postingFreq[i]!;
    }
    positionStart[postingFreq.length] = at;
    if (at !== positions.length) throw new Error(`${FTS_FILES.positions} holds ${positions.length} positions, the postings count ${at}`);
  }
  return new FtsSegment({
    docFragment: uint32Column(docs, "fragment"),
    docOffset: uint32Column(docs, "offset"),
    docLength: uint32Column(docs, "length"),
    terms: Object.freeze(Array.from(terms)),
    termStart,
    postingDoc,
    postingFreq,
    positionStart,
    positions,
  });
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

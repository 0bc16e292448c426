import { Schema, Table, tableFromIPC, tableToIPC } from "apache-arrow";
import type { VectorRange } from "./fragment-file.js";
import type { IndexKind } from "../indices/index-config.js";

/**
 * A manifest describes one committed version of a table completely: schema,
 * fragments and their deletion files. Manifests are immutable; version n lives at
 * `_versions/<n>.manifest.json` and the highest n is the latest.
 */
export interface Manifest {
  readonly version: number;
  /** Commit time, milliseconds since the epoch. */
  readonly timestamp: number;
  readonly schema: Schema;
  readonly fragments: readonly FragmentEntry[];
  /** The id the next new fragment gets; ids are never reused within a table. */
  readonly nextFragmentId: number;
  /** What produced this version (for listVersions and debugging), e.g. {operation: "append"}. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The indexes of this version (manifests written before indexes existed read as none). */
  readonly indices: readonly IndexEntry[];
}

/**
 * One built index as a version sees it. Its files never change; an index that
 * is rebuilt gets a new uuid. Fragments added after the build are not in
 * `fragmentIds`: queries search them directly, so results stay complete.
 */
export interface IndexEntry {
  /** The index's folder is `_indices/<uuid>/`. */
  readonly uuid: string;
  /** Unique within the table; LanceDB's default is `<column>_idx`. */
  readonly name: string;
  /** The kind of index, LanceDB's name for it: "fts" (full-text, BM25), "hnswSq", "btree", ... */
  readonly kind: IndexKind;
  /** The indexed column. */
  readonly column: string;
  /** The kind's parameters as stored (for "fts", LanceDB's snake_case tokenizer options). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The fragments whose rows the index holds (as they were when it was built). */
  readonly fragmentIds: readonly number[];
  /** The index's files, relative to the table folder. */
  readonly files: readonly string[];
  /** Build time, milliseconds since the epoch. */
  readonly createdAt: number;
}

export interface FragmentEntry {
  readonly id: number;
  /** Path of the Arrow IPC file, relative to the table folder. */
  readonly file: string;
  /** Rows physically in the file. */
  readonly rows: number;
  /** The deletion file that applies as of this version, if any rows were deleted. */
  readonly deletion?: DeletionEntry;
  /** Byte ranges of vector values inside the file, read into buffers of their own (absent: read the file whole). */
  readonly vectors?: readonly VectorRange[];
}

export interface DeletionEntry {
  readonly file: string;
  /** How many rows the deletion file removes. */
  readonly rows: number;
}

/** The format tag written into every manifest; a reader refuses formats it does not know. */
export const MANIFEST_FORMAT = "quiver-manifest/1";

interface ManifestJson {
  format: string;
  version: number;
  timestamp: number;
  /** The Arrow schema (with its metadata) as a base64 Arrow IPC stream holding no rows. */
  schema: string;
  fragments: FragmentEntry[];
  nextFragmentId: number;
  metadata: Record<string, string>;
  indices?: IndexEntry[];
}

export function encodeManifest(manifest: Manifest): Uint8Array {
  const json: ManifestJson = {
    format: MANIFEST_FORMAT,
    version: manifest.version,
    timestamp: manifest.timestamp,
    schema: Buffer.from(tableToIPC(new Table(manifest.schema), "stream")).toString("base64"),
    fragments: manifest.fragments.map((f) => ({ ...f })),
    nextFragmentId: manifest.nextFragmentId,
    metadata: { ...manifest.metadata },
    ...(manifest.indices.length > 0 ? { indices: manifest.indices.map((i) => ({ ...i })) } : {}),
  };
  return new TextEncoder().encode(JSON.stringify(json, null, 1));
}

/** Parses a manifest; throws a plain Error describing what is wrong (the caller adds the file and table). */
export function decodeManifest(bytes: Uint8Array): Manifest {
  const json = JSON.parse(new TextDecoder().decode(bytes)) as Partial<ManifestJson>;
  if (json.format !== MANIFEST_FORMAT) {
    throw new Error(`unknown manifest format ${JSON.stringify(json.format)} (this Quiver reads ${MANIFEST_FORMAT})`);
  }
  if (typeof json.version !== "number" || !Array.isArray(json.fragments) || typeof json.schema !== "string") {
    throw new Error("manifest lacks version, fragments or schema");
  }
  const schema = tableFromIPC(Buffer.from(json.schema, "base64")).schema;
  return Object.freeze({
    version: json.version,
    timestamp: json.timestamp ?? 0,
    schema,
    fragments: Object.freeze(json.fragments.map((f) => Object.freeze({ ...f }))),
    nextFragmentId: json.nextFragmentId ?? json.fragments.reduce((max, f) => Math.max(max, f.id + 1), 0),
    metadata: Object.freeze({ ...(json.metadata ?? {}) }),
    indices: Object.freeze((json.indices ?? []).map(freezeIndexEntry)),
  });
}

function freezeIndexEntry(entry: IndexEntry): IndexEntry {
  return Object.freeze({
    ...entry,
    parameters: Object.freeze({ ...entry.parameters }),
    fragmentIds: Object.freeze([...entry.fragmentIds]),
    files: Object.freeze([...entry.files]),
  });
}

/** `_versions/<n>.manifest.json` */
export function manifestPath(version: number): string {
  return `_versions/${version}.manifest.json`;
}

/** The version number in a manifest file name, or undefined for other names (temp files). */
export function parseManifestName(name: string): number | undefined {
  const match = /^(\d+)\.manifest\.json$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** Live rows of a manifest: physical rows minus deleted ones. */
export function countLiveRows(manifest: Manifest): number {
  let rows = 0;
  for (const f of manifest.fragments) rows += f.rows - (f.deletion?.rows ?? 0);
  return rows;
}

import { createHash } from "node:crypto";
import type { RecordBatch } from "apache-arrow";
import { CommitConflictError, CorruptTableError, TableNotFoundError } from "../errors.js";
import { decodeDeletionFile } from "./deletion-file.js";
import { FragmentCache } from "./fragment-cache.js";
import { decodeFragmentFile } from "./fragment-file.js";
import {
  decodeManifest,
  encodeManifest,
  manifestPath,
  parseManifestName,
  type FragmentEntry,
  type IndexEntry,
  type Manifest,
} from "./manifest.js";
import { isObjectNotFound, type ByteRange, type ObjectStore } from "./object-store.js";
import type { FragmentSnapshot, TableSnapshot } from "./table-snapshot.js";

/**
 * A manifest about to be committed: everything but the version number and time, which the commit assigns.
 * Without `indices`, the base version's indexes carry over (minus those whose column the new schema lacks).
 */
export type ManifestDraft = Omit<Manifest, "version" | "timestamp" | "indices"> & { readonly indices?: readonly IndexEntry[] };

/** What one attempt of a commit produces from the version it builds on. */
export interface CommitAttempt {
  readonly draft: ManifestDraft;
  /** Files this attempt wrote that depend on the base version; removed if the attempt loses the race. */
  readonly attemptFiles?: readonly string[];
}

/** The base's indexes whose column the draft's schema still has. */
function carriedIndices(base: Manifest | undefined, draft: ManifestDraft): readonly IndexEntry[] {
  if (!base) return [];
  const columns = new Set(draft.schema.fields.map((f) => f.name));
  return base.indices.filter((index) => columns.has(index.column));
}

/** Builds the next manifest from the latest committed one (undefined when the table has none yet). */
export type BuildCommit = (base: Manifest | undefined) => Promise<CommitAttempt>;

export interface CommitOptions {
  /** How many times to rebuild on a lost race before failing. */
  readonly maxAttempts?: number;
}

const DEFAULT_MAX_ATTEMPTS = 64;

/**
 * One table's folder in an object store: finds the latest version, reads
 * manifests and fragments (through a shared cache) and commits new versions with
 * optimistic concurrency: build the next manifest from the latest, create it
 * exclusively, and on a lost race rebuild from the new latest and try again.
 */
export class TableStorage {
  private readonly manifests = new Map<number, Manifest>();
  private readonly schemaKeys = new WeakMap<object, string>();
  private readonly snapshots = new WeakMap<Manifest, TableSnapshot>();
  private knownLatest: number | undefined;

  constructor(
    readonly store: ObjectStore,
    readonly tableName: string,
    /** The table's folder inside the store, e.g. `docs.quiver`. */
    readonly dir: string,
    private readonly cache: FragmentCache,
  ) {}

  /** Highest committed version, or undefined when the table has no manifest (never created, or dropped). */
  async latestVersion(): Promise<number | undefined> {
    if (this.knownLatest !== undefined) {
      // Cheap path: probe forward from the last version seen; a vanished folder means a drop.
      let version = this.knownLatest;
      if (!(await this.store.exists(`${this.dir}/${manifestPath(version)}`))) {
        this.knownLatest = undefined;
        return this.latestVersion();
      }
      while (await this.store.exists(`${this.dir}/${manifestPath(version + 1)}`)) version++;
      this.knownLatest = version;
      return version;
    }
    let latest: number | undefined;
    for (const name of await this.store.list(`${this.dir}/_versions`)) {
      const version = parseManifestName(name);
      if (version !== undefined && (latest === undefined || version > latest)) latest = version;
    }
    this.knownLatest = latest;
    return latest;
  }

  /** All committed versions, oldest first. */
  async listVersions(): Promise<number[]> {
    const versions: number[] = [];
    for (const name of await this.store.list(`${this.dir}/_versions`)) {
      const version = parseManifestName(name);
      if (version !== undefined) versions.push(version);
    }
    return versions.sort((a, b) => a - b);
  }

  /** The manifest of `version`; TableNotFoundError if the table is gone, undefined if only that version is missing. */
  async readManifest(version: number): Promise<Manifest | undefined> {
    const cached = this.manifests.get(version);
    if (cached) return cached;
    const path = `${this.dir}/${manifestPath(version)}`;
    let bytes: Uint8Array;
    try {
      bytes = await this.store.read(path);
    } catch (error) {
      if (isObjectNotFound(error)) return undefined;
      throw error;
    }
    let manifest: Manifest;
    try {
      manifest = decodeManifest(bytes);
    } catch (error) {
      throw new CorruptTableError(
        `Table '${this.tableName}' has an unreadable manifest ${path}: ${(error as Error).message}. ` +
          `Check out an earlier version with table.checkout(version - 1), or restore the file from a backup.`,
        path,
        "a Quiver manifest",
        "unreadable bytes",
        { cause: error },
      );
    }
    this.manifests.set(version, manifest);
    return manifest;
  }

  /** The latest manifest; TableNotFoundError if the table has none. */
  async readLatest(): Promise<Manifest> {
    const version = await this.latestVersion();
    const manifest = version === undefined ? undefined : await this.readManifest(version);
    if (!manifest) throw new TableNotFoundError(this.tableName);
    return manifest;
  }

  /**
   * Commits the manifest that `build` makes from the latest version. On a lost
   * race, `build` runs again on the new latest, so an append always lands and a
   * delete or update applies to the rows as they are then.
   */
  async commit(build: BuildCommit, options: CommitOptions = {}): Promise<Manifest> {
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      const latest = await this.latestVersion();
      const base = latest === undefined ? undefined : await this.readManifest(latest);
      const { draft, attemptFiles = [] } = await build(base);
      const manifest: Manifest = Object.freeze({
        ...draft,
        indices: draft.indices ?? carriedIndices(base, draft),
        version: (base?.version ?? 0) + 1,
        timestamp: Date.now(),
      });
      let won: boolean;
      try {
        won = await this.store.putIfAbsent(`${this.dir}/${manifestPath(manifest.version)}`, encodeManifest(manifest));
      } catch (error) {
        await this.removeFiles(attemptFiles);
        if (isObjectNotFound(error)) throw new TableNotFoundError(this.tableName, "it was dropped", { cause: error });
        throw error;
      }
      if (won) {
        this.manifests.set(manifest.version, manifest);
        this.knownLatest = manifest.version;
        return manifest;
      }
      await this.removeFiles(attemptFiles);
      if (attempt >= maxAttempts) {
        throw new CommitConflictError(
          `Committing to table '${this.tableName}' failed: other writers committed first ${attempt} times in a row. ` +
            `Retry the operation, or reduce the number of concurrent writers.`,
          this.tableName,
        );
      }
      // Back off a little, with jitter, so that racing writers spread out instead of colliding again.
      const delay = Math.min(50, 1 + attempt * 2) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** The base of a commit that needs an existing table: TableNotFoundError when the table was dropped meanwhile. */
  requireBase(base: Manifest | undefined): Manifest {
    if (!base) throw new TableNotFoundError(this.tableName, "it was dropped");
    return base;
  }

  /** Removes files of this table, ignoring missing ones. Paths are table-relative. */
  async removeFiles(files: readonly string[]): Promise<void> {
    await Promise.all(files.map((file) => this.store.remove(`${this.dir}/${file}`)));
  }

  /**
   * A read-only view of `manifest` for the query engine. Kept per manifest
   * object (both are immutable): every query takes a snapshot, and building
   * one allocates two closures per fragment.
   */
  snapshot(manifest: Manifest): TableSnapshot {
    let snapshot = this.snapshots.get(manifest);
    if (snapshot === undefined) {
      snapshot = this.createSnapshot(manifest);
      this.snapshots.set(manifest, snapshot);
    }
    return snapshot;
  }

  private createSnapshot(manifest: Manifest): TableSnapshot {
    const schemaKey = this.schemaKey(manifest);
    const prefix = `${this.store.location}/${this.dir}/`;
    const fragments: FragmentSnapshot[] = manifest.fragments.map((entry) => {
      // Cache keys are built once per snapshot: a query that re-ranks candidates touches dozens of
      // fragments, and a fresh key string per lookup must be built and hashed again each time.
      const key = `${prefix}${entry.file}#${schemaKey}`;
      const deletion = entry.deletion;
      const deletionKey = deletion ? prefix + deletion.file : "";
      return {
        id: entry.id,
        file: entry.file,
        physicalRows: entry.rows,
        deletedRows: deletion?.rows ?? 0,
        load: () => this.loadFragment(entry, manifest, key),
        deletionMask: () => (deletion ? this.loadDeletionMask(deletion.file, deletionKey, entry.rows) : Promise.resolve(null)),
        cached: () => {
          const batch = this.cache.get<RecordBatch>(key);
          if (batch === undefined) return undefined;
          if (!deletion) return { batch, deleted: null };
          const deleted = this.cache.get<Uint8Array>(deletionKey);
          return deleted === undefined ? undefined : { batch, deleted };
        },
      };
    });
    return Object.freeze({
      tableName: this.tableName,
      version: manifest.version,
      schema: manifest.schema,
      fragments: Object.freeze(fragments),
      indices: manifest.indices,
      readFile: async (path: string) => (await this.readTableFile(path)).whole,
      localFile: (path: string) => this.store.localPath?.(`${this.dir}/${path}`),
      cached: <T>(key: string, compute: () => Promise<{ value: T; bytes: number }>) => this.cachedValue(key, compute),
    });
  }

  /** A value derived from immutable files of this table, kept in the connection's cache under `key`. */
  private async cachedValue<T>(key: string, compute: () => Promise<{ value: T; bytes: number }>): Promise<T> {
    const full = `${this.store.location}/${this.dir}/${key}`;
    const hit = this.cache.get<T>(full);
    if (hit !== undefined) return hit;
    const { value, bytes } = await compute();
    this.cache.set(full, value, bytes);
    return value;
  }

  private schemaKey(manifest: Manifest): string {
    let key = this.schemaKeys.get(manifest.schema);
    if (key === undefined) {
      // Fragments decoded for one schema can be shared by every version with an identical schema.
      key = createHash("sha1").update(encodeManifest({ ...manifest, fragments: [], metadata: {}, indices: [] })).digest("hex");
      this.schemaKeys.set(manifest.schema, key);
    }
    return key;
  }

  /** `key`: the file and the schema it is decoded for, in the connection's cache. */
  private async loadFragment(entry: FragmentEntry, manifest: Manifest, key: string): Promise<RecordBatch> {
    const { file } = entry;
    const cached = this.cache.get<RecordBatch>(key);
    if (cached) return cached;
    const vectors = (entry.vectors ?? []).filter((v) => manifest.schema.fields.some((f) => f.name === v.column));
    const { whole: bytes, ranges } = await this.readTableFile(file, vectors);
    let batch: RecordBatch;
    try {
      batch = decodeFragmentFile(bytes, manifest.schema, file, new Map(vectors.map((v, i) => [v.column, ranges[i]!])));
    } catch (error) {
      throw new CorruptTableError(
        `Table '${this.tableName}' version ${manifest.version}: fragment file ${file} is unreadable: ${(error as Error).message}.`,
        file,
        "an Arrow IPC file",
        "unreadable bytes",
        { cause: error },
      );
    }
    this.cache.set(key, batch, bytes.byteLength);
    return batch;
  }

  private async loadDeletionMask(file: string, key: string, rows: number): Promise<Uint8Array> {
    const cached = this.cache.get<Uint8Array>(key);
    if (cached) return cached;
    const mask = decodeDeletionFile((await this.readTableFile(file)).whole, rows);
    this.cache.set(key, mask, mask.byteLength);
    return mask;
  }

  private async readTableFile(file: string, separate: readonly ByteRange[] = []): Promise<{ whole: Uint8Array; ranges: Uint8Array[] }> {
    try {
      const path = `${this.dir}/${file}`;
      return separate.length > 0 ? await this.store.readSplit(path, separate) : { whole: await this.store.read(path), ranges: [] };
    } catch (error) {
      if (isObjectNotFound(error)) {
        if ((await this.latestVersion()) === undefined) {
          throw new TableNotFoundError(this.tableName, "it was dropped", { cause: error });
        }
        throw new CorruptTableError(
          `Table '${this.tableName}' is missing its file ${file}, which its manifest lists. ` +
            `It may have been removed by hand or by a cleanup of versions this handle still reads; ` +
            `call table.checkoutLatest() and retry.`,
          file,
          "the file to exist",
          "missing",
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Forgets one version's cached manifest (after cleanup removed it). */
  forgetVersion(version: number): void {
    this.manifests.delete(version);
  }

  /** Forgets cached versions (after the table was dropped or replaced by another of the same name). */
  reset(): void {
    this.manifests.clear();
    this.knownLatest = undefined;
    this.cache.evictPrefix(`${this.store.location}/${this.dir}/`);
  }
}

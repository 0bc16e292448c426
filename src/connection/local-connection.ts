import { randomUUID } from "node:crypto";
import type { Schema } from "apache-arrow";
import { adoptSchema, type IngestData, type SchemaLike } from "../arrow/index.js";
import { ConnectionClosedError, InvalidArgumentError, NotSupportedError, TableExistsError, TableNotFoundError } from "../errors.js";
import { DELETIONS_DIR } from "../storage/deletion-file.js";
import type { FragmentCache } from "../storage/fragment-cache.js";
import { DATA_DIR } from "../storage/fragment-file.js";
import { parseManifestName } from "../storage/manifest.js";
import type { ObjectStore } from "../storage/object-store.js";
import { TableStorage } from "../storage/table-storage.js";
import { LocalTable } from "../table/local-table.js";
import type { Table } from "../table/table.js";
import { createTableRows } from "../table/create-table-rows.js";
import { tableEmbeddingCache } from "../table/embedding-cache-dir.js";
import { appendRows } from "../table/write/append-rows.js";
import { progressReporter } from "../table/write-progress.js";
import { Connection, type CreateTableOptions, type OpenTableOptions, type TableNamesOptions } from "./connection.js";
import { checkTableName, tableDirName, tableNameOfDir } from "./table-name.js";

/** A database in a local folder or in memory: one sub-folder per table. */
export class LocalConnection extends Connection {
  #open = true;

  /** @internal */
  constructor(
    private readonly store: ObjectStore,
    private readonly cache: FragmentCache,
  ) {
    super();
  }

  isOpen(): boolean {
    return this.#open;
  }

  close(): void {
    this.#open = false;
  }

  display(): string {
    return `LocalConnection(${this.store.location})`;
  }

  override toString(): string {
    return this.display();
  }

  async tableNames(
    namespaceOrOptions?: string[] | Partial<TableNamesOptions>,
    maybeOptions?: Partial<TableNamesOptions>,
  ): Promise<string[]> {
    this.checkOpen();
    const options = Array.isArray(namespaceOrOptions) ? maybeOptions : namespaceOrOptions;
    if (Array.isArray(namespaceOrOptions)) checkNamespace(namespaceOrOptions);
    const { startAfter, limit } = options ?? {};
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
      throw new InvalidArgumentError(`tableNames: limit must be a non-negative integer, got ${String(limit)}.`, "limit");
    }
    const names: string[] = [];
    for (const entry of await this.store.list("")) {
      const name = tableNameOfDir(entry);
      if (name === undefined || (startAfter !== undefined && name <= startAfter)) continue;
      // Only a committed first version makes a table: a crash during createTable leaves no name behind.
      const versions = await this.store.list(`${entry}/_versions`);
      if (versions.some((v) => parseManifestName(v) !== undefined)) names.push(name);
    }
    names.sort();
    return limit === undefined ? names : names.slice(0, limit);
  }

  async openTable(name: string, namespacePath?: string[], options?: Partial<OpenTableOptions>): Promise<Table> {
    this.checkOpen();
    checkNamespace(namespacePath);
    const storage = this.storageFor(checkTableName(name));
    if ((await storage.latestVersion()) === undefined) throw new TableNotFoundError(name);
    const table = new LocalTable(storage);
    if (options?.version !== undefined) await table.checkout(options.version);
    return table;
  }

  async createTable(
    nameOrOptions: string | ({ name: string; data: IngestData } & Partial<CreateTableOptions>),
    data?: IngestData,
    options?: Partial<CreateTableOptions>,
  ): Promise<Table> {
    this.checkOpen();
    if (typeof nameOrOptions === "object" && nameOrOptions !== null) {
      const { name, data: rows, ...rest } = nameOrOptions;
      return this.create(name, rows, rest);
    }
    return this.create(nameOrOptions, data, options ?? {});
  }

  async createEmptyTable(name: string, schema: SchemaLike | Schema, options?: Partial<CreateTableOptions>): Promise<Table> {
    this.checkOpen();
    if (schema === undefined || schema === null) {
      throw new InvalidArgumentError(`createEmptyTable("${name}") needs a schema, e.g. new Schema([new Field("id", new Int32())]).`, "schema");
    }
    return this.create(name, [], { ...options, schema });
  }

  async dropTable(name: string, namespacePath?: string[]): Promise<void> {
    this.checkOpen();
    checkNamespace(namespacePath);
    const dir = tableDirName(checkTableName(name));
    const storage = this.storageFor(name);
    if ((await storage.latestVersion()) === undefined) throw new TableNotFoundError(name);
    // Renaming first makes the drop atomic: the name disappears in one step, then the files go.
    const tombstone = `.dropped-${randomUUID()}-${dir}`;
    await this.store.renameDir(dir, tombstone);
    storage.reset();
    await this.store.removeDir(tombstone);
  }

  async dropAllTables(namespacePath?: string[]): Promise<void> {
    this.checkOpen();
    checkNamespace(namespacePath);
    for (const name of await this.tableNames()) await this.dropTable(name);
  }

  private async create(name: string, data: IngestData | undefined, options: Partial<CreateTableOptions>): Promise<Table> {
    checkTableName(name);
    const mode = options.mode ?? "create";
    if (mode !== "create" && mode !== "overwrite") {
      throw new InvalidArgumentError(
        `createTable("${name}"): mode must be "create" or "overwrite", got ${JSON.stringify(mode)}.`,
        "mode",
      );
    }
    if (data === undefined || data === null) {
      throw new InvalidArgumentError(
        `createTable("${name}") needs data (rows, an Arrow table or record batches); use createEmptyTable(name, schema) for a table with no rows.`,
        "data",
      );
    }
    const storage = this.storageFor(name);
    const existing = await storage.latestVersion();
    if (existing !== undefined && mode === "create") {
      if (options.existOk) return new LocalTable(storage);
      throw new TableExistsError(name);
    }
    const schema = options.schema === undefined ? undefined : adoptSchema(options.schema);
    const context = { table: name, operation: "createTable", defaultCache: tableEmbeddingCache(storage) };
    const table = await createTableRows(data, schema, options.embeddingFunction, context, options);
    await this.store.makeDir(`${storage.dir}/_versions`);
    await this.store.makeDir(`${storage.dir}/${DATA_DIR}`);
    await this.store.makeDir(`${storage.dir}/${DELETIONS_DIR}`);
    try {
      const progress = progressReporter(options, table.numRows);
      await appendRows(storage, table.schema, table.batches, {
        mode: "overwrite",
        mustNotExist: mode === "create" ? () => new TableExistsError(name) : undefined,
        onFileWritten: (file) => progress.written(file.rows),
      });
      progress.done();
    } catch (error) {
      if (error instanceof TableExistsError && options.existOk) return new LocalTable(storage);
      throw error;
    }
    return new LocalTable(storage);
  }

  private storageFor(name: string): TableStorage {
    return new TableStorage(this.store, name, tableDirName(name), this.cache);
  }

  private checkOpen(): void {
    if (!this.#open) throw new ConnectionClosedError(`Connection to ${this.store.location}`);
  }
}

function checkNamespace(namespacePath: string[] | undefined): void {
  if (namespacePath !== undefined && namespacePath.length > 0) {
    throw new NotSupportedError(
      `Namespaces (${namespacePath.join("/")}) are not supported by local connections; keep tables at the root.`,
    );
  }
}

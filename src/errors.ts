/**
 * Quiver's typed errors. Every error a public entry point throws is a
 * {@link QuiverError}: it has a stable `code` to match on, fields that carry the
 * context (table, column, expected, actual), and a message that says what failed,
 * where, expected vs actual, and the fix. Underlying errors travel as `cause`.
 *
 * @module
 */

const QUIVER_ERROR_BRAND = Symbol.for("quiverdb.error");

/** Stable codes, one per error class. Match on these rather than on messages. */
export type QuiverErrorCode =
  | "QUIVER_ERROR"
  | "TABLE_NOT_FOUND"
  | "TABLE_EXISTS"
  | "SCHEMA_MISMATCH"
  | "INVALID_ARGUMENT"
  | "FILTER_SYNTAX"
  | "COLUMN_NOT_FOUND"
  | "COMMIT_CONFLICT"
  | "CORRUPT_TABLE"
  | "VERSION_NOT_FOUND"
  | "READ_ONLY_VERSION"
  | "CONNECTION_CLOSED"
  | "NOT_SUPPORTED";

export interface QuiverErrorOptions {
  cause?: unknown;
}

/** Base class of every error Quiver throws. */
export class QuiverError extends Error {
  readonly code: QuiverErrorCode;

  constructor(message: string, options?: QuiverErrorOptions & { code?: QuiverErrorCode }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options?.code ?? "QUIVER_ERROR";
  }

  /** True for errors made by any installed copy of quiverdb (works where `instanceof` does not). */
  static isQuiverError(value: unknown): value is QuiverError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[QUIVER_ERROR_BRAND] === true;
  }
}
Object.defineProperty(QuiverError.prototype, QUIVER_ERROR_BRAND, { value: true });

/** The named table does not exist (or was dropped while a handle was open). */
export class TableNotFoundError extends QuiverError {
  constructor(
    readonly table: string,
    detail?: string,
    options?: QuiverErrorOptions,
  ) {
    super(
      `Table '${table}' was not found${detail ? `: ${detail}` : ""}. ` +
        `Check the name with connection.tableNames(), or create it with connection.createTable("${table}", data).`,
      { ...options, code: "TABLE_NOT_FOUND" },
    );
  }
}

/** `createTable` in "create" mode for a name that is taken. */
export class TableExistsError extends QuiverError {
  constructor(readonly table: string) {
    super(
      `Table '${table}' already exists. ` +
        `Open it with connection.openTable("${table}"), or pass {mode: "overwrite"} or {existOk: true} to createTable.`,
      { code: "TABLE_EXISTS" },
    );
  }
}

/** Data whose shape or types do not fit the table's schema. */
export class SchemaMismatchError extends QuiverError {
  constructor(
    message: string,
    readonly context: { table?: string; column?: string; row?: number; expected?: string; actual?: string },
    options?: QuiverErrorOptions,
  ) {
    super(message, { ...options, code: "SCHEMA_MISMATCH" });
  }
  get table(): string | undefined {
    return this.context.table;
  }
  get column(): string | undefined {
    return this.context.column;
  }
}

/** An argument of a public call is invalid (wrong type, out of range, malformed name...). */
export class InvalidArgumentError extends QuiverError {
  constructor(
    message: string,
    readonly argument?: string,
    options?: QuiverErrorOptions,
  ) {
    super(message, { ...options, code: "INVALID_ARGUMENT" });
  }
}

/** A filter or SQL expression that does not parse. */
export class FilterSyntaxError extends QuiverError {
  constructor(
    message: string,
    readonly filter: string,
    readonly position: number,
    readonly token: string,
  ) {
    super(message, { code: "FILTER_SYNTAX" });
  }
}

/** A filter, projection or operation names a column the table does not have. */
export class ColumnNotFoundError extends QuiverError {
  constructor(
    readonly column: string,
    readonly available: readonly string[],
    readonly table?: string,
    where?: string,
  ) {
    super(
      `${where ? `${where}: ` : ""}column '${column}' does not exist` +
        `${table ? ` in table '${table}'` : ""}; the columns are ${formatList(available)}. ` +
        `Check the spelling; quote names with special characters or upper case as \`Name\`.`,
      { code: "COLUMN_NOT_FOUND" },
    );
  }
}

/** Another writer changed the same rows first and the operation could not be rebased. */
export class CommitConflictError extends QuiverError {
  constructor(
    message: string,
    readonly table: string,
    options?: QuiverErrorOptions,
  ) {
    super(message, { ...options, code: "COMMIT_CONFLICT" });
  }
}

/** A file of the table is missing or does not hold what the manifest says. */
export class CorruptTableError extends QuiverError {
  constructor(
    message: string,
    readonly file: string,
    readonly expected?: string,
    readonly actual?: string,
    options?: QuiverErrorOptions,
  ) {
    super(message, { ...options, code: "CORRUPT_TABLE" });
  }
}

/** `checkout(version)` of a version that does not exist (or was cleaned up). */
export class VersionNotFoundError extends QuiverError {
  constructor(
    readonly table: string,
    readonly version: number | string,
    readonly latest: number,
  ) {
    super(
      `Table '${table} (version: ${version})' was not found: versions run from 1 to ${latest}, ` +
        `minus any removed by optimize({cleanupOlderThan}). List them with table.listVersions().`,
      { code: "VERSION_NOT_FOUND" },
    );
  }
}

/** A write through a handle checked out at an old version. */
export class ReadOnlyVersionError extends QuiverError {
  constructor(
    readonly table: string,
    readonly version: number,
    readonly operation: string,
  ) {
    super(
      `Cannot ${operation} table '${table}': the handle is checked out at version ${version}, which is read-only. ` +
        `Call table.checkoutLatest() to write to the latest version, or table.restore() to make version ${version} the latest.`,
      { code: "READ_ONLY_VERSION" },
    );
  }
}

/** A call on a closed connection or table handle. */
export class ConnectionClosedError extends QuiverError {
  constructor(readonly what: string) {
    super(`${what} is closed; open a new one with connect(uri) / connection.openTable(name).`, {
      code: "CONNECTION_CLOSED",
    });
  }
}

/** A LanceDB feature Quiver does not offer (yet). */
export class NotSupportedError extends QuiverError {
  constructor(message: string) {
    super(message, { code: "NOT_SUPPORTED" });
  }
}

/** Formats a list of names for a message: 'a', 'b' and 'c'. */
export function formatList(names: readonly string[]): string {
  if (names.length === 0) return "(none)";
  const quoted = names.map((n) => `'${n}'`);
  if (quoted.length === 1) return quoted[0]!;
  return `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

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
  | "NOT_SUPPORTED"
  | "INDEX_NOT_FOUND"
  | "EMBEDDING_FAILED"
  | "SECRET_IN_CONFIG"
  | "EMBEDDING_FUNCTION_NOT_FOUND"
  | "EMBEDDING_REGISTRY"
  | "VARIABLE_NOT_SET"
  | "EMBEDDING_METADATA"
  | "ABORTED";

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

/**
 * A search needs an index that the table does not have — for example a
 * full-text search on a column without a full-text index. The message says
 * which index to create (or, for a text query in auto mode, that an embedding
 * function would do too).
 */
export class IndexNotFoundError extends QuiverError {
  constructor(
    message: string,
    readonly table: string,
    readonly column?: string,
  ) {
    super(message, { code: "INDEX_NOT_FOUND" });
  }
}

/** Formats a list of names for a message: 'a', 'b' and 'c'. */
export function formatList(names: readonly string[]): string {
  if (names.length === 0) return "(none)";
  const quoted = names.map((n) => `'${n}'`);
  if (quoted.length === 1) return quoted[0]!;
  return `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

// ---------------------------------------------------------------------------
// Embedding management (src/embedding)

/** Where and with what an embedding call failed; every field is optional context. */
export interface EmbeddingErrorContext {
  /** Registry name of the embedding function (or its class name when unregistered). */
  provider: string;
  /** The model the function was configured with, when it names one. */
  model?: string | undefined;
  /** HTTP status of the provider's answer, for remote providers. */
  status?: number | undefined;
  /** How many calls were made (1 = no retry). */
  attempts?: number | undefined;
  /** Whether retrying could help (false for 401/403, invalid input and programming errors). */
  retryable?: boolean | undefined;
  /** Milliseconds the provider asked to wait before retrying (`Retry-After`). */
  retryAfterMs?: number | undefined;
  /** The table being written or searched. */
  table?: string | undefined;
  /** The source or vector column being filled. */
  column?: string | undefined;
  /** 0-based row (of the data passed) at fault, when one row is. */
  row?: number | undefined;
  /** What was expected, e.g. "384 values". */
  expected?: string | undefined;
  /** What came back, e.g. "256 values". */
  actual?: string | undefined;
}

/**
 * An embedding function failed or returned something unusable: a provider
 * error (with its HTTP `status`), too many retries, or output of the wrong
 * count, width or with non-finite values. Nothing was written.
 */
export class EmbeddingError extends QuiverError {
  readonly provider: string;
  readonly model: string | undefined;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly row: number | undefined;
  readonly expected: string | undefined;
  readonly actual: string | undefined;

  constructor(message: string, context: EmbeddingErrorContext, options?: QuiverErrorOptions) {
    super(message, { ...options, code: "EMBEDDING_FAILED" });
    this.provider = context.provider;
    this.model = context.model;
    this.status = context.status;
    this.attempts = context.attempts ?? 1;
    this.retryable = context.retryable ?? false;
    this.retryAfterMs = context.retryAfterMs;
    this.table = context.table;
    this.column = context.column;
    this.row = context.row;
    this.expected = context.expected;
    this.actual = context.actual;
  }
}

/**
 * A sensitive option (an API key, a token) was given as a literal value.
 * Embedding configs are stored in the table's schema, so secrets must be
 * passed as `$var:` references. The message never contains the value.
 */
export class SecretInConfigError extends QuiverError {
  constructor(
    readonly key: string,
    readonly provider: string,
  ) {
    const variable = suggestVariableName(key);
    super(
      `The key "${key}" is sensitive and cannot be set directly. Please use the $var: syntax to set it. ` +
        `Embedding function "${provider}" stores its options in the table's schema, so "${key}" must be a variable ` +
        `reference: call getRegistry().setVar("${variable}", <your ${key}>) and pass { ${key}: "$var:${variable}" }.`,
      { code: "SECRET_IN_CONFIG" },
    );
  }
}

/**
 * A table's schema names an embedding function that is not registered in this
 * process (or a function name is unknown to the registry).
 */
export class EmbeddingFunctionNotFoundError extends QuiverError {
  constructor(
    readonly functionName: string,
    readonly available: readonly string[],
    readonly context: { table?: string | undefined; vectorColumn?: string | undefined; operation?: string | undefined } = {},
  ) {
    const user = context.table
      ? `table '${context.table}'${context.vectorColumn ? ` (column "${context.vectorColumn}")` : ""} uses`
      : "the config names";
    const doing = context.operation ? `${context.operation} needs it, but ` : "";
    super(
      `Function "${functionName}" not found in registry: ${user} embedding function "${functionName}"; ${doing}it is not ` +
        `registered in this process (registered: ${formatList(available)}). Import the module that defines it and register it ` +
        `under the same name — register("${functionName}")(MyFunction), or @register("${functionName}") on the class — ` +
        `then write or search by text again. Reading and vector search work without it.`,
      { code: "EMBEDDING_FUNCTION_NOT_FOUND" },
    );
  }
}

/** Misuse of the embedding-function registry: a duplicate name, an unregistered class, a bad variable name. */
export class RegistryError extends QuiverError {
  constructor(message: string, options?: QuiverErrorOptions) {
    super(message, { ...options, code: "EMBEDDING_REGISTRY" });
  }
}

/** A `$var:name` reference without default names a variable that is not set. */
export class VariableNotSetError extends QuiverError {
  constructor(
    readonly variable: string,
    readonly key: string | undefined,
    readonly provider: string | undefined,
  ) {
    const option = key ? ` (option "${key}"${provider ? ` of embedding function "${provider}"` : ""})` : "";
    super(
      `Variable "${variable}" not found${option}: "$var:${variable}" has no default and the variable is not set in this process. ` +
        `Call getRegistry().setVar("${variable}", value) before creating the function or opening the table, ` +
        `or give a default as "$var:${variable}:<default>".`,
      { code: "VARIABLE_NOT_SET" },
    );
  }
}

/** The `embedding_functions` schema metadata does not parse or contradicts itself. */
export class EmbeddingMetadataError extends QuiverError {
  constructor(message: string, options?: QuiverErrorOptions) {
    super(message, { ...options, code: "EMBEDDING_METADATA" });
  }
}

/** The operation was cancelled through its `AbortSignal`; nothing was written. The signal's reason is the `cause`. */
export class OperationAbortedError extends QuiverError {
  constructor(
    readonly operation: string,
    options?: QuiverErrorOptions,
  ) {
    super(`${operation} was aborted; nothing was written.`, { ...options, code: "ABORTED" });
  }
}

/** "apiKey" -> "api_key": the variable name suggested in secret messages. */
function suggestVariableName(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[^A-Za-z0-9_]/g, "_").toLowerCase() || "secret";
}

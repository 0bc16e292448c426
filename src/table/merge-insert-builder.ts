import type { IngestData } from "../arrow/index.js";
import { InvalidArgumentError } from "../errors.js";
import type { EmbeddingWriteOptions } from "./prepare-rows.js";
import type { MergeResult } from "./table-types.js";

/** The clauses of a merge insert in their SQL form, as the user gave them. */
export interface MergeClauses {
  readonly on: readonly string[];
  readonly whenMatchedUpdateAll?: { readonly where?: string };
  readonly whenNotMatchedInsertAll: boolean;
  readonly whenNotMatchedBySourceDelete?: { readonly where?: string };
}

/** Options of `execute`: LanceDB's `timeoutMs` (accepted), and how missing vectors are embedded. */
export interface WriteExecutionOptions extends Partial<EmbeddingWriteOptions> {
  timeoutMs?: number;
}

/**
 * Builds an upsert ("merge insert") keyed on one or more columns, as LanceDB's
 * `table.mergeInsert(on)`: choose what happens to matched rows, to new rows and to
 * rows missing from the source, then `execute(data)` commits it all as one version.
 *
 * @example
 * await table.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows);
 */
export class MergeInsertBuilder {
  #clauses: MergeClauses;

  /** @internal */
  constructor(
    on: readonly string[],
    private readonly run: (clauses: MergeClauses, data: IngestData, options: WriteExecutionOptions) => Promise<MergeResult>,
  ) {
    this.#clauses = Object.freeze({ on, whenNotMatchedInsertAll: false });
  }

  /** Replace rows whose key matches a source row (only where `where` holds, over `target.*` and `source.*`). */
  whenMatchedUpdateAll(options?: { where: string }): MergeInsertBuilder {
    checkWhere(options?.where, "whenMatchedUpdateAll");
    this.#clauses = Object.freeze({ ...this.#clauses, whenMatchedUpdateAll: { where: options?.where } });
    return this;
  }

  /** Insert source rows whose key matches no row of the table. */
  whenNotMatchedInsertAll(): MergeInsertBuilder {
    this.#clauses = Object.freeze({ ...this.#clauses, whenNotMatchedInsertAll: true });
    return this;
  }

  /** Delete rows of the table whose key matches no source row (only where `where` holds). */
  whenNotMatchedBySourceDelete(options?: { where: string }): MergeInsertBuilder {
    checkWhere(options?.where, "whenNotMatchedBySourceDelete");
    this.#clauses = Object.freeze({ ...this.#clauses, whenNotMatchedBySourceDelete: { where: options?.where } });
    return this;
  }

  /** Accepted for compatibility: there are no scalar indexes to choose from yet. */
  useIndex(_useIndex: boolean): MergeInsertBuilder {
    return this;
  }

  /** Runs the merge with `data` as the source and commits it as one version. */
  async execute(data: IngestData, options: Partial<WriteExecutionOptions> = {}): Promise<MergeResult> {
    const clauses = this.#clauses;
    if (!clauses.whenMatchedUpdateAll && !clauses.whenNotMatchedInsertAll && !clauses.whenNotMatchedBySourceDelete) {
      throw new InvalidArgumentError(
        `mergeInsert on ${clauses.on.join(", ")} has nothing to do: call whenMatchedUpdateAll(), ` +
          `whenNotMatchedInsertAll() and/or whenNotMatchedBySourceDelete() before execute().`,
        "mergeInsert",
      );
    }
    return this.run(clauses, data, options);
  }
}

function checkWhere(where: unknown, method: string): void {
  if (where !== undefined && (typeof where !== "string" || where.trim() === "")) {
    throw new InvalidArgumentError(`${method}({where}) takes a non-empty SQL condition; got ${JSON.stringify(where)}.`, "where");
  }
}

import type { TableSnapshot } from "../storage/table-snapshot.js";

/**
 * Where a query builder reads from: the table layer hands one to `new Query(source)`.
 * `snapshot()` is called once per execution (each `toArrow`, `toArray`,
 * iteration, `outputSchema`), so a builder kept around sees the table's
 * latest committed version every time it runs, while one execution reads one
 * version from start to end.
 */
export interface QuerySource {
  /** The table's name, for error messages and `explainPlan`. */
  readonly tableName: string;
  /** The version the next execution reads. */
  snapshot(): Promise<TableSnapshot>;
}

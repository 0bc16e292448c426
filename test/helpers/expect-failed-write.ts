import type { QuiverError, QuiverErrorCode } from "../../src/errors.js";
import type { Table } from "../../src/index.js";
import { expectQuiverError } from "./expect-error.js";
import { expectUnchanged } from "./table-state.js";

type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * Runs a write that must fail with `errorClass` / `code` and a message holding
 * every piece of `messageParts`, and checks that the table's row count and
 * version did not move. Returns the error for further checks.
 */
export async function expectFailedWrite<E extends QuiverError>(
  table: Table,
  operation: () => Promise<unknown>,
  errorClass: ErrorClass<E>,
  code: QuiverErrorCode,
  ...messageParts: (string | RegExp)[]
): Promise<E> {
  const error = await expectUnchanged(table, operation);
  return expectQuiverError(() => {
    throw error;
  }, errorClass, code, ...messageParts);
}

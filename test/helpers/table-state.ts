import { expect } from "vitest";
import type { Table } from "../../src/index.js";

/** Row count and version of a table, to prove a failed operation changed nothing. */
export async function tableState(table: Table): Promise<{ rows: number; version: number }> {
  return { rows: await table.countRows(), version: await table.version() };
}

/** Runs `operation`, which must fail, and checks the table's row count and version did not move. */
export async function expectUnchanged(table: Table, operation: () => Promise<unknown>): Promise<unknown> {
  const before = await tableState(table);
  let error: unknown;
  try {
    await operation();
  } catch (caught) {
    error = caught;
  }
  expect(error, "the operation must fail").toBeDefined();
  expect(await tableState(table)).toEqual(before);
  return error;
}

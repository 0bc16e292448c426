import { expect } from "vitest";
import { QuiverError, type QuiverErrorCode } from "../../src/errors.js";

type ErrorClass = abstract new (...args: never[]) => QuiverError;

/**
 * Awaits `promiseOrFn`, which must reject (or throw) with an instance of
 * `errorClass` carrying `code` and a message containing every piece of
 * `messageParts`. Returns the error for further checks.
 */
export async function expectQuiverError<E extends QuiverError>(
  promiseOrFn: Promise<unknown> | (() => unknown),
  errorClass: ErrorClass & (abstract new (...args: never[]) => E),
  code: QuiverErrorCode,
  ...messageParts: (string | RegExp)[]
): Promise<E> {
  let caught: unknown;
  let threw = false;
  try {
    if (typeof promiseOrFn === "function") await promiseOrFn();
    else await promiseOrFn;
  } catch (error) {
    threw = true;
    caught = error;
  }
  expect(threw, "expected the call to fail").toBe(true);
  expect(caught).toBeInstanceOf(errorClass);
  const error = caught as E;
  expect(error.code).toBe(code);
  for (const part of messageParts) {
    if (typeof part === "string") expect(error.message).toContain(part);
    else expect(error.message).toMatch(part);
  }
  return error;
}

import { InvalidArgumentError } from "../errors.js";

/** How an argument is shown in a message: strings quoted, the rest as `String` would. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return "null";
  if (typeof value === "object") return `a ${value.constructor?.name ?? "object"}`;
  return String(value);
}

/** The message for a number argument outside what a method accepts. */
export function integerMessage(call: string, expected: string, actual: unknown, fix: string): string {
  return `${call}: expected ${expected}, got ${describeValue(actual)}. ${fix}`;
}

/**
 * Returns `value` when it is a safe integer ≥ `min`; throws
 * `InvalidArgumentError` naming the method, the argument and the fix otherwise.
 */
export function requireInteger(method: string, argument: string, value: unknown, min: number, fix: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    const expected = min === 0 ? "a non-negative integer" : min === 1 ? "a positive integer" : `an integer ≥ ${min}`;
    throw new InvalidArgumentError(integerMessage(`${method}(${describeValue(value)})`, expected, value, fix), argument);
  }
  return value;
}

/** Returns `value` when it is a non-empty string; throws `InvalidArgumentError` otherwise. */
export function requireNonEmptyString(method: string, argument: string, value: unknown, fix: string): string {
  if (typeof value !== "string" || value.trim().length === 0) {
    throw new InvalidArgumentError(
      `${method}(${describeValue(value)}): expected a non-empty string for ${argument}, got ${describeValue(value)}. ${fix}`,
      argument,
    );
  }
  return value;
}

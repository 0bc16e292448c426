import { describe, expect, test } from "vitest";
import {
  daysFromCivil,
  floorDiv,
  formatDate,
  formatTimestamp,
  nanosToDays,
  parseDateText,
  parseTimestampText,
} from "../../src/filter/temporal.js";

const NS = 1_000_000n;

describe("parseDateText()", () => {
  test("reads YYYY-MM-DD as days since the epoch", () => {
    expect(parseDateText("1970-01-01")).toBe(0);
    expect(parseDateText("2024-03-01")).toBe(Date.UTC(2024, 2, 1) / 86_400_000);
    expect(parseDateText("1969-12-31")).toBe(-1);
    expect(parseDateText("0001-01-01")).toBe(new Date("0001-01-01T00:00:00Z").getTime() / 86_400_000);
  });

  test("checks month lengths and leap years", () => {
    expect(parseDateText("2024-02-29")).toBeDefined();
    expect(parseDateText("2023-02-29")).toBeUndefined();
    expect(parseDateText("1900-02-29")).toBeUndefined();
    expect(parseDateText("2000-02-29")).toBeDefined();
    expect(parseDateText("2024-04-31")).toBeUndefined();
    expect(parseDateText("2024-13-01")).toBeUndefined();
    expect(parseDateText("not a date")).toBeUndefined();
  });
});

describe("parseTimestampText()", () => {
  test("reads date and time with a space or T, to nanoseconds", () => {
    const base = BigInt(Date.UTC(2024, 0, 1, 10, 30, 15)) * NS;
    expect(parseTimestampText("2024-01-01 10:30:15")).toBe(base);
    expect(parseTimestampText("2024-01-01T10:30:15")).toBe(base);
    expect(parseTimestampText("2024-01-01T10:30:15.123456789")).toBe(base + 123_456_789n);
    expect(parseTimestampText("2024-01-01 10:30")).toBe(base - 15_000_000_000n);
    expect(parseTimestampText("2024-01-01")).toBe(BigInt(Date.UTC(2024, 0, 1)) * NS);
  });

  test("applies Z and numeric offsets", () => {
    const utc = BigInt(Date.UTC(2024, 0, 1, 10)) * NS;
    expect(parseTimestampText("2024-01-01T10:00:00Z")).toBe(utc);
    expect(parseTimestampText("2024-01-01T12:00:00+02:00")).toBe(utc);
    expect(parseTimestampText("2024-01-01T05:30:00-0430")).toBe(utc);
  });

  test("refuses impossible times", () => {
    expect(parseTimestampText("2024-01-01 24:00:00")).toBeUndefined();
    expect(parseTimestampText("2024-01-01 10:60")).toBeUndefined();
    expect(parseTimestampText("2024-01-01 10:00:00.1234567890")).toBeUndefined();
  });
});

describe("formatDate() and formatTimestamp()", () => {
  test("print what the parsers read, before and after the epoch", () => {
    for (const text of ["1970-01-01", "1969-12-31", "2024-02-29", "1600-03-01", "9999-12-31"]) {
      expect(formatDate(parseDateText(text)!)).toBe(text);
    }
    for (const text of ["2024-01-01T10:30:15", "1969-12-31T23:59:59.5", "1900-01-01T00:00:00.000000001"]) {
      expect(formatTimestamp(parseTimestampText(text)!)).toBe(text);
    }
  });
});

describe("nanosToDays() and floorDiv()", () => {
  test("round toward minus infinity", () => {
    expect(nanosToDays(-1n)).toBe(-1);
    expect(nanosToDays(0n)).toBe(0);
    expect(nanosToDays(86_400_000_000_000n)).toBe(1);
    expect(floorDiv(-7n, 2n)).toBe(-4n);
    expect(floorDiv(7n, 2n)).toBe(3n);
    expect(floorDiv(-6n, 2n)).toBe(-3n);
  });

  test("daysFromCivil matches Date.UTC", () => {
    for (const [y, m, d] of [[2024, 1, 1], [1970, 1, 1], [1969, 7, 20], [2100, 12, 31]] as const) {
      expect(daysFromCivil(y, m, d)).toBe(Date.UTC(y, m - 1, d) / 86_400_000);
    }
  });
});

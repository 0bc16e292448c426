import {
  Bool,
  DateDay,
  DateMillisecond,
  Dictionary,
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  LargeUtf8,
  makeData,
  makeVector,
  RecordBatch,
  Struct,
  Table,
  tableFromArrays,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint64,
  Uint8,
  Utf8,
  vectorFromArray,
  type DataType,
  type Vector,
} from "apache-arrow";
import { describe, expect, test } from "vitest";
import { ColumnNotFoundError, InvalidArgumentError, NotSupportedError } from "../../src/errors.js";
import { evaluateExpression, evaluatePredicate } from "../../src/filter/evaluate.js";
import { parseExpression, parseFilter } from "../../src/filter/parser.js";
import { expectQuiverError } from "../helpers/expect-error.js";

function batchOf(columns: Record<string, Vector>): RecordBatch {
  const table = new Table(columns);
  expect(table.batches).toHaveLength(1);
  return table.batches[0]!;
}

/** Indices of the rows the filter keeps. */
function rowsWhere(filter: string, batch: RecordBatch): number[] {
  const mask = evaluatePredicate(parseFilter(filter), batch);
  expect(mask).toHaveLength(batch.numRows);
  return [...mask].flatMap((keep, i) => (keep === 1 ? [i] : []));
}

function valuesOf(sql: string, batch: RecordBatch): unknown[] {
  return [...evaluateExpression(parseExpression(sql), batch)];
}

function vectorOfType<T extends DataType>(type: T, values: T["TValue"][] | ArrayLike<unknown>, nullBitmap?: Uint8Array): Vector<T> {
  return makeVector(makeData({ type, length: values.length, data: values as never, nullBitmap } as never)) as Vector<T>;
}

const MS = Date.UTC(2024, 0, 1, 10, 0, 0); // 2024-01-01T10:00:00Z

const products = batchOf({
  id: vectorFromArray([1, 2, 3, 4, 5, 6], new Int32()),
  price: vectorFromArray([10.5, 20, null, 15, 30, 5], new Float64()),
  big: vectorFromArray([1n, 2n ** 60n, null, -(2n ** 62n), 9007199254740993n, 0n], new Int64()),
  name: vectorFromArray(["apple", "Banana", null, "cherry", "ápple", "😀x"], new Utf8()),
  category: vectorFromArray(["c1", "c2", "c1", null, "c3", "c2"], new Dictionary(new Utf8(), new Int32())),
  archived: vectorFromArray([false, true, null, false, true, null], new Bool()),
  camelCase: vectorFromArray([3, 4, 5, 6, 7, 8], new Int32()),
});

describe("evaluatePredicate()", () => {
  describe("numbers", () => {
    test("compares Int32 and Float64 columns with integer and decimal literals", () => {
      expect(rowsWhere("id > 3", products)).toEqual([3, 4, 5]);
      expect(rowsWhere("id >= 3.5", products)).toEqual([3, 4, 5]);
      expect(rowsWhere("id = 2.0", products)).toEqual([1]);
      expect(rowsWhere("id = 2.5", products)).toEqual([]);
      expect(rowsWhere("id != 2.5", products)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(rowsWhere("price < 15", products)).toEqual([0, 5]);
      expect(rowsWhere("price <= 15", products)).toEqual([0, 3, 5]);
      expect(rowsWhere("price <> 20", products)).toEqual([0, 3, 4, 5]);
      expect(rowsWhere("15 >= price", products)).toEqual([0, 3, 5]);
    });

    test("leaves out rows where the column is null, whatever the operator", () => {
      expect(rowsWhere("price != 0", products)).toEqual([0, 1, 3, 4, 5]);
      expect(rowsWhere("NOT (price = 0)", products)).toEqual([0, 1, 3, 4, 5]);
    });

    test("compares Int64 columns exactly beyond 2^53", () => {
      expect(rowsWhere("big = 9007199254740993", products)).toEqual([4]);
      expect(rowsWhere("big = 9007199254740992", products)).toEqual([]);
      expect(rowsWhere("big > 9007199254740992", products)).toEqual([1, 4]);
      expect(rowsWhere("big < 0", products)).toEqual([3]);
      expect(rowsWhere("big > 0.5", products)).toEqual([0, 1, 4]);
      expect(rowsWhere("big <= -0.5", products)).toEqual([3]);
      expect(rowsWhere("big = 1.5", products)).toEqual([]);
      expect(rowsWhere("big != 1.5", products)).toEqual([0, 1, 3, 4, 5]);
      expect(rowsWhere("big < 1e300", products)).toEqual([0, 1, 3, 4, 5]);
      expect(rowsWhere("big > 1e300", products)).toEqual([]);
    });

    test("compares narrow and unsigned integer and float columns", () => {
      const batch = batchOf({
        i8: vectorFromArray([-128, 0, 127], new Int8()),
        u8: vectorFromArray([0, 200, 255], new Uint8()),
        i16: vectorFromArray([-5, 0, 5], new Int16()),
        f32: vectorFromArray([0.5, 1.5, 2.5], new Float32()),
        f16: vectorFromArray([0.5, 1.5, 2.5], new Float16()),
        u64: vectorFromArray([0n, 2n ** 63n + 1n, 5n], new Uint64()),
      });
      expect(rowsWhere("i8 < 0", batch)).toEqual([0]);
      expect(rowsWhere("u8 > 199", batch)).toEqual([1, 2]);
      expect(rowsWhere("i16 BETWEEN -5 AND 0", batch)).toEqual([0, 1]);
      expect(rowsWhere("f32 > 1", batch)).toEqual([1, 2]);
      expect(rowsWhere("f16 = 1.5", batch)).toEqual([1]);
      expect(rowsWhere("u64 > 9223372036854775807", batch)).toEqual([1]);
      expect(rowsWhere("u64 >= -1", batch)).toEqual([0, 1, 2]);
    });

    test("BETWEEN is inclusive and NOT BETWEEN its complement among non-null rows", () => {
      expect(rowsWhere("price BETWEEN 10.5 AND 20", products)).toEqual([0, 1, 3]);
      expect(rowsWhere("price NOT BETWEEN 10.5 AND 20", products)).toEqual([4, 5]);
      expect(rowsWhere("id BETWEEN 1.5 AND 3.5", products)).toEqual([1, 2]);
      expect(rowsWhere("big BETWEEN -1 AND 2", products)).toEqual([0, 5]);
      expect(rowsWhere("big BETWEEN 0.5 AND 1.5", products)).toEqual([0]);
      expect(rowsWhere("id BETWEEN 4 AND 2", products)).toEqual([]);
      expect(rowsWhere("id BETWEEN price AND 20", products)).toEqual([5]);
    });

    test("IN and NOT IN compare with every listed value", () => {
      expect(rowsWhere("id IN (1, 3, 99)", products)).toEqual([0, 2]);
      expect(rowsWhere("id NOT IN (1, 3)", products)).toEqual([1, 3, 4, 5]);
      expect(rowsWhere("id IN (2)", products)).toEqual([1]);
      expect(rowsWhere("id IN (2.5, 3.0)", products)).toEqual([2]);
      expect(rowsWhere("id IN (2.5)", products)).toEqual([]);
      expect(rowsWhere("id NOT IN (2.5)", products)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(rowsWhere("id IN (NULL)", products)).toEqual([]);
      expect(rowsWhere("id IN (-1000000, 1000000, 5)", products)).toEqual([4]);
      expect(rowsWhere("big IN (9007199254740993, 0, 7)", products)).toEqual([4, 5]);
      expect(rowsWhere("price IN (10.5, 30)", products)).toEqual([0, 4]);
      expect(rowsWhere("id IN (camelCase - 2 * id, 6)", products)).toEqual([0, 5]);
    });

    test("evaluates arithmetic with integer division for integers", () => {
      expect(rowsWhere("price * 2 > 30", products)).toEqual([1, 4]);
      expect(rowsWhere("id / 2 = 1", products)).toEqual([1, 2]);
      expect(rowsWhere("id % 2 = 0", products)).toEqual([1, 3, 5]);
      expect(rowsWhere("-id < -4", products)).toEqual([4, 5]);
      expect(rowsWhere("id + price > 30", products)).toEqual([4]);
      expect(rowsWhere("camelCase - id = 2", products)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(rowsWhere("id > 10 * 0.5", products)).toEqual([5]);
    });

    test("matches unquoted names that differ only in case", () => {
      expect(rowsWhere("CAMELCASE = 3", products)).toEqual([0]);
      expect(rowsWhere("ID = 1", products)).toEqual([0]);
    });
  });

  describe("strings", () => {
    test("compares Utf8 columns by UTF-8 bytes, which is code point order", () => {
      expect(rowsWhere("name = 'apple'", products)).toEqual([0]);
      expect(rowsWhere("name != 'apple'", products)).toEqual([1, 3, 4, 5]);
      expect(rowsWhere("name < 'b'", products)).toEqual([0, 1]);
      expect(rowsWhere("name >= 'cherry'", products)).toEqual([3, 4, 5]);
      expect(rowsWhere("name > '\uffff'", products)).toEqual([5]);
      expect(rowsWhere("name = 'ápple'", products)).toEqual([4]);
      expect(rowsWhere("name = ''", products)).toEqual([]);
    });

    test("IN and NOT IN on strings", () => {
      expect(rowsWhere("name IN ('apple', 'cherry', 'nope')", products)).toEqual([0, 3]);
      expect(rowsWhere("name NOT IN ('apple', 'cherry')", products)).toEqual([1, 4, 5]);
    });

    test("LIKE and ILIKE with prefix, suffix, contains and general patterns", () => {
      expect(rowsWhere("name LIKE 'a%'", products)).toEqual([0]);
      expect(rowsWhere("name LIKE '%e'", products)).toEqual([0, 4]);
      expect(rowsWhere("name LIKE '%an%'", products)).toEqual([1]);
      expect(rowsWhere("name LIKE '_pple'", products)).toEqual([0, 4]);
      expect(rowsWhere("name LIKE '_x'", products)).toEqual([5]);
      expect(rowsWhere("name NOT LIKE '%e'", products)).toEqual([1, 3, 5]);
      expect(rowsWhere("name ILIKE 'b%'", products)).toEqual([1]);
      expect(rowsWhere("name LIKE 'B%'", products)).toEqual([1]);
      expect(rowsWhere("name LIKE '%'", products)).toEqual([0, 1, 3, 4, 5]);
      expect(rowsWhere("name LIKE 'apple'", products)).toEqual([0]);
    });

    test("a LIKE pattern taken from a column is compiled per distinct pattern", () => {
      const batch = batchOf({
        s: vectorFromArray(["abc", "abd", "xyz", null], new Utf8()),
        p: vectorFromArray(["a%", "%c", "x_z", "%"], new Utf8()),
      });
      expect(rowsWhere("s LIKE p", batch)).toEqual([0, 2]);
    });

    test("concatenation and string functions", () => {
      expect(rowsWhere("name || '!' = 'apple!'", products)).toEqual([0]);
      expect(rowsWhere("lower(name) = 'banana'", products)).toEqual([1]);
      expect(rowsWhere("upper(name) = 'CHERRY'", products)).toEqual([3]);
      expect(rowsWhere("length(name) = 2", products)).toEqual([5]);
      expect(rowsWhere("char_length(name) = 5", products)).toEqual([0, 4]);
    });

    test("reads LargeUtf8 columns", () => {
      const batch = batchOf({ s: vectorFromArray(["a", "bb", null, "ccc"], new LargeUtf8()) });
      expect(rowsWhere("s = 'bb'", batch)).toEqual([1]);
      expect(rowsWhere("s > 'a'", batch)).toEqual([1, 3]);
      expect(rowsWhere("s IN ('a', 'ccc')", batch)).toEqual([0, 3]);
      expect(rowsWhere("s LIKE 'c%'", batch)).toEqual([3]);
      expect(rowsWhere("s LIKE '_b'", batch)).toEqual([1]);
    });

    test("a double-quoted name that is not a column is a string, as in LanceDB", () => {
      const batch = batchOf({
        meta: vectorFromArray(
          [{ source: "x" }, { source: "y" }],
          new Struct([new Field("source", new Utf8(), true)]),
        ),
      });
      expect(rowsWhere('meta.source = "x"', batch)).toEqual([0]);
    });

    test("a double-quoted name of a column is that column", () => {
      const batch = batchOf({ "Weird Name": vectorFromArray([1, 2], new Int32()) });
      expect(rowsWhere('"Weird Name" = 2', batch)).toEqual([1]);
      expect(rowsWhere("`Weird Name` = 1", batch)).toEqual([0]);
    });
  });

  describe("dictionary-encoded strings", () => {
    test("compare the dictionary once and map the keys, with null keys left out", () => {
      expect(rowsWhere("category = 'c1'", products)).toEqual([0, 2]);
      expect(rowsWhere("category != 'c1'", products)).toEqual([1, 4, 5]);
      expect(rowsWhere("category IN ('c2', 'c3')", products)).toEqual([1, 4, 5]);
      expect(rowsWhere("category NOT IN ('c2')", products)).toEqual([0, 2, 4]);
      expect(rowsWhere("category LIKE '%3'", products)).toEqual([4]);
      expect(rowsWhere("category > 'c1'", products)).toEqual([1, 4, 5]);
      expect(rowsWhere("category IS NULL", products)).toEqual([3]);
      expect(rowsWhere("upper(category) = 'C2'", products)).toEqual([1, 5]);
    });

    test("tableFromArrays strings (dictionary-encoded) filter like plain strings", () => {
      const batch = tableFromArrays({ id: Int32Array.from([1, 2, 3]), tag: ["red", "blue", "red"] }).batches[0]!;
      expect(String(batch.schema.fields[1]!.type)).toContain("Dictionary");
      expect(rowsWhere("tag = 'red' AND id > 1", batch)).toEqual([2]);
    });

    test("a null entry in the dictionary is a null value", () => {
      const dictionary = vectorFromArray(["a", null], new Utf8());
      const type = new Dictionary(new Utf8(), new Int32());
      const data = makeData({ type, length: 3, data: Int32Array.from([0, 1, 0]), dictionary });
      const batch = batchOf({ d: makeVector(data) });
      expect(rowsWhere("d = 'a'", batch)).toEqual([0, 2]);
      expect(rowsWhere("d != 'a'", batch)).toEqual([]);
      expect(rowsWhere("d IS NULL", batch)).toEqual([1]);
    });
  });

  describe("booleans and three-valued logic", () => {
    const a = [true, true, true, false, false, false, null, null, null];
    const b = [true, false, null, true, false, null, true, false, null];
    const logic = batchOf({ a: vectorFromArray(a, new Bool()), b: vectorFromArray(b, new Bool()) });
    const T = true;
    const F = false;
    const N = null;

    test("AND, OR and NOT follow SQL's three-valued truth tables", () => {
      expect(valuesOf("a AND b", logic)).toEqual([T, F, N, F, F, F, N, F, N]);
      expect(valuesOf("a OR b", logic)).toEqual([T, T, T, T, F, N, T, N, N]);
      expect(valuesOf("NOT a", logic)).toEqual([F, F, F, T, T, T, N, N, N]);
      expect(valuesOf("a AND NULL", logic)).toEqual([N, N, N, F, F, F, N, N, N]);
      expect(valuesOf("a OR NULL", logic)).toEqual([T, T, T, N, N, N, N, N, N]);
      expect(valuesOf("NULL AND FALSE", logic)).toEqual(new Array(9).fill(F));
      expect(valuesOf("NULL OR TRUE", logic)).toEqual(new Array(9).fill(T));
      expect(valuesOf("NOT NULL", logic)).toEqual(new Array(9).fill(N));
    });

    test("a filter keeps only the rows where it is TRUE", () => {
      expect(rowsWhere("a AND b", logic)).toEqual([0]);
      expect(rowsWhere("NOT (a AND b)", logic)).toEqual([1, 3, 4, 5, 7]);
      expect(rowsWhere("a OR b", logic)).toEqual([0, 1, 2, 3, 6]);
      expect(rowsWhere("NOT (a OR b)", logic)).toEqual([4]);
    });

    test("IS TRUE / IS FALSE never return NULL", () => {
      expect(valuesOf("a IS TRUE", logic)).toEqual([T, T, T, F, F, F, F, F, F]);
      expect(valuesOf("a IS NOT TRUE", logic)).toEqual([F, F, F, T, T, T, T, T, T]);
      expect(valuesOf("a IS FALSE", logic)).toEqual([F, F, F, T, T, T, F, F, F]);
      expect(valuesOf("(a AND b) IS NOT FALSE", logic)).toEqual([T, F, T, F, F, F, T, F, T]);
    });

    test("comparisons with NULL are NULL, so neither they nor their negation match", () => {
      expect(rowsWhere("id = NULL", products)).toEqual([]);
      expect(rowsWhere("NOT (id = NULL)", products)).toEqual([]);
      expect(rowsWhere("NULL = NULL", products)).toEqual([]);
      expect(valuesOf("a = b", logic)).toEqual([T, F, N, F, T, N, N, N, N]);
    });

    test("IN with a NULL in the list is NULL instead of FALSE on a miss", () => {
      expect(rowsWhere("id IN (1, NULL)", products)).toEqual([0]);
      expect(rowsWhere("id NOT IN (1, NULL)", products)).toEqual([]);
      expect(rowsWhere("name NOT IN ('apple', NULL)", products)).toEqual([]);
      expect(rowsWhere("NOT (id IN (1, NULL))", products)).toEqual([]);
    });

    test("a bool column is a predicate on its own and compares with TRUE / FALSE", () => {
      expect(rowsWhere("archived", products)).toEqual([1, 4]);
      expect(rowsWhere("NOT archived", products)).toEqual([0, 3]);
      expect(rowsWhere("archived = TRUE", products)).toEqual([1, 4]);
      expect(rowsWhere("archived != TRUE", products)).toEqual([0, 3]);
      expect(rowsWhere("archived IS NOT TRUE", products)).toEqual([0, 2, 3, 5]);
      expect(rowsWhere("archived IN (FALSE)", products)).toEqual([0, 3]);
      expect(rowsWhere("price BETWEEN 10 AND 20 AND NOT archived", products)).toEqual([0, 3]);
    });

    test("IS NULL and IS NOT NULL read validity", () => {
      expect(rowsWhere("price IS NULL", products)).toEqual([2]);
      expect(rowsWhere("price IS NOT NULL", products)).toEqual([0, 1, 3, 4, 5]);
      expect(rowsWhere("archived IS NULL", products)).toEqual([2, 5]);
      expect(rowsWhere("price * 2 IS NULL", products)).toEqual([2]);
      expect(rowsWhere("NULL IS NULL", products)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(rowsWhere("1 IS NULL", products)).toEqual([]);
    });

    test("constant filters match every row or none", () => {
      expect(rowsWhere("1 = 1", products)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(rowsWhere("TRUE", products)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(rowsWhere("FALSE OR NULL", products)).toEqual([]);
      expect(rowsWhere("7 / 2 = 3", products)).toEqual([0, 1, 2, 3, 4, 5]);
    });

    test("AND and OR with a constant side keep the other side", () => {
      expect(rowsWhere("TRUE AND id = 2", products)).toEqual([1]);
      expect(rowsWhere("FALSE OR id = 2", products)).toEqual([1]);
      expect(rowsWhere("id = 2 OR TRUE", products)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(rowsWhere("id = 2 AND FALSE", products)).toEqual([]);
    });
  });

  describe("dates and timestamps", () => {
    const sec = BigInt(MS / 1000);
    const timestamps = (type: DataType, perSecond: bigint) =>
      vectorOfType(type, BigInt64Array.from([sec - 86_400n, sec, sec + 1n, sec + 86_400n].map((s) => s * perSecond)));
    const batch = batchOf({
      s: timestamps(new TimestampSecond(), 1n),
      ms: timestamps(new TimestampMillisecond(), 1_000n),
      us: timestamps(new TimestampMicrosecond(), 1_000_000n),
      ns: timestamps(new TimestampNanosecond(), 1_000_000_000n),
      day: vectorOfType(new DateDay(), Int32Array.from([19722, 19723, 19723, 19724])),
      dms: vectorOfType(new DateMillisecond(), BigInt64Array.from([19722n, 19723n, 19723n, 19724n].map((d) => d * 86_400_000n))),
    });

    test.each(["s", "ms", "us", "ns"])("a %s timestamp column compares with timestamp, date and string literals", (column) => {
      expect(rowsWhere(`${column} = TIMESTAMP '2024-01-01 10:00:00'`, batch)).toEqual([1]);
      expect(rowsWhere(`${column} > TIMESTAMP '2024-01-01 10:00:00'`, batch)).toEqual([2, 3]);
      expect(rowsWhere(`${column} >= '2024-01-01T10:00:00Z'`, batch)).toEqual([1, 2, 3]);
      expect(rowsWhere(`${column} < '2024-01-01'`, batch)).toEqual([0]);
      expect(rowsWhere(`${column} > DATE '2024-01-01'`, batch)).toEqual([1, 2, 3]);
      expect(rowsWhere(`${column} BETWEEN '2024-01-01' AND '2024-01-02'`, batch)).toEqual([1, 2]);
      expect(rowsWhere(`${column} IN (TIMESTAMP '2024-01-01 10:00:01', '2023-12-31 10:00:00')`, batch)).toEqual([0, 2]);
    });

    test("a literal finer than the column's unit compares exactly", () => {
      expect(rowsWhere("s > TIMESTAMP '2024-01-01 10:00:00.5'", batch)).toEqual([2, 3]);
      expect(rowsWhere("s >= TIMESTAMP '2024-01-01 10:00:00.5'", batch)).toEqual([2, 3]);
      expect(rowsWhere("s < TIMESTAMP '2024-01-01 10:00:00.5'", batch)).toEqual([0, 1]);
      expect(rowsWhere("s = TIMESTAMP '2024-01-01 10:00:00.5'", batch)).toEqual([]);
      expect(rowsWhere("ms != TIMESTAMP '2024-01-01 10:00:00.000000001'", batch)).toEqual([0, 1, 2, 3]);
      expect(rowsWhere("ms <= TIMESTAMP '2024-01-01 10:00:00.000000001'", batch)).toEqual([0, 1]);
    });

    test.each(["day", "dms"])("a %s date column compares with date, string and timestamp literals", (column) => {
      expect(rowsWhere(`${column} = DATE '2024-01-01'`, batch)).toEqual([1, 2]);
      expect(rowsWhere(`${column} = '2024-01-01'`, batch)).toEqual([1, 2]);
      expect(rowsWhere(`${column} > '2024-01-01'`, batch)).toEqual([3]);
      expect(rowsWhere(`${column} > TIMESTAMP '2024-01-01 00:00:01'`, batch)).toEqual([3]);
      expect(rowsWhere(`${column} >= TIMESTAMP '2024-01-01 00:00:00'`, batch)).toEqual([1, 2, 3]);
      expect(rowsWhere(`${column} BETWEEN '2023-12-31' AND '2024-01-01'`, batch)).toEqual([0, 1, 2]);
      expect(rowsWhere(`${column} IN ('2023-12-31', DATE '2024-01-02')`, batch)).toEqual([0, 3]);
    });

    test("dates and timestamps compare with each other and with CAST", () => {
      expect(rowsWhere("day < ms", batch)).toEqual([0, 1, 2, 3]);
      expect(rowsWhere("CAST(ms AS DATE) = day", batch)).toEqual([0, 1, 2, 3]);
      expect(rowsWhere("CAST(day AS TIMESTAMP) = '2024-01-01'", batch)).toEqual([1, 2]);
    });
  });

  describe("nested struct fields", () => {
    const meta = makeData({
      type: new Struct([new Field("source", new Utf8(), true), new Field("n", new Int32(), true)]),
      length: 4,
      nullBitmap: Uint8Array.from([0b1011]),
      children: [vectorFromArray(["x", "y", "x", "x"], new Utf8()).data[0]!, vectorFromArray([1, 2, 3, null], new Int32()).data[0]!],
    });
    const batch = batchOf({ id: vectorFromArray([1, 2, 3, 4], new Int32()), meta: makeVector(meta) });

    test("compare a field, with a null parent making the field null", () => {
      expect(rowsWhere("meta.source = 'x'", batch)).toEqual([0, 3]);
      expect(rowsWhere("meta.source != 'x'", batch)).toEqual([1]);
      expect(rowsWhere("meta.n > 1", batch)).toEqual([1]);
      expect(rowsWhere("meta.n IS NULL", batch)).toEqual([2, 3]);
      expect(rowsWhere("meta IS NULL", batch)).toEqual([2]);
      expect(rowsWhere("META.Source = 'x' AND id < 4", batch)).toEqual([0]);
    });

    test("reach fields two levels down", () => {
      const inner = new Struct([new Field("x", new Int32(), true)]);
      const outer = new Struct([new Field("inner", inner, true)]);
      const v = vectorFromArray([{ inner: { x: 1 } }, { inner: { x: 2 } }], outer);
      expect(rowsWhere("o.inner.x = 2", batchOf({ o: v }))).toEqual([1]);
    });
  });

  describe("slices and chunks", () => {
    const n = 40;
    const ints = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? null : i));
    const strs = Array.from({ length: n }, (_, i) => (i % 5 === 1 ? null : `s${i % 10}`));
    const bools = Array.from({ length: n }, (_, i) => (i % 6 === 2 ? null : i % 2 === 0));
    const bigs = Array.from({ length: n }, (_, i) => (i % 9 === 4 ? null : BigInt(i) * 10n));
    const full = batchOf({
      i: vectorFromArray(ints, new Int32()),
      s: vectorFromArray(strs, new Utf8()),
      b: vectorFromArray(bools, new Bool()),
      g: vectorFromArray(bigs, new Int64()),
      d: vectorFromArray(strs, new Dictionary(new Utf8(), new Int32())),
    });

    test.each([
      [3, 29],
      [8, 40],
      [13, 14],
      [0, 0],
    ])("a batch sliced at [%i, %i) gives the rows of the whole batch", (begin, end) => {
      const sliced = full.slice(begin, end);
      for (const filter of [
        "i > 10",
        "i IS NULL",
        "s = 's3'",
        "s IN ('s2', 's4')",
        "s LIKE 's_'",
        "s > 's5'",
        "b",
        "NOT b",
        "g BETWEEN 50 AND 250",
        "d = 's6'",
        "i % 3 = 0 OR b IS NULL",
      ]) {
        const expected = rowsWhere(filter, full).filter((r) => r >= begin && r < end).map((r) => r - begin);
        expect(rowsWhere(filter, sliced), filter).toEqual(expected);
      }
    });

    test("a column made of several chunks is read chunk by chunk", () => {
      const table = new Table({ x: vectorFromArray([1, 2, null], new Int32()), s: vectorFromArray(["a", "b", "c"], new Utf8()) }).concat(
        new Table({ x: vectorFromArray([4, null, 6], new Int32()), s: vectorFromArray(["d", "e", "b"], new Utf8()) }),
      );
      // A batch-shaped view whose columns have two chunks each.
      const chunked = {
        schema: table.schema,
        numRows: table.numRows,
        getChildAt: (i: number) => table.getChildAt(i),
      } as unknown as RecordBatch;
      expect(table.getChildAt(0)!.data).toHaveLength(2);
      expect(rowsWhere("x >= 2", chunked)).toEqual([1, 3, 5]);
      expect(rowsWhere("x IS NULL", chunked)).toEqual([2, 4]);
      expect(rowsWhere("s = 'b'", chunked)).toEqual([1, 5]);
      expect(rowsWhere("x * 2 > 5 OR s = 'a'", chunked)).toEqual([0, 3, 5]);
    });
  });

  describe("errors", () => {
    test("a string column compared with a number names the column, its type and the literal", async () => {
      const error = await expectQuiverError(
        () => rowsWhere("name = 3", products),
        InvalidArgumentError,
        "INVALID_ARGUMENT",
        "Error resolving filter expression name = 3",
        "Received literal Int64(3) and could not convert to literal of type 'Utf8'",
        "Column 'name' holds text: quote the literal, as in '3'",
      );
      expect(error.argument).toBe("filter");
    });

    test("a number column compared with a quoted number suggests dropping the quotes", async () => {
      await expectQuiverError(
        () => rowsWhere("price > '10.5'", products),
        InvalidArgumentError,
        "INVALID_ARGUMENT",
        `Received literal Utf8("10.5")`,
        "'Float64'",
        "write the number without quotes, as in 10.5",
      );
    });

    test("a bool column compared with an integer is refused", async () => {
      await expectQuiverError(() => rowsWhere("archived = 1", products), InvalidArgumentError, "INVALID_ARGUMENT", "'Bool'", "TRUE or FALSE");
    });

    test("an IN list item of the wrong type is refused", async () => {
      await expectQuiverError(() => rowsWhere("name IN ('apple', 3)", products), InvalidArgumentError, "INVALID_ARGUMENT", "Int64(3)");
    });

    test("a date column compared with text that is not a date is refused", async () => {
      const batch = batchOf({ d: vectorOfType(new DateDay(), Int32Array.from([1])) });
      await expectQuiverError(() => rowsWhere("d > 'yesterday'", batch), InvalidArgumentError, "INVALID_ARGUMENT", "'Date32<DAY>'", "'YYYY-MM-DD'");
    });

    test("a double-quoted string that was meant as a column says so", async () => {
      await expectQuiverError(
        () => rowsWhere('id = "idd"', products),
        InvalidArgumentError,
        "INVALID_ARGUMENT",
        `"idd" is read as a string because no column has that name`,
      );
      await expectQuiverError(() => rowsWhere('"Weird" = 1', products), InvalidArgumentError, "INVALID_ARGUMENT", "quote column names with backticks, as in `Weird`");
    });

    test("columns of different types are refused", async () => {
      await expectQuiverError(() => rowsWhere("name = id", products), InvalidArgumentError, "INVALID_ARGUMENT", "cannot compare column 'name' (Utf8) with column 'id' (Int32)");
    });

    test("logic, LIKE, arithmetic and functions check their operand types", async () => {
      await expectQuiverError(() => rowsWhere("id AND archived", products), InvalidArgumentError, "INVALID_ARGUMENT", "AND needs a boolean", "column 'id' (Int32)");
      await expectQuiverError(() => rowsWhere("NOT id", products), InvalidArgumentError, "INVALID_ARGUMENT", "NOT needs a boolean");
      await expectQuiverError(() => rowsWhere("id LIKE '1%'", products), InvalidArgumentError, "INVALID_ARGUMENT", "LIKE needs text");
      await expectQuiverError(() => rowsWhere("name + 1 = 2", products), InvalidArgumentError, "INVALID_ARGUMENT", "cannot apply '+'");
      await expectQuiverError(() => rowsWhere("lower(id) = '1'", products), InvalidArgumentError, "INVALID_ARGUMENT", "lower() needs a string");
      await expectQuiverError(() => rowsWhere("abs(name) = 1", products), InvalidArgumentError, "INVALID_ARGUMENT", "abs() needs a number");
      await expectQuiverError(() => rowsWhere("coalesce(name, 1) = 'a'", products), InvalidArgumentError, "INVALID_ARGUMENT", "coalesce() needs arguments of one type");
      await expectQuiverError(() => rowsWhere("archived IS TRUE OR name IS TRUE", products), InvalidArgumentError, "INVALID_ARGUMENT", "IS TRUE needs a boolean");
    });

    test("a filter that is not boolean is refused", async () => {
      await expectQuiverError(() => rowsWhere("price", products), InvalidArgumentError, "INVALID_ARGUMENT", "a filter must be true or false for each row", "column 'price' (Float64)");
    });

    test("an unknown column names the columns that exist", async () => {
      const error = await expectQuiverError(() => rowsWhere("prize > 1", products), ColumnNotFoundError, "COLUMN_NOT_FOUND", "column 'prize' does not exist", "'price'");
      expect(error.available).toContain("camelCase");
    });

    test("integer division by zero fails; float division gives infinity", async () => {
      await expectQuiverError(() => rowsWhere("id / 0 = 1", products), InvalidArgumentError, "INVALID_ARGUMENT", "Divide by zero error");
      await expectQuiverError(() => rowsWhere("id % (id - id) = 1", products), InvalidArgumentError, "INVALID_ARGUMENT", "Divide by zero error (row 0)");
      expect(rowsWhere("price / 0 > 1", products)).toEqual([0, 1, 3, 4, 5]);
      expect(rowsWhere("id / price > 0", products)).toEqual([0, 1, 3, 4, 5]);
    });

    test("a division by zero on a null row is not an error", () => {
      const batch = batchOf({ a: vectorFromArray([4, 6], new Int32()), b: vectorFromArray([2, null], new Int32()) });
      expect(rowsWhere("a / b = 2", batch)).toEqual([0]);
    });

    test("a column of a type filters cannot compare is refused, but IS NULL works", async () => {
      const vectors = makeVector(
        makeData({
          type: new FixedSizeList(2, new Field("item", new Float32())),
          length: 2,
          nullBitmap: Uint8Array.from([0b01]),
          child: makeData({ type: new Float32(), length: 4, data: Float32Array.from([1, 2, 3, 4]) }),
        }),
      );
      const batch = batchOf({ vec: vectors });
      await expectQuiverError(() => rowsWhere("vec = 1", batch), NotSupportedError, "NOT_SUPPORTED", "column 'vec'", "cannot be compared");
      expect(rowsWhere("vec IS NULL", batch)).toEqual([1]);
    });

    test("a failed CAST names the value and the row", async () => {
      await expectQuiverError(() => rowsWhere("CAST(name AS BIGINT) = 1", products), InvalidArgumentError, "INVALID_ARGUMENT", "Cannot cast string 'apple' to value of Int64 type (row 0)");
    });
  });
});

describe("evaluateExpression()", () => {
  test("a bare column is returned unchanged, with its own type", () => {
    const vector = evaluateExpression(parseExpression("camelcase"), products);
    expect(vector.data[0]).toBe(products.getChild("camelCase")!.data[0]);
    expect(String(evaluateExpression(parseExpression("category"), products).type)).toBe("Dictionary<Int32, Utf8>");
  });

  test("a nested field carries its parent's nulls", () => {
    const meta = makeData({
      type: new Struct([new Field("x", new Int32(), true)]),
      length: 3,
      nullBitmap: Uint8Array.from([0b101]),
      children: [vectorFromArray([1, 2, 3], new Int32()).data[0]!],
    });
    const vector = evaluateExpression(parseExpression("meta.x"), batchOf({ meta: makeVector(meta) }));
    expect(String(vector.type)).toBe("Int32");
    expect([...vector]).toEqual([1, null, 3]);
  });

  test("integer arithmetic gives Int64 and keeps nulls", () => {
    const vector = evaluateExpression(parseExpression("id * 10 + 1"), products);
    expect(String(vector.type)).toBe("Int64");
    expect([...vector]).toEqual([11n, 21n, 31n, 41n, 51n, 61n]);
    expect(valuesOf("id / 4", products)).toEqual([0n, 0n, 0n, 1n, 1n, 1n]);
    expect(valuesOf("-id % 4", products)).toEqual([-1n, -2n, -3n, 0n, -1n, -2n]);
  });

  test("integer arithmetic on Int64 beyond 2^53 is exact", () => {
    expect(valuesOf("big + 1", products)).toEqual([2n, 2n ** 60n + 1n, null, -(2n ** 62n) + 1n, 9007199254740994n, 1n]);
    expect(valuesOf("id * 3000000000 * 3000000000", products)[0]).toBe(9_000_000_000_000_000_000n);
    // Past Int64 the result wraps, as two's complement does.
    expect(valuesOf("id * 3000000000 * 4000000000", products)[0]).toBe(12_000_000_000_000_000_000n - 2n ** 64n);
  });

  test("any float operand gives Float64", () => {
    const vector = evaluateExpression(parseExpression("price * 2"), products);
    expect(String(vector.type)).toBe("Float64");
    expect([...vector]).toEqual([21, 40, null, 30, 60, 10]);
    expect(valuesOf("id / 2.0", products)).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
    expect(valuesOf("7.0 / 2", products)[0]).toBe(3.5);
  });

  test("string functions and concatenation give Utf8", () => {
    expect(valuesOf("upper(name)", products)).toEqual(["APPLE", "BANANA", null, "CHERRY", "ÁPPLE", "😀X"]);
    expect(valuesOf("lower(name) || '-' || id", products)).toEqual(["apple-1", "banana-2", null, "cherry-4", "ápple-5", "😀x-6"]);
    expect(valuesOf("length(name)", products)).toEqual([5n, 6n, null, 6n, 5n, 2n]);
    expect(valuesOf("length(id * 100)", products)).toEqual([3n, 3n, 3n, 3n, 3n, 3n]);
  });

  test("abs, round and coalesce", () => {
    expect(valuesOf("abs(-id)", products)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    expect(valuesOf("abs(big)", products)[3]).toBe(2n ** 62n);
    expect(valuesOf("round(price)", products)).toEqual([11, 20, null, 15, 30, 5]);
    expect(valuesOf("round(price / 4, 1)", products)).toEqual([2.6, 5, null, 3.8, 7.5, 1.3]);
    expect(valuesOf("round(-2.5)", products)[0]).toBe(-3);
    expect(valuesOf("coalesce(price, 0)", products)).toEqual([10.5, 20, 0, 15, 30, 5]);
    expect(valuesOf("coalesce(name, category, 'none')", products)).toEqual(["apple", "Banana", "c1", "cherry", "ápple", "😀x"]);
    expect(valuesOf("coalesce(NULL, id)", products)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
  });

  test("CAST between numbers, strings, booleans, dates and timestamps", () => {
    expect(valuesOf("CAST(price AS INT)", products)).toEqual([10n, 20n, null, 15n, 30n, 5n]);
    expect(valuesOf("CAST(id AS DOUBLE) / 2", products)[0]).toBe(0.5);
    expect(valuesOf("CAST(id AS VARCHAR)", products)).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(valuesOf("CAST(price AS VARCHAR)", products)[1]).toBe("20.0");
    expect(valuesOf("CAST(archived AS INT)", products)).toEqual([0n, 1n, null, 0n, 1n, null]);
    expect(valuesOf("CAST(id - 1 AS BOOLEAN)", products)).toEqual([false, true, true, true, true, true]);
    expect(valuesOf("CAST('true' AS BOOLEAN)", products)[0]).toBe(true);
    expect(valuesOf("CAST('42' AS BIGINT) + 1", products)[0]).toBe(43n);
    expect(valuesOf("CAST(' 2.5 ' AS DOUBLE)", products)[0]).toBe(2.5);
    expect(valuesOf("CAST('2024-01-02' AS DATE)", products)[0]).toBe(Date.UTC(2024, 0, 2));
    expect(valuesOf("CAST(DATE '2024-01-02' AS VARCHAR)", products)[0]).toBe("2024-01-02");
    expect(valuesOf("CAST(TIMESTAMP '2024-01-02 03:04:05' AS VARCHAR)", products)[0]).toBe("2024-01-02T03:04:05");
  });

  test("literals are broadcast to every row with their own type", () => {
    const cases: [string, string, unknown][] = [
      ["1 + 1", "Int64", 2n],
      ["1.5", "Float64", 1.5],
      ["'x'", "Utf8", "x"],
      ["TRUE", "Bool", true],
      ["DATE '2024-01-02'", "Date32<DAY>", Date.UTC(2024, 0, 2)],
      ["TIMESTAMP '2024-01-02 00:00:00'", "Timestamp<NANOSECOND>", Date.UTC(2024, 0, 2)],
      ["NULL", "Null", null],
      ["CAST(NULL AS BIGINT)", "Int64", null],
    ];
    for (const [sql, type, value] of cases) {
      const vector = evaluateExpression(parseExpression(sql), products);
      expect(String(vector.type), sql).toBe(type);
      expect(vector.length).toBe(6);
      expect(vector.get(5), sql).toEqual(value);
    }
  });

  test("a predicate evaluates to Bool with NULL where it is unknown", () => {
    const vector = evaluateExpression(parseExpression("price > 12"), products);
    expect(String(vector.type)).toBe("Bool");
    expect([...vector]).toEqual([false, true, null, true, true, false]);
  });

  test("a computed timestamp keeps sub-millisecond precision as nanoseconds", () => {
    const batch = batchOf({ t: vectorOfType(new TimestampMicrosecond(), BigInt64Array.from([1_500_001n])) });
    const vector = evaluateExpression(parseExpression("coalesce(t, TIMESTAMP '2024-01-01 00:00:00')"), batch);
    expect(vector.data[0]!.values[0]).toBe(1_500_001_000n);
    expect(String(evaluateExpression(parseExpression("coalesce(t, t)"), batch).type)).toBe("Timestamp<NANOSECOND>");
  });

  test("an empty batch gives an empty vector", () => {
    const empty = products.slice(0, 0);
    expect(evaluateExpression(parseExpression("price * 2"), empty).length).toBe(0);
    expect(evaluatePredicate(parseFilter("price > 2"), empty)).toHaveLength(0);
  });
});

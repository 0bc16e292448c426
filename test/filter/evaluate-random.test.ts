/**
 * Random predicates over random data, checked row by row against a deliberately simple
 * reference evaluator written here: it reads values with `vector.get(i)`, does its
 * arithmetic on bigints and compares strings code point by code point.
 */
import {
  Bool,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  RecordBatch,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, test } from "vitest";
import { evaluatePredicate } from "../../src/filter/evaluate.js";
import type { FilterExpr } from "../../src/filter/filter-ast.js";
import { parseFilter } from "../../src/filter/parser.js";

// ---- seeded randomness ----

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(20240601);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;
const intIn = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

// ---- data ----

const ROWS = 3000;
const WORDS = ["", "a", "ab", "abc", "b", "ba", "bab", "é", "éa", "😀", "\uffff", "z_%", "A", "Ab", "x\\y"];
const DAY_MS = 86_400_000;
const BASE_MS = Date.UTC(2024, 0, 1);
const nullable = <T>(make: () => T, p = 0.1): T | null => (chance(p) ? null : make());

const i32 = Array.from({ length: ROWS }, () => nullable(() => intIn(-50, 50)));
const f64 = Array.from({ length: ROWS }, () => nullable(() => (chance(0.3) ? intIn(-50, 50) : Math.round((random() * 100 - 50) * 4) / 4)));
const i64 = Array.from({ length: ROWS }, () =>
  nullable(() => (chance(0.1) ? (chance(0.5) ? 1n : -1n) * (2n ** 60n + BigInt(intIn(0, 3))) : BigInt(intIn(-50, 50)))),
);
const str = Array.from({ length: ROWS }, () => nullable(() => pick(WORDS)));
const dict = Array.from({ length: ROWS }, () => nullable(() => pick(WORDS)));
const bool = Array.from({ length: ROWS }, () => nullable(() => chance(0.5), 0.2));
const tsMs = Array.from({ length: ROWS }, () => nullable(() => BASE_MS + intIn(-5, 5) * DAY_MS + intIn(0, 3) * 3_600_000 + intIn(0, 2) * 250));
const structValid = Array.from({ length: ROWS }, () => !chance(0.1));
const structX = Array.from({ length: ROWS }, () => nullable(() => intIn(-5, 5)));

function bitmapOf(valid: readonly boolean[]): Uint8Array {
  const bytes = new Uint8Array((valid.length + 7) >> 3);
  valid.forEach((v, i) => {
    if (v) bytes[i >> 3]! |= 1 << (i & 7);
  });
  return bytes;
}

const batch: RecordBatch = new Table({
  i32: vectorFromArray(i32, new Int32()),
  f64: vectorFromArray(f64, new Float64()),
  i64: vectorFromArray(i64, new Int64()),
  s: vectorFromArray(str, new Utf8()),
  d: vectorFromArray(dict, new Dictionary(new Utf8(), new Int32())),
  b: vectorFromArray(bool, new Bool()),
  ts: vectorFromArray(tsMs, new TimestampMillisecond()),
  st: makeVector(
    makeData({
      type: new Struct([new Field("x", new Int32(), true)]),
      length: ROWS,
      nullBitmap: bitmapOf(structValid),
      children: [vectorFromArray(structX, new Int32()).data[0]!],
    }),
  ),
}).batches[0]!;

// ---- the reference evaluator ----

type Value = bigint | number | string | boolean | null;
type Row = (path: readonly string[]) => Value;

function rowReader(i: number): Row {
  return (path) => {
    const name = path.join(".");
    switch (name) {
      case "i32":
        return i32[i] === null ? null : BigInt(i32[i]!);
      case "f64":
        return f64[i]!;
      case "i64":
        return i64[i]!;
      case "s":
        return str[i]!;
      case "d":
        return dict[i]!;
      case "b":
        return bool[i]!;
      case "ts":
        return tsMs[i] === null ? null : BigInt(tsMs[i]!) * 1_000_000n;
      case "st":
        // Only IS [NOT] NULL reads the struct itself.
        return structValid[i] ? "struct" : null;
      case "st.x":
        return structValid[i] && structX[i] !== null ? BigInt(structX[i]!) : null;
      default:
        throw new Error(`no column ${name}`);
    }
  };
}

function codePointCompare(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let k = 0; k < Math.min(x.length, y.length); k++) if (x[k] !== y[k]) return x[k]! < y[k]! ? -1 : 1;
  return Math.sign(x.length - y.length);
}

/** Exact comparison of two numbers that may be bigints or doubles. */
function numberCompare(a: bigint | number, b: bigint | number): number {
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "number") return -numberCompare(b, a);
  const f = b as number;
  if (Number.isInteger(f)) return numberCompare(a, BigInt(f));
  return a <= BigInt(Math.floor(f)) ? -1 : 1;
}

function compare(a: Value, b: Value): number {
  if (typeof a === "string") return codePointCompare(a, b as string);
  if (typeof a === "boolean") return Number(a) - Number(b);
  return numberCompare(a as bigint | number, b as bigint | number);
}

/** A string literal next to a timestamp is a timestamp. */
function coerce(a: Value, b: Value, aExpr: FilterExpr, bExpr: FilterExpr): [Value, Value] {
  const isTs = (e: FilterExpr) => e.kind === "column" && e.path[0] === "ts";
  const toNs = (s: string) => BigInt(Date.parse(`${s.replace(" ", "T")}${s.length === 10 ? "T00:00:00" : ""}Z`)) * 1_000_000n;
  if (isTs(aExpr) && typeof b === "string") return [a, toNs(b)];
  if (isTs(bExpr) && typeof a === "string") return [toNs(a), b];
  return [a, b];
}

function likeMatch(text: string, pattern: string, caseInsensitive: boolean): boolean {
  const t = [...(caseInsensitive ? text.toLowerCase() : text)];
  const p: { ch: string; literal: boolean }[] = [];
  const raw = [...(caseInsensitive ? pattern.toLowerCase() : pattern)];
  for (let k = 0; k < raw.length; k++) {
    if (raw[k] === "\\" && k + 1 < raw.length) p.push({ ch: raw[++k]!, literal: true });
    else p.push({ ch: raw[k]!, literal: false });
  }
  const memo = new Map<string, boolean>();
  const go = (ti: number, pi: number): boolean => {
    const key = `${ti},${pi}`;
    if (memo.has(key)) return memo.get(key)!;
    let result: boolean;
    if (pi === p.length) result = ti === t.length;
    else if (!p[pi]!.literal && p[pi]!.ch === "%") result = go(ti, pi + 1) || (ti < t.length && go(ti + 1, pi));
    else if (ti === t.length) result = false;
    else if (!p[pi]!.literal && p[pi]!.ch === "_") result = go(ti + 1, pi + 1);
    else result = p[pi]!.ch === t[ti] && go(ti + 1, pi + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

function not(v: Value): Value {
  return v === null ? null : !v;
}

function and(a: Value, b: Value): Value {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

function or(a: Value, b: Value): Value {
  if (a === true || b === true) return true;
  return a === null || b === null ? null : false;
}

function evalRef(e: FilterExpr, row: Row): Value {
  switch (e.kind) {
    case "literal":
      return e.type === "date" ? BigInt(e.value) * 86_400_000_000_000n : e.value;
    case "column":
      return row(e.path);
    case "unary": {
      const v = evalRef(e.operand, row);
      if (e.op === "not") return not(v);
      return v === null ? null : typeof v === "bigint" ? -v : -(v as number);
    }
    case "binary": {
      const l = evalRef(e.left, row);
      const r = evalRef(e.right, row);
      if (e.op === "and") return and(l, r);
      if (e.op === "or") return or(l, r);
      if (l === null || r === null) return null;
      switch (e.op) {
        case "+":
        case "-":
        case "*":
        case "/":
        case "%": {
          if (typeof l === "bigint" && typeof r === "bigint") {
            const v = e.op === "+" ? l + r : e.op === "-" ? l - r : e.op === "*" ? l * r : e.op === "/" ? l / r : l % r;
            return BigInt.asIntN(64, v);
          }
          const x = Number(l);
          const y = Number(r);
          return e.op === "+" ? x + y : e.op === "-" ? x - y : e.op === "*" ? x * y : e.op === "/" ? x / y : x % y;
        }
        case "||":
          return `${String(l)}${String(r)}`;
        default: {
          const [a, b] = coerce(l, r, e.left, e.right);
          const c = compare(a, b);
          return { "=": c === 0, "!=": c !== 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0 }[e.op];
        }
      }
    }
    case "in": {
      const v = evalRef(e.operand, row);
      if (v === null) return null;
      let result: Value = false;
      for (const item of e.list) {
        const w = evalRef(item, row);
        if (w === null) {
          result = or(result, null);
          continue;
        }
        const [a, b] = coerce(v, w, e.operand, item);
        result = or(result, compare(a, b) === 0);
      }
      return e.negated ? not(result) : result;
    }
    case "between": {
      const v = evalRef(e.operand, row);
      const lo = evalRef(e.low, row);
      const hi = evalRef(e.high, row);
      const ge = v === null || lo === null ? null : compare(...coerce(v, lo, e.operand, e.low)) >= 0;
      const le = v === null || hi === null ? null : compare(...coerce(v, hi, e.operand, e.high)) <= 0;
      const result = and(ge, le);
      return e.negated ? not(result) : result;
    }
    case "isNull": {
      const isNull = evalRef(e.operand, row) === null;
      return e.negated ? !isNull : isNull;
    }
    case "isBoolean": {
      const hit = evalRef(e.operand, row) === e.value;
      return e.negated ? !hit : hit;
    }
    case "like": {
      const v = evalRef(e.operand, row);
      const p = evalRef(e.pattern, row);
      if (v === null || p === null) return null;
      const hit = likeMatch(v as string, p as string, e.caseInsensitive);
      return e.negated ? !hit : hit;
    }
    default:
      throw new Error(`the reference does not evaluate ${e.kind}`);
  }
}

// ---- random predicates ----

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const op = () => pick(["=", "!=", "<", "<=", ">", ">=", "<>"]);
const intLit = () => String(intIn(-60, 60));
const numLit = () => (chance(0.5) ? intLit() : String(intIn(-120, 120) / 4));
const bigLit = () => (chance(0.2) ? `${pick(["", "-"])}${2n ** 60n + BigInt(intIn(-1, 4))}` : numLit());
const numCol = () => pick(["i32", "f64", "i64", "st.x"]);
const litFor = (col: string) => (col === "i64" ? bigLit() : col === "i32" || col === "st.x" ? numLit() : numLit());
const strCol = () => pick(["s", "d"]);
const strLit = () => quote(chance(0.9) ? pick(WORDS) : "zz");
const tsLit = () => {
  const ms = BASE_MS + intIn(-6, 6) * DAY_MS + intIn(0, 3) * 3_600_000 + intIn(0, 2) * 250;
  const iso = new Date(ms).toISOString().replace("T", " ").replace("Z", "");
  return pick([
    `TIMESTAMP '${iso}'`,
    `TIMESTAMP '${iso}${pick(["", "001", "999"])}'`,
    quote(iso.slice(0, 10)),
    `DATE '${iso.slice(0, 10)}'`,
    quote(iso.slice(0, 19)),
  ]);
};
const likePattern = () =>
  quote(pick(["a%", "%a", "%b%", "_", "a_", "%", "_b%", "ab", "\\%", "z\\_%", "%\\\\%", "é%", "%😀", "A%", "%%", "_%_"]));

function leaf(): string {
  switch (intIn(0, 14)) {
    case 0:
    case 1: {
      const col = numCol();
      return `${col} ${op()} ${litFor(col)}`;
    }
    case 2:
      return `${strCol()} ${op()} ${strLit()}`;
    case 3:
      return pick(["b", "NOT b", "b = TRUE", "b != FALSE", "b IS TRUE", "b IS NOT FALSE", "b IS NOT TRUE", "b IN (TRUE)"]);
    case 4: {
      const col = numCol();
      return `${col} ${pick(["", "NOT "])}BETWEEN ${litFor(col)} AND ${litFor(col)}`;
    }
    case 5:
      return `${strCol()} ${pick(["", "NOT "])}BETWEEN ${strLit()} AND ${strLit()}`;
    case 6: {
      const col = numCol();
      const items = Array.from({ length: intIn(1, 5) }, () => (chance(0.1) ? "NULL" : litFor(col)));
      return `${col} ${pick(["", "NOT "])}IN (${items.join(", ")})`;
    }
    case 7: {
      const items = Array.from({ length: intIn(1, 5) }, () => (chance(0.1) ? "NULL" : strLit()));
      return `${strCol()} ${pick(["", "NOT "])}IN (${items.join(", ")})`;
    }
    case 8:
      return `${pick(["i32", "f64", "i64", "s", "d", "b", "ts", "st", "st.x"])} IS ${pick(["", "NOT "])}NULL`;
    case 9:
      return `${strCol()} ${pick(["LIKE", "NOT LIKE", "ILIKE", "NOT ILIKE"])} ${likePattern()}`;
    case 10:
      return `ts ${op()} ${tsLit()}`;
    case 11:
      return pick([
        `i32 + ${intLit()} ${op()} f64`,
        `i32 * 2 ${op()} i64`,
        `i32 % 3 = ${intIn(-2, 2)}`,
        `i32 / 4 ${op()} ${intLit()}`,
        `f64 * 2 ${op()} ${numLit()}`,
        `-i64 ${op()} ${bigLit()}`,
        `i64 - i32 ${op()} ${intLit()}`,
        `st.x + i32 ${op()} ${intLit()}`,
      ]);
    case 12:
      return pick(["i32 < f64", "i32 = i64", "s = d", "s < d", "f64 >= i64", "i32 BETWEEN st.x AND f64", "s LIKE d"]);
    case 13:
      return pick([`i32 ${op()} NULL`, `NULL ${op()} s`, "s IN (d, 'a')", `${intLit()} ${op()} i32`, `${strLit()} ${op()} d`]);
    default:
      return `${numCol()} ${op()} ${pick(["i32", "f64", "i64"])}`;
  }
}

function predicate(depth: number): string {
  if (depth === 0 || chance(0.3)) return leaf();
  switch (intIn(0, 2)) {
    case 0:
      return `(${predicate(depth - 1)}) AND (${predicate(depth - 1)})`;
    case 1:
      return `(${predicate(depth - 1)}) OR (${predicate(depth - 1)})`;
    default:
      return `NOT (${predicate(depth - 1)})`;
  }
}

function referenceMask(expr: FilterExpr, from: number, to: number): number[] {
  const rows: number[] = [];
  for (let i = from; i < to; i++) if (evalRef(expr, rowReader(i)) === true) rows.push(i - from);
  return rows;
}

function maskRows(mask: Uint8Array): number[] {
  return [...mask].flatMap((v, i) => (v === 1 ? [i] : []));
}

describe("evaluatePredicate() against a per-row reference", () => {
  const filters = Array.from({ length: 400 }, () => predicate(3));

  test("agrees on every row for 400 random predicates", () => {
    let nonTrivial = 0;
    for (const filter of filters) {
      const expr = parseFilter(filter);
      const expected = referenceMask(expr, 0, ROWS);
      if (expected.length > 0 && expected.length < ROWS) nonTrivial++;
      expect(maskRows(evaluatePredicate(expr, batch)), filter).toEqual(expected);
    }
    // The generator must produce selective predicates, or the comparison proves little.
    expect(nonTrivial).toBeGreaterThan(300);
  });

  test("agrees on a sliced batch whose offset is not a multiple of 8", () => {
    const [from, to] = [123, 2901];
    const sliced = batch.slice(from, to);
    for (const filter of filters.slice(0, 150)) {
      const expr = parseFilter(filter);
      expect(maskRows(evaluatePredicate(expr, sliced)), filter).toEqual(referenceMask(expr, from, to));
    }
  });
});

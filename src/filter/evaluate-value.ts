/**
 * Evaluates a bound tree over a record batch. Predicates of the shapes filters are made
 * of (column vs constant, BETWEEN, IN, LIKE, IS NULL) go to the kernels of
 * `evaluate-compare.ts`; everything else is computed on flat arrays, with constant
 * subtrees folded to scalars so `price > 10 * 2` still takes the kernel.
 *
 * @internal
 * @module
 */

import type { RecordBatch } from "apache-arrow";
import type { ComparisonOp } from "./filter-ast.js";
import type { BoundColumn, BoundExpr } from "./bound-expr.js";
import {
  ORDER_MASK,
  betweenKernel,
  compareBigInts,
  compareKernel,
  compareNumbers,
  flipComparison,
  inListKernel,
  isNullColumn,
  runKernel,
  type ChunkKernel,
} from "./evaluate-compare.js";
import type { TypedScalar } from "./literal-domain.js";
import { readValues, sourceOf } from "./column-source.js";
import {
  andValidity,
  applyValidity,
  scalarOfTri,
  scalarValues,
  triOf,
  validityOf,
  type BoolValues,
  type ColumnValues,
} from "./column-values.js";
import { compileLike, type LikeMatcher } from "./like-pattern.js";
import { daysToNanos } from "./temporal.js";
import { callFunction } from "./call-function.js";
import { evaluateListFunction, isListFunction } from "./list-functions.js";
import { arithmetic, castValues, negate, toBigInt64, toFloat64, toNanos, toStrings, type FailFn } from "./value-ops.js";
import type { Scalar, ValueType } from "./value-type.js";

// The three-valued codes of column-values.ts, copied here: once transpiled (vitest, CJS
// bundles) an imported constant becomes a getter call on every use, far too slow in row loops.
const FALSE = 0;
const TRUE = 2;

export interface EvalContext {
  readonly batch: RecordBatch;
  readonly numRows: number;
  readonly fail: FailFn;
}

function boolValues(tri: Uint8Array): BoolValues {
  return { form: "bool", type: "bool", tri };
}

/** Three-valued codes for every row of a boolean (or NULL) result. */
export function toTri(values: ColumnValues, n: number): Uint8Array {
  if (values.form === "bool") return values.tri;
  if (values.form === "scalar") return new Uint8Array(n).fill(triOf(values.value));
  throw new TypeError(`expected a boolean result, got ${values.type}`);
}

function notTri(values: ColumnValues): ColumnValues {
  if (values.form === "scalar") return scalarValues("bool", scalarOfTri(TRUE - triOf(values.value)));
  const tri = toTri(values, 0);
  const out = new Uint8Array(tri.length);
  for (let i = 0; i < out.length; i++) out[i] = TRUE - tri[i]!;
  return boolValues(out);
}

/** Kleene AND (min) / OR (max), with scalar short cuts. */
function combineLogic(op: "and" | "or", left: ColumnValues, right: ColumnValues, n: number): ColumnValues {
  const isAnd = op === "and";
  if (left.form === "scalar" && right.form === "scalar") {
    const a = triOf(left.value);
    const b = triOf(right.value);
    return scalarValues("bool", scalarOfTri(isAnd ? Math.min(a, b) : Math.max(a, b)));
  }
  const [s, arr] = left.form === "scalar" ? [left, right] : right.form === "scalar" ? [right, left] : [undefined, undefined];
  if (s !== undefined && arr !== undefined) {
    const code = triOf(s.value);
    if (code === (isAnd ? FALSE : TRUE)) return scalarValues("bool", code === TRUE);
    if (code === (isAnd ? TRUE : FALSE)) return arr;
  }
  const a = toTri(left, n);
  const b = toTri(right, n);
  const out = new Uint8Array(n);
  // Branch-free min / max: d & (d >> 31) is d when d < 0, else 0.
  if (isAnd) {
    for (let i = 0; i < n; i++) {
      const d = a[i]! - b[i]!;
      out[i] = b[i]! + (d & (d >> 31));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const d = a[i]! - b[i]!;
      out[i] = a[i]! - (d & (d >> 31));
    }
  }
  return boolValues(out);
}

// ---- comparisons ----

/** Compares UTF-16 strings in code point order, which is UTF-8 byte order. */
function compareCodePoints(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after U+E000..U+FFFF.
    if (x >= 0xd800) x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
    if (y >= 0xd800) y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function orderOf(c: number): number {
  return c < 0 ? 1 : c === 0 ? 2 : 4;
}

/** A scalar in the representation comparisons of type `common` use. */
function scalarIn(value: Scalar, type: ValueType, common: ValueType): Scalar {
  if (value === null) return null;
  switch (common) {
    case "float":
      return typeof value === "bigint" ? Number(value) : value;
    case "timestamp":
      return type === "date" ? daysToNanos(value as number) : value;
    case "bool":
      return value === true ? TRUE : FALSE;
    default:
      return value;
  }
}

function compareScalars(op: ComparisonOp, a: Scalar, b: Scalar): boolean | null {
  if (a === null || b === null) return null;
  const c = typeof a === "string" ? compareCodePoints(a, b as string) : a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  return Number.isNaN(c) ? op === "!=" : (ORDER_MASK[op] & orderOf(c)) !== 0;
}

function compareArrays<T extends number | bigint>(x: ArrayLike<T>, y: ArrayLike<T>, op: ComparisonOp, out: Uint8Array): void {
  const mask = ORDER_MASK[op];
  for (let i = 0; i < out.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    const order = a < b ? 1 : a > b ? 4 : a === b ? 2 : op === "!=" ? 4 : 0;
    out[i] = mask & order ? TRUE : FALSE;
  }
}

/** `left OP right` in type `common`, for any operands. */
function compareValues(op: ComparisonOp, left: ColumnValues, right: ColumnValues, common: ValueType, n: number): ColumnValues {
  if (left.form === "scalar" && right.form === "scalar") {
    return scalarValues("bool", compareScalars(op, scalarIn(left.value, left.type, common), scalarIn(right.value, right.type, common)));
  }
  if ((left.form === "scalar" && left.value === null) || (right.form === "scalar" && right.value === null) || common === "null") {
    return scalarValues("bool", null);
  }
  if (left.form === "scalar") return compareValues(flipComparison(op), right, left, common, n);
  const out = new Uint8Array(n);
  const valid = andValidity(validityOf(left, n), validityOf(right, n));
  const intAsNumbers = common === "int" && left.form !== "bigint" && right.form !== "bigint" && isSafeScalar(right);
  if (common === "float" || common === "date" || intAsNumbers) {
    const x = toFloat64(left, n);
    if (right.form === "scalar") compareNumbers(x, n, op, Number(scalarIn(right.value, right.type, "float")), out, 0);
    else compareArrays(x, toFloat64(right, n), op, out);
  } else if (common === "int" || common === "timestamp") {
    const x = common === "timestamp" ? toNanos(left, n) : toBigInt64(left, n);
    if (right.form === "scalar") compareBigInts(x, n, op, scalarIn(right.value, right.type, common) as bigint, out, 0);
    else compareArrays(x, common === "timestamp" ? toNanos(right, n) : toBigInt64(right, n), op, out);
  } else if (common === "string") {
    const x = toStrings(left, n);
    const mask = ORDER_MASK[op];
    if (right.form === "scalar") {
      const lit = right.value as string;
      for (let i = 0; i < n; i++) out[i] = mask & orderOf(compareCodePoints(x[i]!, lit)) ? TRUE : FALSE;
    } else {
      const y = toStrings(right, n);
      for (let i = 0; i < n; i++) out[i] = mask & orderOf(compareCodePoints(x[i]!, y[i]!)) ? TRUE : FALSE;
    }
  } else if (common === "bool") {
    const x = toTri(left, n);
    if (right.form === "scalar") compareNumbers(x, n, op, right.value === true ? TRUE : FALSE, out, 0);
    else compareArrays(x, toTri(right, n), op, out);
  }
  applyValidity(out, valid);
  return boolValues(out);
}

function isSafeScalar(values: ColumnValues): boolean {
  if (values.form !== "scalar" || typeof values.value !== "bigint") return true;
  return values.value <= BigInt(Number.MAX_SAFE_INTEGER) && values.value >= BigInt(Number.MIN_SAFE_INTEGER);
}

// ---- the evaluator ----

class Evaluator {
  constructor(private readonly ctx: EvalContext) {}

  private get n(): number {
    return this.ctx.numRows;
  }

  /** The value of a constant subtree (it reads no column, so it is a scalar). */
  private constantOf(node: BoundExpr): TypedScalar | undefined {
    if (!node.constant) return undefined;
    const values = this.evaluate(node);
    return values.form === "scalar" ? { type: values.type, value: values.value } : undefined;
  }

  /** Runs `kernel` over a column, or undefined when the column's type has no kernel. */
  private kernelOn(column: BoundExpr, kernel: () => ChunkKernel): ColumnValues | undefined {
    if (column.kind !== "column" || column.type === "other") return undefined;
    const tri = runKernel(sourceOf(this.ctx.batch, column.indices), kernel());
    return tri === undefined ? undefined : boolValues(tri);
  }

  evaluate(node: BoundExpr): ColumnValues {
    const n = this.n;
    switch (node.kind) {
      case "const":
        return scalarValues(node.type, node.value);
      case "column":
        return node.type === "null" ? scalarValues("null", null) : readValues(sourceOf(this.ctx.batch, node.indices), node.type);
      case "not":
        return notTri(this.evaluate(node.operand));
      case "negate":
        return negate(this.evaluate(node.operand));
      case "logic":
        return combineLogic(node.op, this.evaluate(node.left), this.evaluate(node.right), n);
      case "compare":
        return this.compare(node.op, node.left, node.right, node.common);
      case "arith":
        return arithmetic(node.op, this.evaluate(node.left), this.evaluate(node.right), node.type, n, this.ctx.fail);
      case "concat":
        return this.concat(this.evaluate(node.left), this.evaluate(node.right));
      case "in":
        return this.inList(node);
      case "between":
        return this.between(node);
      case "isNull":
        return this.isNull(node.operand, node.negated);
      case "isBoolean": {
        const operand = this.evaluate(node.operand);
        const wanted = node.value ? TRUE : FALSE;
        const test = (code: number) => ((code === wanted) !== node.negated ? TRUE : FALSE);
        if (operand.form === "scalar") return scalarValues("bool", test(triOf(operand.value)) === TRUE);
        return boolValues(toTri(operand, n).map(test));
      }
      case "like":
        return this.like(node);
      case "cast":
        return castValues(this.evaluate(node.operand), node.operand.type, node.type, n, this.ctx.fail);
      case "call":
        if (isListFunction(node.name)) {
          const column = node.args[0] as Extract<BoundExpr, { kind: "column" }>;
          const needles = node.args.slice(1).map((a) => (a as Extract<BoundExpr, { kind: "const" }>).value);
          return boolValues(evaluateListFunction(node.name, column.indices, needles, this.ctx.batch));
        }
        return callFunction(
          node.name,
          node.args.map((a) => this.evaluate(a)),
          node.args.map((a) => a.type),
          node.type,
          n,
          this.ctx.fail,
        );
    }
  }

  private compare(op: ComparisonOp, left: BoundExpr, right: BoundExpr, common: ValueType): ColumnValues {
    const swapped = right.kind === "column" && left.constant;
    const column = swapped ? right : left;
    const other = swapped ? left : right;
    const columnOp = swapped ? flipComparison(op) : op;
    if (column.kind === "column") {
      const lit = this.constantOf(other);
      if (lit !== undefined) {
        if (lit.value === null) return scalarValues("bool", null);
        const fast = this.kernelOn(column, () => compareKernel(columnOp, lit));
        if (fast !== undefined) return fast;
      }
    }
    return compareValues(op, this.evaluate(left), this.evaluate(right), common, this.n);
  }

  private inList(node: Extract<BoundExpr, { kind: "in" }>): ColumnValues {
    const list = node.list.map((item) => this.constantOf(item));
    if (list.every((item): item is TypedScalar => item !== undefined)) {
      const fast = this.kernelOn(node.operand, () => inListKernel(list));
      if (fast !== undefined) return node.negated ? notTri(fast) : fast;
    }
    const operand = this.evaluate(node.operand);
    let result: ColumnValues = scalarValues("bool", false);
    for (const item of node.list) {
      result = combineLogic("or", result, compareValues("=", operand, this.evaluate(item), node.common, this.n), this.n);
    }
    return node.negated ? notTri(result) : result;
  }

  private between(node: Extract<BoundExpr, { kind: "between" }>): ColumnValues {
    const low = this.constantOf(node.low);
    const high = this.constantOf(node.high);
    if (low !== undefined && high !== undefined && low.value !== null && high.value !== null) {
      const fast = this.kernelOn(node.operand, () => betweenKernel(low, high));
      if (fast !== undefined) return node.negated ? notTri(fast) : fast;
    }
    const operand = this.evaluate(node.operand);
    const result = combineLogic(
      "and",
      compareValues(">=", operand, this.evaluate(node.low), node.common, this.n),
      compareValues("<=", operand, this.evaluate(node.high), node.common, this.n),
      this.n,
    );
    return node.negated ? notTri(result) : result;
  }

  private isNull(operand: BoundExpr, negated: boolean): ColumnValues {
    let result: ColumnValues;
    if (operand.kind === "column" && operand.type !== "null") {
      result = boolValues(isNullColumn(sourceOf(this.ctx.batch, (operand as BoundColumn).indices)));
    } else {
      const values = this.evaluate(operand);
      if (values.form === "scalar") return scalarValues("bool", (values.value === null) !== negated);
      const valid = validityOf(values, this.n);
      result = valid === null ? scalarValues("bool", false) : boolValues(valid.map((v) => (v === 0 ? TRUE : FALSE)));
    }
    return negated ? notTri(result) : result;
  }

  private like(node: Extract<BoundExpr, { kind: "like" }>): ColumnValues {
    const options = { caseInsensitive: node.caseInsensitive, escape: node.escape };
    const pattern = this.constantOf(node.pattern);
    if (pattern !== undefined && pattern.value === null) return scalarValues("bool", null);
    let result: ColumnValues | undefined;
    if (pattern !== undefined) {
      const matcher = compileLike(pattern.value as string, options);
      result = this.kernelOn(node.operand, () => matcher.kernel);
    }
    if (result === undefined) {
      const operand = this.evaluate(node.operand);
      const patterns = this.evaluate(node.pattern);
      const cache = new Map<string, LikeMatcher>();
      const matcherFor = (p: string) => {
        let m = cache.get(p);
        if (m === undefined) cache.set(p, (m = compileLike(p, options)));
        return m;
      };
      if (operand.form === "scalar" && patterns.form === "scalar") {
        result =
          operand.value === null || patterns.value === null
            ? scalarValues("bool", null)
            : scalarValues("bool", matcherFor(patterns.value as string).test(operand.value as string));
      } else {
        const n = this.n;
        const texts = toStrings(operand, n);
        const pats = toStrings(patterns, n);
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) out[i] = matcherFor(pats[i]!).test(texts[i]!) ? TRUE : FALSE;
        applyValidity(out, andValidity(validityOf(operand, n), validityOf(patterns, n)));
        result = boolValues(out);
      }
    }
    return node.negated ? notTri(result) : result;
  }

  private concat(left: ColumnValues, right: ColumnValues): ColumnValues {
    if (left.form === "scalar" && right.form === "scalar") {
      return scalarValues("string", left.value === null || right.value === null ? null : `${String(left.value)}${String(right.value)}`);
    }
    const n = this.n;
    const x = toStrings(left, n);
    const y = toStrings(right, n);
    const valid = andValidity(validityOf(left, n), validityOf(right, n));
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = valid === null || valid[i] === 1 ? x[i]! + y[i]! : "";
    return { form: "string", type: "string", values: out, valid };
  }
}

/** Evaluates `node` over every row of the context's batch. */
export function evaluateNode(node: BoundExpr, ctx: EvalContext): ColumnValues {
  return new Evaluator(ctx).evaluate(node);
}


import { describe, expect, test } from "vitest";
import {
  childrenOf,
  createBetween,
  createBinary,
  createCall,
  createColumnRef,
  createInList,
  createIntegerLiteral,
  createLike,
  createStringLiteral,
  isColumnRef,
  isLiteral,
} from "../../src/filter/filter-ast.js";

describe("filter AST factories", () => {
  test("return frozen nodes with frozen lists", () => {
    const node = createInList(createColumnRef(["a"]), [createIntegerLiteral(1)]);
    expect(Object.isFrozen(node)).toBe(true);
    expect(Object.isFrozen(node.list)).toBe(true);
    const ref = createColumnRef(["a", "b"]);
    expect(Object.isFrozen(ref.path)).toBe(true);
    expect(ref.quoting).toEqual(["none", "none"]);
  });

  test("copy their list arguments", () => {
    const path = ["a"];
    const ref = createColumnRef(path);
    path.push("b");
    expect(ref.path).toEqual(["a"]);
  });

  test("refuse integers outside Int64 and malformed column paths", () => {
    expect(() => createIntegerLiteral(2n ** 63n)).toThrow(RangeError);
    expect(createIntegerLiteral(7).value).toBe(7n);
    expect(() => createColumnRef([])).toThrow(RangeError);
    expect(() => createColumnRef(["a"], ["none", "none"])).toThrow(RangeError);
  });

  test("createLike defaults to a backslash escape and refuses longer escapes", () => {
    const node = createLike(createColumnRef(["a"]), createStringLiteral("x%"));
    expect(node).toMatchObject({ negated: false, caseInsensitive: false, escape: "\\" });
    expect(() => createLike(createColumnRef(["a"]), createStringLiteral("x"), { escape: "ab" })).toThrow(RangeError);
  });
});

describe("childrenOf()", () => {
  test("lists direct children in source order", () => {
    const a = createColumnRef(["a"]);
    const one = createIntegerLiteral(1);
    const two = createIntegerLiteral(2);
    expect(childrenOf(createBetween(a, one, two))).toEqual([a, one, two]);
    expect(childrenOf(createBinary("+", a, one))).toEqual([a, one]);
    expect(childrenOf(createCall("coalesce", [a, one]))).toEqual([a, one]);
    expect(childrenOf(one)).toEqual([]);
  });
});

describe("isLiteral() and isColumnRef()", () => {
  test("tell literals and column references apart", () => {
    expect(isLiteral(createIntegerLiteral(1))).toBe(true);
    expect(isColumnRef(createIntegerLiteral(1))).toBe(false);
    expect(isColumnRef(createColumnRef(["a"]))).toBe(true);
  });
});

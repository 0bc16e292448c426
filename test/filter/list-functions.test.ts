import { Field, Int64, List, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { evaluatePredicate, evaluateTruth, formatFilter, parseFilter } from "../../src/filter/index.js";
import { expectQuiverError } from "../helpers/expect-error.js";

const tagsType = new List(new Field("item", new Utf8(), true));
const codesType = new List(new Field("item", new Int64(), true));
const schema = new Schema([new Field("tags", tagsType, true), new Field("codes", codesType, true)]);
const batch = new RecordBatch(
  schema,
  makeData({
    type: new Struct(schema.fields),
    length: 4,
    nullCount: 0,
    children: [
      vectorFromArray([["x", "y"], null, [], ["z", null]], tagsType).data[0]!,
      vectorFromArray([[1n, 2n], [3n], null, []], codesType).data[0]!,
    ],
  }),
);

describe("list functions in filters", () => {
  it("parses [..] as make_array and DataFusion's aliases, and prints what it parsed", () => {
    expect(formatFilter(parseFilter("array_contains(tags, 'x')"))).toBe("array_has(tags, 'x')");
    expect(formatFilter(parseFilter("list_has_any(tags, ['x', 'y'])"))).toBe("array_has_any(tags, make_array('x', 'y'))");
    expect(parseFilter(formatFilter(parseFilter("array_has_all(tags, [])")))).toEqual(parseFilter("array_has_all(tags, make_array())"));
  });

  it("answers by membership, NULL for a NULL list, never matching NULL elements", () => {
    const truth = (text: string) => Array.from(evaluateTruth(parseFilter(text), batch));
    expect(truth("array_has(tags, 'x')")).toEqual([2, 1, 0, 0]);
    expect(truth("array_has_any(tags, ['z', 'q'])")).toEqual([0, 1, 0, 2]);
    expect(truth("array_has_all(tags, ['x', 'y', 'x'])")).toEqual([2, 1, 0, 0]);
    expect(truth("array_has_all(tags, [])")).toEqual([2, 1, 2, 2]);
    expect(truth("array_has_any(codes, [2, 3])")).toEqual([2, 2, 1, 0]);
    expect(Array.from(evaluatePredicate(parseFilter("NOT array_has(tags, 'x')"), batch))).toEqual([0, 0, 1, 1]);
  });

  it("refuses a non-list column, a non-literal or mistyped value, and arrays elsewhere", async () => {
    const refuse = (text: string, part: string) => expectQuiverError(() => evaluatePredicate(parseFilter(text), batch), InvalidArgumentError, "INVALID_ARGUMENT", part);
    await refuse("array_has_any(codes, ['a'])", "looks for integers");
    await refuse("array_has(tags, 1)", "looks for strings");
    await refuse("array_has_any(tags, 'x')", "needs an array of values");
    await refuse("['x'] IS NULL", "only supported as the second argument");
  });
});

import {
  Bool,
  Field,
  FixedSizeList,
  Float32,
  Int32,
  Int64,
  List,
  Struct,
  Utf8,
  tableFromArrays,
  vectorFromArray,
  Table,
  RecordBatch,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { concatBatches } from "../../src/arrow/concat-batches.js";
import { countSelected, selectRows } from "../../src/arrow/select-rows.js";

function sampleBatch(offset: number, n: number): RecordBatch {
  const vecType = new FixedSizeList(2, new Field("item", new Float32(), true));
  const structType = new Struct([new Field("a", new Int32(), true), new Field("b", new Utf8(), true)]);
  const listType = new List(new Field("item", new Int32(), true));
  const rows = Array.from({ length: n }, (_, k) => {
    const i = offset + k;
    return {
      id: BigInt(i),
      name: i % 4 === 0 ? null : `name-${i}`,
      flag: i % 3 === 0 ? null : i % 2 === 0,
      vector: i % 5 === 0 ? null : [i, -i],
      meta: { a: i % 7 === 0 ? null : i, b: `b${i}` },
      tags: i % 6 === 0 ? null : Array.from({ length: i % 3 }, (_, j) => i + j),
    };
  });
  const table = new Table({
    id: vectorFromArray(rows.map((r) => r.id), new Int64()),
    name: vectorFromArray(rows.map((r) => r.name), new Utf8()),
    flag: vectorFromArray(rows.map((r) => r.flag), new Bool()),
    vector: vectorFromArray(rows.map((r) => r.vector), vecType),
    meta: vectorFromArray(rows.map((r) => r.meta), structType),
    tags: vectorFromArray(rows.map((r) => r.tags), listType),
  });
  return table.batches[0]!;
}

const plain = (batch: RecordBatch) => new Table([batch]).toArray().map((row) => JSON.parse(JSON.stringify(row.toJSON(), (_k, v) => (typeof v === "bigint" ? `${v}` : v))));

describe("concatBatches()", () => {
  it("joins batches of every common type, including sliced ones, value for value", () => {
    const a = sampleBatch(0, 37);
    const b = sampleBatch(37, 50).slice(3, 41);
    const c = sampleBatch(100, 9);
    const joined = concatBatches(a.schema, [a, b, c]);
    expect(joined.numRows).toBe(37 + 38 + 9);
    expect(plain(joined)).toEqual([...plain(a), ...plain(b), ...plain(c)]);
  });

  it("returns a single batch as it is", () => {
    const a = sampleBatch(0, 5);
    expect(concatBatches(a.schema, [a])).toBe(a);
  });

  it("joins zero-row batches", () => {
    const t = tableFromArrays({ x: new Float32Array(0) });
    const joined = concatBatches(t.schema, [t.batches[0]!, t.batches[0]!]);
    expect(joined.numRows).toBe(0);
    expect(joined.schema.fields.map((f) => f.name)).toEqual(["x"]);
  });
});

describe("selectRows()", () => {
  it("keeps the masked rows in order", () => {
    const batch = sampleBatch(0, 64);
    const mask = new Uint8Array(64).map((_, i) => (i % 3 === 1 || (i > 20 && i < 30) ? 1 : 0));
    const selected = selectRows(batch, mask);
    expect(selected.numRows).toBe(countSelected(mask));
    const all = plain(batch);
    expect(plain(selected)).toEqual(all.filter((_, i) => mask[i]));
  });

  it("returns the batch itself when every row is kept, and no rows for an empty mask", () => {
    const batch = sampleBatch(0, 10);
    expect(selectRows(batch, new Uint8Array(10).fill(1))).toBe(batch);
    expect(selectRows(batch, new Uint8Array(10)).numRows).toBe(0);
  });
});

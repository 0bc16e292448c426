import { describe, expect, it } from "vitest";
import { ByteReader, ByteWriter } from "../../../src/indices/fts/byte-io.js";

describe("varints", () => {
  const cases: [number, number][] = [
    [0, 1],
    [1, 1],
    [127, 1],
    [128, 2],
    [16383, 2],
    [16384, 3],
    [2 ** 21 - 1, 3],
    [2 ** 21, 4],
    [2 ** 28 - 1, 4],
    [2 ** 28, 5],
    [2 ** 31, 5],
    [2 ** 32 - 1, 5],
    [2 ** 32, 5],
    // A document gap shifted left past 32 bits, and a full row key of fragment 2^20.
    [2 ** 33 + 1, 5],
    [(2 ** 20 - 1) * 2 ** 32 + (2 ** 32 - 1), 8],
    [Number.MAX_SAFE_INTEGER, 8],
  ];

  it.each(cases)("%d takes %d bytes and reads back exactly", (value, size) => {
    const out = new ByteWriter(1);
    out.varint(value);
    expect(out.length).toBe(size);
    const reader = new ByteReader(out.finish());
    expect(reader.varint()).toBe(value);
    expect(reader.pos).toBe(size);
  });

  it("reads a run of mixed sizes back in order", () => {
    const values = cases.map(([v]) => v);
    const out = new ByteWriter(1);
    for (const v of values) out.varint(v);
    out.uint32(0xdeadbeef);
    const reader = new ByteReader(out.finish());
    expect(values.map(() => reader.varint())).toEqual(values);
    expect(reader.uint32()).toBe(0xdeadbeef);
  });

  it("refuses values it cannot hold instead of writing garbage", () => {
    const out = new ByteWriter();
    expect(() => out.varint(-1)).toThrow(RangeError);
    expect(() => out.varint(2 ** 53)).toThrow(RangeError);
    expect(() => out.varint(1.5e10 + 0.5)).toThrow(RangeError);
    expect(() => out.varint(Number.NaN)).toThrow(RangeError);
  });

  it("gives NaN for a varint cut short, rather than running past the buffer", () => {
    expect(new ByteReader(Uint8Array.from([0x80, 0x80])).varint()).toBeNaN();
    expect(new ByteReader(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).varint()).toBeNaN();
  });
});

import { describe, expect, it } from "vitest";
import { decodeFloat32Base64, encodeFloat32Base64 } from "../../../src/embedding/http/base64-float32.js";

describe("decodeFloat32Base64()", () => {
  it("decodes little-endian float32 values (as OpenAI's encoding_format \"base64\" sends them)", () => {
    // 1.0 = 00 00 80 3f, -2.5 = 00 00 20 c0 (little-endian)
    const text = Buffer.from([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0]).toString("base64");
    expect(Array.from(decodeFloat32Base64(text))).toEqual([1, -2.5]);
    expect(decodeFloat32Base64("")).toHaveLength(0);
  });

  it("round-trips with encodeFloat32Base64 bit for bit", () => {
    const values = new Float32Array([0.1, -0, 3.4028234663852886e38, 1e-45, Math.PI, -123.456]);
    const decoded = decodeFloat32Base64(encodeFloat32Base64(values));
    expect(decoded).toBeInstanceOf(Float32Array);
    expect(Buffer.from(decoded.buffer).equals(Buffer.from(values.buffer))).toBe(true);
  });

  it("refuses byte counts that are not a multiple of 4, and text that is not base64", () => {
    expect(() => decodeFloat32Base64(Buffer.from([1, 2, 3]).toString("base64"))).toThrow(RangeError);
    expect(() => decodeFloat32Base64("not base64!")).toThrow(/not base64/);
  });
});

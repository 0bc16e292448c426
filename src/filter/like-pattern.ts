/**
 * SQL LIKE patterns: `%` matches any run of characters, `_` exactly one, and the escape
 * character (`\` unless ESCAPE names another) makes the next character literal. A
 * pattern is compiled once: prefix, suffix, contains and exact patterns compare UTF-8
 * bytes in place; anything else (and ILIKE) becomes one anchored RegExp.
 *
 * @internal
 * @module
 */

import { Type, type Data } from "apache-arrow";
import { decodeUtf8Chunk } from "./column-source.js";
import type { ChunkKernel } from "./evaluate-compare.js";

// The three-valued codes of column-values.ts, copied here: once transpiled (vitest, CJS
// bundles) an imported constant becomes a getter call on every use, far too slow in row loops.
const FALSE = 0;
const TRUE = 2;

type Piece = { readonly kind: "text"; readonly text: string } | { readonly kind: "any" } | { readonly kind: "one" };

export type LikeShape = "exact" | "prefix" | "suffix" | "contains" | "all" | "regexp";

export interface LikePatternOptions {
  readonly caseInsensitive: boolean;
  readonly escape: string;
}

/** A compiled pattern: `test` for JS strings, `kernel` for Arrow string chunks. */
export interface LikeMatcher {
  readonly shape: LikeShape;
  test(text: string): boolean;
  readonly kernel: ChunkKernel;
}

const utf8Encoder = new TextEncoder();

function splitPattern(pattern: string, escape: string): Piece[] {
  const pieces: Piece[] = [];
  let text = "";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === escape && i + 1 < chars.length) {
      text += chars[++i]!;
    } else if (ch === "%" || ch === "_") {
      if (text !== "") pieces.push({ kind: "text", text });
      text = "";
      // Runs of % are one %.
      if (ch === "_") pieces.push({ kind: "one" });
      else if (pieces[pieces.length - 1]?.kind !== "any") pieces.push({ kind: "any" });
    } else {
      text += ch;
    }
  }
  if (text !== "") pieces.push({ kind: "text", text });
  return pieces;
}

function shapeOf(pieces: readonly Piece[]): { shape: LikeShape; literal: string } {
  const kinds = pieces.map((p) => p.kind).join(",");
  const literal = pieces.find((p): p is Extract<Piece, { kind: "text" }> => p.kind === "text")?.text ?? "";
  switch (kinds) {
    case "":
    case "text":
      return { shape: "exact", literal };
    case "any":
      return { shape: "all", literal };
    case "text,any":
      return { shape: "prefix", literal };
    case "any,text":
      return { shape: "suffix", literal };
    case "any,text,any":
      return { shape: "contains", literal };
    default:
      return { shape: "regexp", literal };
  }
}

function toRegExp(pieces: readonly Piece[], caseInsensitive: boolean): RegExp {
  const body = pieces
    .map((p) => (p.kind === "any" ? ".*" : p.kind === "one" ? "." : p.text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, caseInsensitive ? "isu" : "su");
}

function bytesAt(bytes: Uint8Array, at: number, lit: Uint8Array): boolean {
  for (let j = 0; j < lit.length; j++) if (bytes[at + j] !== lit[j]) return false;
  return true;
}

function utf8Offsets(data: Data): ArrayLike<number> | undefined {
  if (data.type.typeId === Type.Utf8) return data.valueOffsets as Int32Array;
  if (data.type.typeId === Type.LargeUtf8) {
    const big = data.valueOffsets as unknown as BigInt64Array;
    return Float64Array.from({ length: data.length + 1 }, (_, i) => Number(big[i]!));
  }
  return undefined;
}

/** A test of one row's bytes `[s, s + rowLen)` against the literal. */
type ByteTest = (bytes: Uint8Array, s: number, rowLen: number, lit: Uint8Array) => boolean;

const BYTE_TESTS: Record<"exact" | "prefix" | "suffix" | "contains", ByteTest> = {
  exact: (bytes, s, rowLen, lit) => rowLen === lit.length && bytesAt(bytes, s, lit),
  prefix: (bytes, s, rowLen, lit) => rowLen >= lit.length && bytesAt(bytes, s, lit),
  suffix: (bytes, s, rowLen, lit) => rowLen >= lit.length && bytesAt(bytes, s + rowLen - lit.length, lit),
  contains: (bytes, s, rowLen, lit) => {
    const first = lit[0]!;
    for (let at = s, last = s + rowLen - lit.length; at <= last; at++) {
      if (bytes[at] === first && bytesAt(bytes, at, lit)) return true;
    }
    return false;
  },
};

function byteKernel(shape: keyof typeof BYTE_TESTS, lit: Uint8Array): ChunkKernel {
  const test = BYTE_TESTS[shape];
  return (data, out, start) => {
    const offsets = utf8Offsets(data);
    if (offsets === undefined) return false;
    const bytes = data.values as Uint8Array;
    for (let i = 0; i < data.length; i++) {
      const s = offsets[i]!;
      out[start + i] = test(bytes, s, offsets[i + 1]! - s, lit) ? TRUE : FALSE;
    }
    return true;
  };
}

function regexpKernel(regexp: RegExp): ChunkKernel {
  return (data, out, start) => {
    if (data.type.typeId !== Type.Utf8 && data.type.typeId !== Type.LargeUtf8) return false;
    const texts: string[] = new Array<string>(data.length);
    decodeUtf8Chunk(data, texts, 0);
    for (let i = 0; i < data.length; i++) out[start + i] = regexp.test(texts[i]!) ? TRUE : FALSE;
    return true;
  };
}

/** Compiles a LIKE / ILIKE pattern. */
export function compileLike(pattern: string, options: LikePatternOptions): LikeMatcher {
  const pieces = splitPattern(pattern, options.escape);
  const { shape, literal } = options.caseInsensitive ? { shape: "regexp" as const, literal: "" } : shapeOf(pieces);
  if (shape === "all") {
    return { shape, test: () => true, kernel: (data, out, start) => (out.fill(TRUE, start, start + data.length), true) };
  }
  if (shape === "regexp") {
    const regexp = toRegExp(pieces, options.caseInsensitive);
    return { shape: "regexp", test: (text) => regexp.test(text), kernel: regexpKernel(regexp) };
  }
  const test = (text: string): boolean => {
    switch (shape) {
      case "exact":
        return text === literal;
      case "prefix":
        return text.startsWith(literal);
      case "suffix":
        return text.endsWith(literal);
      default:
        return text.includes(literal);
    }
  };
  return { shape, test, kernel: byteKernel(shape as keyof typeof BYTE_TESTS, utf8Encoder.encode(literal)) };
}

import { describe, expect, it } from "vitest";
import { foldToAscii } from "../../../src/indices/fts/ascii-folding.js";
import { ngramSplitter, splitRaw, splitSimple, splitWhitespace } from "../../../src/indices/fts/base-tokenizer.js";
import { DEFAULT_FTS_PARAMS, type FtsParams, decodeFtsParams, encodeFtsParams, resolveFtsOptions } from "../../../src/indices/fts/fts-options.js";
import { createTokenizer } from "../../../src/indices/fts/tokenizer.js";
import { InvalidArgumentError, NotSupportedError } from "../../../src/errors.js";
import { expectQuiverError } from "../../helpers/expect-error.js";

function split(fn: typeof splitSimple, text: string): [string, number][] {
  const out: [string, number][] = [];
  fn(text, (token, position) => out.push([token, position]));
  return out;
}

const plain: FtsParams = { ...DEFAULT_FTS_PARAMS, stem: false, removeStopWords: false, asciiFolding: false };

describe("base tokenizers", () => {
  it("simple splits on everything but letters and digits of any script, numbering tokens", () => {
    expect(split(splitSimple, "Don't panic: C++17, naïve café — 数据库!")).toEqual([
      ["Don", 0],
      ["t", 1],
      ["panic", 2],
      ["C", 3],
      ["17", 4],
      ["naïve", 5],
      ["café", 6],
      ["数据库", 7],
    ]);
    expect(split(splitSimple, "")).toEqual([]);
    expect(split(splitSimple, "  ...  ")).toEqual([]);
  });

  it("simple keeps letters outside the basic plane and combining marks inside their word", () => {
    expect(split(splitSimple, "𝔘nicode cafe\u0301s")).toEqual([
      ["𝔘nicode", 0],
      ["cafe\u0301s", 1],
    ]);
  });

  it("whitespace keeps punctuation attached; raw keeps the whole text", () => {
    expect(split(splitWhitespace, " end.  C++17\tx ")).toEqual([
      ["end.", 0],
      ["C++17", 1],
      ["x", 2],
    ]);
    expect(split(splitRaw, "Hello World")).toEqual([["Hello World", 0]]);
    expect(split(splitRaw, "")).toEqual([]);
  });

  it("ngram gives every n-gram in order, or only the leading ones with prefixOnly", () => {
    expect(split(ngramSplitter(2, 3, false), "abcd").map(([t]) => t)).toEqual(["ab", "abc", "bc", "bcd", "cd"]);
    expect(split(ngramSplitter(1, 3, true), "abcd").map(([t]) => t)).toEqual(["a", "ab", "abc"]);
  });
});

describe("foldToAscii()", () => {
  it("removes accents, decomposes compatibility forms and spells out letters that do not decompose", () => {
    expect(foldToAscii("Crème brûlée")).toBe("Creme brulee");
    expect(foldToAscii("ﬁle Ａ")).toBe("file A");
    expect(foldToAscii("straße Øre æther")).toBe("strasse Ore aether");
    expect(foldToAscii("данные")).toBe("данные");
  });
});

describe("createTokenizer()", () => {
  it("runs the default pipeline: lowercase, fold, drop stop words, stem, keeping positions", () => {
    const tokens = createTokenizer(DEFAULT_FTS_PARAMS).tokenize("The Cafés are indexing the Queries");
    expect(tokens).toEqual({ terms: ["caf", "index", "query"], positions: [1, 3, 5] });
  });

  it("drops tokens longer than maxTokenLength and keeps their position free", () => {
    const tokens = createTokenizer({ ...plain, maxTokenLength: 5 }).tokenize("short toolongword word");
    expect(tokens).toEqual({ terms: ["short", "word"], positions: [0, 2] });
  });

  it("leaves case alone with lowercase false (and stop words then only match lowercase tokens)", () => {
    const tokens = createTokenizer({ ...DEFAULT_FTS_PARAMS, lowercase: false, stem: false }).tokenize("The the Index");
    expect(tokens.terms).toEqual(["The", "Index"]);
  });

  it("uses custom stop words instead of the built-in list", () => {
    const tokens = createTokenizer({ ...plain, removeStopWords: true, customStopWords: ["foo"] }).tokenize("the foo bar");
    expect(tokens.terms).toEqual(["the", "bar"]);
  });
});

describe("forEachToken()", () => {
  it("hands over the tokens tokenize() returns, also past the memo's limit", () => {
    const tokenizer = createTokenizer(DEFAULT_FTS_PARAMS);
    const text = "The Indexes were indexed; CAFÉ café running runs the end";
    const seen: [string, number][] = [];
    tokenizer.forEachToken(text, (term, position) => seen.push([term, position]));
    const { terms, positions } = tokenizer.tokenize(text);
    expect(seen).toEqual(terms.map((t, i) => [t, positions[i]]));
    // Enough distinct words to make the memo start over; answers stay the same.
    for (let i = 0; i < 70_000; i++) tokenizer.tokenize(`word${i}`);
    expect(tokenizer.tokenize(text)).toEqual({ terms, positions });
  });
});

describe("resolveFtsOptions()", () => {
  it("fills LanceDB's defaults and round-trips through the stored snake_case form", () => {
    const params = resolveFtsOptions({ stem: false, baseTokenizer: "whitespace", language: "english" });
    expect(params).toMatchObject({ stem: false, baseTokenizer: "whitespace", language: "English", withPosition: true, maxTokenLength: 40 });
    const stored = encodeFtsParams(params);
    expect(stored).toMatchObject({ base_tokenizer: "whitespace", lower_case: true, with_position: true, remove_stop_words: true });
    expect(decodeFtsParams(stored)).toEqual(params);
    expect(decodeFtsParams({ baseTokenizer: "raw" }).baseTokenizer).toBe("raw");
  });

  it("refuses unknown options, wrong types and what Quiver does not have, naming the option", async () => {
    await expectQuiverError(() => resolveFtsOptions({ stemming: true } as never), InvalidArgumentError, "INVALID_ARGUMENT", "unknown option 'stemming'");
    await expectQuiverError(() => resolveFtsOptions({ stem: "yes" } as never), InvalidArgumentError, "INVALID_ARGUMENT", "stem must be true or false");
    await expectQuiverError(() => resolveFtsOptions({ maxTokenLength: 0 }), InvalidArgumentError, "INVALID_ARGUMENT", "maxTokenLength");
    await expectQuiverError(() => resolveFtsOptions({ baseTokenizer: "jieba/default" }), NotSupportedError, "NOT_SUPPORTED", '"simple"');
    await expectQuiverError(() => resolveFtsOptions({ language: "French" }), NotSupportedError, "NOT_SUPPORTED", "stem: false");
    expect(resolveFtsOptions({ language: "French", stem: false, removeStopWords: false }).language).toBe("French");
    await expectQuiverError(() => resolveFtsOptions({ ngramMinLength: 4, ngramMaxLength: 2 }), InvalidArgumentError, "INVALID_ARGUMENT", "ngramMaxLength");
  });
});

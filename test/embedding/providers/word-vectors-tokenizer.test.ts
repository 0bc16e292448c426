import { describe, expect, it } from "vitest";
import { forEachWord, rawTokens } from "../../../src/embedding/providers/word-vectors-tokenizer.js";

const VOCAB = ["the", "parse", "args", "command", "line", "snake", "case", "kebab", "e-mail", "3.14", "2", "do", "not", "will",
  "xml", "http", "request", "node", "js", "café", "cat"];
const index = new Map(VOCAB.map((w, i) => [w, i]));

function words(text: string): { known: string[]; unknown: string[] } {
  const known: string[] = [];
  const unknown: string[] = [];
  forEachWord(text, index, (row) => known.push(VOCAB[row]!), (piece) => unknown.push(piece));
  return { known, unknown };
}

describe("forEachWord()", () => {
  it("lower-cases words and drops punctuation", () => {
    expect(words("The CAT, the... cat!")).toEqual({ known: ["the", "cat", "the", "cat"], unknown: [] });
  });

  it("looks joined tokens up whole first: e-mail and 3.14 stay one word", () => {
    expect(words("e-mail 3.14").known).toEqual(["e-mail", "3.14"]);
  });

  it("splits camelCase, snake_case, kebab-case, dotted names and letter/digit runs", () => {
    expect(words("parseArgs snake_case kebab-case node.js XMLHttpRequest2").known).toEqual([
      "parse", "args", "snake", "case", "kebab", "case", "node", "js", "xml", "http", "request", "2",
    ]);
  });

  it("reads n't as not and drops other clitics", () => {
    expect(words("don't won't cat's").known).toEqual(["do", "not", "will", "not", "cat"]);
  });

  it("reports unknown pieces and skips them", () => {
    expect(words("the zzyzx parseFoo")).toEqual({ known: ["the", "parse"], unknown: ["zzyzx", "foo"] });
  });

  it("reads an unknown inflection as its known base form, only as a last resort", () => {
    expect(words("cats parsing commands").known).toEqual(["cat", "parse", "command"]);
    // A known word is never stripped, and a split piece is looked up whole first.
    expect(words("args parseArgs").known).toEqual(["args", "parse", "args"]);
  });

  it("normalises non-ASCII text to NFC", () => {
    expect(words("cafe\u0301").known).toEqual(["café"]);
  });
});

describe("rawTokens()", () => {
  it("keeps inner joiners and drops outer punctuation", () => {
    expect(rawTokens("(see e-mail.) -- snake_case, v2.0!")).toEqual(["see", "e-mail", "snake_case", "v2.0"]);
  });
});

describe("inflectionBases()", () => {
  it("offers singular, verb and agent-noun bases, most likely first", async () => {
    const { inflectionBases, pluralBases } = await import("../../../src/embedding/providers/word-vectors-stem.js");
    expect(pluralBases("libraries")[0]).toBe("library");
    expect(pluralBases("uses")[0]).toBe("use");
    expect(pluralBases("bus")).toEqual([]);
    expect(inflectionBases("minifier")).toContain("minify");
    expect(inflectionBases("bundlers")).toContain("bundle");
    expect(inflectionBases("parsed")[0]).toBe("parse");
    expect(inflectionBases("running")).toContain("run");
  });
});

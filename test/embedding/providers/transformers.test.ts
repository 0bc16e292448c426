// The in-process providers (huggingface, transformers, sentence-transformers) on a
// tiny BERT-shaped model the test builds (test/helpers/tiny-bert.ts): every expected
// vector is computed here from the model's weight tables, independently of the
// provider's tokenizer, ONNX run and pooling. No test touches the network:
// transformers.js has remote models disabled for the whole file.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "quiverdb";
import {
  EmbeddingError,
  SentenceTransformersEmbeddingFunction,
  TransformersAliasEmbeddingFunction,
  TransformersEmbeddingFunction,
  getRegistry,
  parseEmbeddingMetadata,
} from "quiverdb/embedding";
import { InvalidArgumentError } from "../../../src/errors.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import {
  TINY_BERT_HIDDEN_SIZE,
  TINY_BERT_MAX_LENGTH,
  TINY_BERT_VOCAB,
  tinyBertHiddenState,
  tinyBertWeights,
  writeTinyBert,
} from "../../helpers/tiny-bert.js";

const weights = tinyBertWeights();
let root: string;
let modelDir: string;

beforeAll(async () => {
  const transformers = await import("@huggingface/transformers");
  transformers.env.allowRemoteModels = false; // no test may reach the hub
  root = await mkdtemp(join(tmpdir(), "quiver-tiny-bert-"));
  modelDir = await writeTinyBert(join(root, "tiny-bert"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// ---- the reference, computed from the weight tables

/** Token ids by looking words up in the vocabulary, as WordPiece should. */
function ids(...tokens: string[]): number[] {
  return ["[CLS]", ...tokens, "[SEP]"].map((t) => {
    const id = TINY_BERT_VOCAB.indexOf(t);
    if (id < 0) throw new Error(`no token ${t}`);
    return id;
  });
}

/** Mean of the hidden states of `tokenIds` (all real tokens: mask 1, type 0), optionally L2-normalised. */
function expectedMean(tokenIds: readonly number[], normalize: boolean): number[] {
  const sum = new Array<number>(TINY_BERT_HIDDEN_SIZE).fill(0);
  for (const id of tokenIds) tinyBertHiddenState(weights, id, 0, 1).forEach((v, k) => (sum[k]! += v));
  const mean = sum.map((v) => v / tokenIds.length);
  if (!normalize) return mean;
  const norm = Math.hypot(...mean);
  return mean.map((v) => v / norm);
}

/** LanceDB TypeScript's pooling: the average over every position, padding included. */
function meanWithPadding(tokenIds: readonly number[], paddedLength: number): number[] {
  const sum = new Array<number>(TINY_BERT_HIDDEN_SIZE).fill(0);
  for (let s = 0; s < paddedLength; s++) {
    const state = s < tokenIds.length ? tinyBertHiddenState(weights, tokenIds[s]!, 0, 1) : tinyBertHiddenState(weights, 0, 0, 0);
    state.forEach((v, k) => (sum[k]! += v));
  }
  return sum.map((v) => v / paddedLength);
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) expect(actual[k]!).toBeCloseTo(expected[k]!, digits);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let k = 0; k < a.length; k++) d = Math.max(d, Math.abs(a[k]! - b[k]!));
  return d;
}

/** create() of a local provider, as the promise it is (the registry's generic type cannot tell). */
async function createLocal(name: string, options: Record<string, unknown>): Promise<unknown> {
  return getRegistry().get(name)!.create(options);
}

async function huggingface(options: Record<string, unknown> = {}): Promise<TransformersEmbeddingFunction> {
  return (await getRegistry().get("huggingface")!.create({ model: modelDir, ...options })) as TransformersEmbeddingFunction;
}

describe("TransformersEmbeddingFunction (\"huggingface\") on the tiny BERT model", () => {
  it("is the built-in \"huggingface\": create() is async, loads the directory and reads ndims() from config.json hidden_size", async () => {
    const fn = await huggingface();
    expect(fn).toBeInstanceOf(TransformersEmbeddingFunction);
    expect(fn.ndims()).toBe(TINY_BERT_HIDDEN_SIZE);
    expect(getRegistry().nameOf(fn)).toBe("huggingface");
    const [v] = await fn.computeSourceEmbeddings(["quiver"]);
    expect(v).toBeInstanceOf(Float32Array);
    expect(v!.length).toBe(TINY_BERT_HIDDEN_SIZE);
  });

  it("ndims() is undefined before init() for an unknown model and known without loading for a known one", async () => {
    expect(new TransformersEmbeddingFunction({ model: modelDir }).ndims()).toBeUndefined();
    expect(new TransformersEmbeddingFunction().ndims()).toBe(384); // Xenova/all-MiniLM-L6-v2, not loaded
    expect(new TransformersEmbeddingFunction({ model: modelDir, ndims: 8 }).ndims()).toBe(8);
  });

  it("tokenises known words to their vocabulary ids, splits WordPiece continuations, and lower-cases (checked through the vectors)", async () => {
    const fn = await huggingface();
    const [a, b, c] = await fn.computeSourceEmbeddings(["The quiver rises!", "EMBEDDING files", "cat sat on the mat."]);
    expectClose(a!, expectedMean(ids("the", "quiver", "rise", "##s", "!"), false));
    expectClose(b!, expectedMean(ids("embed", "##ding", "file", "##s"), false));
    expectClose(c!, expectedMean(ids("cat", "sat", "on", "the", "mat", "."), false));
  });

  it("maps unknown words to [UNK]", async () => {
    const fn = await huggingface();
    const [v] = await fn.computeSourceEmbeddings(["zebra cat"]);
    expectClose(v!, expectedMean(ids("[UNK]", "cat"), false));
  });

  it("truncates to maxLength tokens keeping the closing [SEP] (as Hugging Face's Python tokenizers), by default to model_max_length", async () => {
    const short = await huggingface({ maxLength: 4 });
    const [v] = await short.computeSourceEmbeddings(["quiver vector database arrow"]);
    expectClose(v!, expectedMean(ids("quiver", "vector"), false));
    const fn = await huggingface();
    const long = Array.from({ length: 30 }, () => "cat").join(" ");
    const [w] = await fn.computeSourceEmbeddings([long]);
    expectClose(w!, expectedMean(ids(...Array.from({ length: TINY_BERT_MAX_LENGTH - 2 }, () => "cat")), false));
  });

  it("mean-pools over the attention mask: padding in a batch changes nothing, and the LanceDB pooling (padding included) would differ", async () => {
    const fn = await huggingface();
    const texts = ["cat", "the quiver vector database stores arrow files"];
    const [shortInBatch] = await fn.computeSourceEmbeddings(texts);
    const [shortAlone] = await fn.computeSourceEmbeddings(["cat"]);
    const expected = expectedMean(ids("cat"), false);
    expectClose(shortInBatch!, expected);
    expectClose(shortAlone!, expected);
    // "the quiver vector database [UNK] arrow file ##s" + [CLS] [SEP] = 10 positions; "cat" has 3 real ones.
    const withPadding = meanWithPadding(ids("cat"), 10);
    expect(maxDiff(shortInBatch!, withPadding)).toBeGreaterThan(0.01);
  });

  it("agrees between batch and single calls, and across batchSize splits", async () => {
    const texts = ["the cat sat", "a warm oven", "quiver vector search", "dog run", "bread and yeast rise"];
    const fn = await huggingface({ batchSize: 2 });
    expect(fn.maxBatchSize()).toBe(2);
    const batch = await fn.computeSourceEmbeddings(texts);
    const whole = await (await huggingface({ batchSize: 64 })).computeSourceEmbeddings(texts);
    for (let i = 0; i < texts.length; i++) {
      const single = await fn.computeQueryEmbeddings(texts[i]!);
      expect(maxDiff(batch[i]!, single as Float32Array)).toBeLessThan(1e-6);
      expect(maxDiff(batch[i]!, whole[i]!)).toBeLessThan(1e-6);
    }
  });

  it("does not normalise by default (LanceDB's TypeScript default) and L2-normalises with normalize: true", async () => {
    const raw = await huggingface();
    const [r] = await raw.computeSourceEmbeddings(["bread"]);
    expect(Math.abs(Math.hypot(...r!) - 1)).toBeGreaterThan(0.01);
    const unit = await huggingface({ normalize: true });
    const [u] = await unit.computeSourceEmbeddings(["bread"]);
    expect(Math.hypot(...u!)).toBeCloseTo(1, 6);
    expectClose(u!, expectedMean(ids("bread"), true));
  });

  it("pooling \"cls\" takes the first token's state", async () => {
    const fn = await huggingface({ pooling: "cls" });
    const [v] = await fn.computeSourceEmbeddings(["dog run"]);
    expectClose(v!, tinyBertHiddenState(weights, TINY_BERT_VOCAB.indexOf("[CLS]"), 0, 1));
  });

  it("embeds queries and sources the same way, each with its own prefix when set", async () => {
    const plain = await huggingface();
    const [source] = await plain.computeSourceEmbeddings(["warm bread"]);
    expectClose((await plain.computeQueryEmbeddings("warm bread")) as Float32Array, Array.from(source!));
    const prefixed = await huggingface({ queryPrefix: "search ", sourcePrefix: "model " });
    expectClose((await prefixed.computeQueryEmbeddings("warm bread")) as Float32Array, expectedMean(ids("search", "warm", "bread"), false));
    const [doc] = await prefixed.computeSourceEmbeddings(["warm bread"]);
    expectClose(doc!, expectedMean(ids("model", "warm", "bread"), false));
  });

  it("takes device as a $var: reference with a default, and saves the reference", async () => {
    const fn = await huggingface({ device: "$var:device:cpu" });
    expect(fn.toJSON()).toEqual({ model: modelDir, device: "$var:device:cpu" });
    getRegistry().setVar("local_device", "cpu");
    const viaVariable = await huggingface({ device: "$var:local_device" });
    const [a] = await fn.computeSourceEmbeddings(["cat"]);
    const [b] = await viaVariable.computeSourceEmbeddings(["cat"]);
    expect(maxDiff(a!, b!)).toBe(0);
  });

  it("finds a model given as a relative directory, and LanceDB Python's option names (name, device) are read", async () => {
    const rel = relative(process.cwd(), modelDir);
    const fn = (await getRegistry().get("huggingface")!.create({ name: rel, device: "cpu" } as never)) as TransformersEmbeddingFunction;
    const [v] = await fn.computeSourceEmbeddings(["cat"]);
    expectClose(v!, expectedMean(ids("cat"), false));
  });

  it("\"transformers\" is the same provider under its own name", async () => {
    const fn = (await getRegistry().get("transformers")!.create({ model: modelDir })) as TransformersEmbeddingFunction;
    expect(fn).toBeInstanceOf(TransformersAliasEmbeddingFunction);
    expect(getRegistry().nameOf(fn)).toBe("transformers");
    const [v] = await fn.computeSourceEmbeddings(["cat"]);
    expectClose(v!, expectedMean(ids("cat"), false));
  });

  it("toJSON round trip: the saved options rebuild a function that gives the same vectors", async () => {
    const fn = await huggingface({ normalize: true, maxLength: 8 });
    const saved = JSON.parse(JSON.stringify(fn.toJSON())) as Record<string, unknown>;
    expect(saved).toEqual({ model: modelDir, normalize: true, maxLength: 8 });
    const rebuilt = await getRegistry().get("huggingface")!.create(saved);
    const texts = ["a cat on the mat", "quiver"];
    const [a, b] = [await fn.computeSourceEmbeddings(texts), await rebuilt.computeSourceEmbeddings(texts)];
    a.forEach((v, i) => expect(maxDiff(v, b[i]!)).toBe(0));
  });
});

describe("SentenceTransformersEmbeddingFunction (\"sentence-transformers\") on the tiny BERT model", () => {
  it("mean-pools and L2-normalises by default (LanceDB Python's normalize=True)", async () => {
    const fn = (await getRegistry().get("sentence-transformers")!.create({ model: modelDir })) as SentenceTransformersEmbeddingFunction;
    expect(fn).toBeInstanceOf(SentenceTransformersEmbeddingFunction);
    expect(fn.ndims()).toBe(TINY_BERT_HIDDEN_SIZE);
    const [v, w] = await fn.computeSourceEmbeddings(["yeast", "the dog sat on a warm mat"]);
    expect(Math.hypot(...v!)).toBeCloseTo(1, 6);
    expectClose(v!, expectedMean(ids("yeast"), true));
    expectClose(w!, expectedMean(ids("the", "dog", "sat", "on", "a", "warm", "mat"), true));
  });

  it("normalize: false gives the plain mean", async () => {
    const fn = await getRegistry().get("sentence-transformers")!.create({ model: modelDir, normalize: false });
    const [v] = await fn.computeSourceEmbeddings(["yeast"]);
    expectClose(v!, expectedMean(ids("yeast"), false));
  });

  it("follows the model card of a sentence-transformers directory: 1_Pooling (cls), modules.json Normalize, max_seq_length", async () => {
    const dir = await writeTinyBert(join(root, "tiny-st"));
    await writeFile(
      join(dir, "modules.json"),
      JSON.stringify([
        { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
        { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
        { idx: 2, name: "2", path: "2_Normalize", type: "sentence_transformers.models.Normalize" },
      ]),
    );
    await mkdir(join(dir, "1_Pooling"));
    await writeFile(join(dir, "1_Pooling", "config.json"), JSON.stringify({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }));
    await writeFile(join(dir, "sentence_bert_config.json"), JSON.stringify({ max_seq_length: 4 }));
    const cls = tinyBertHiddenState(weights, TINY_BERT_VOCAB.indexOf("[CLS]"), 0, 1);
    const unit = cls.map((v) => v / Math.hypot(...cls));
    const hf = await getRegistry().get("huggingface")!.create({ model: dir });
    expectClose((await hf.computeSourceEmbeddings(["dog"]))[0]!, unit); // the card's Normalize applies to huggingface too
    const mean = await getRegistry().get("sentence-transformers")!.create({ model: dir, pooling: "mean", normalize: false });
    expectClose((await mean.computeSourceEmbeddings(["quiver vector database"]))[0]!, expectedMean(ids("quiver", "vector"), false));
  });

  it("knows the width of LanceDB Python's default model without loading it", () => {
    expect(new SentenceTransformersEmbeddingFunction().ndims()).toBe(384);
    expect(new SentenceTransformersEmbeddingFunction().model).toBe("all-MiniLM-L6-v2");
  });
});

describe("local models through a table", () => {
  it("createTable, add and search(text) embed with the tiny model; a reopened table rebuilds the function from its saved options", async () => {
    const dbDir = join(root, "db");
    const db = await connect(dbDir);
    const fn = await getRegistry().get("huggingface")!.create({ model: modelDir, normalize: true });
    const table = await db.createTable(
      "docs",
      [
        { id: 1, text: "the cat sat on the mat" },
        { id: 2, text: "bread and yeast rise in a warm oven" },
      ],
      { embeddingFunction: { function: fn, sourceColumn: "text" } },
    );
    await table.add([{ id: 3, text: "quiver is a vector database" }]);
    expect(await table.countRows("vector IS NOT NULL")).toBe(3);

    const rows = await table.query().toArray();
    const stored = rows.find((r) => r.id === 3)!;
    expectClose(Array.from(stored.vector as ArrayLike<number>), expectedMean(ids("quiver", "is", "a", "vector", "database"), true));

    const [hit] = await table.search("bread and yeast rise in a warm oven").limit(1).toArray();
    expect(hit!.id).toBe(2);

    const metadata = (await table.schema()).metadata.get("embedding_functions")!;
    const [entry] = parseEmbeddingMetadata(metadata);
    expect(entry).toMatchObject({ name: "huggingface", sourceColumn: "text", vectorColumn: "vector", model: { model: modelDir, normalize: true } });
    const rebuilt = await getRegistry().get(entry!.name)!.create(entry!.model);
    const [again] = await rebuilt.computeSourceEmbeddings(["quiver is a vector database"]);
    expect(maxDiff(again!, Array.from(stored.vector as ArrayLike<number>))).toBeLessThan(1e-6);

    const reopened = await (await connect(dbDir)).openTable("docs");
    const [catHit] = await reopened.search("the cat sat on the mat").limit(1).toArray();
    expect(catHit!.id).toBe(1);
    await reopened.add([{ id: 4, text: "a dog run" }]);
    expect(await reopened.countRows("vector IS NOT NULL")).toBe(4);
  });
});

describe("local model errors", () => {
  it("a hub model that is not cached fails offline with EmbeddingError naming the model, the cause attached, and no network", async () => {
    const cacheDir = join(root, "empty-cache");
    const error = await expectQuiverError(
      createLocal("huggingface", { model: "Xenova/all-MiniLM-L6-v2", cacheDir }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      'could not load model "Xenova/all-MiniLM-L6-v2"',
      "remote models are disabled",
    );
    expect(error.provider).toBe("huggingface");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("localFilesOnly and HF_HUB_OFFLINE keep even an online-allowed library off the hub", async () => {
    const previous = process.env.HF_HUB_OFFLINE;
    process.env.HF_HUB_OFFLINE = "1";
    try {
      await expectQuiverError(
        createLocal("sentence-transformers", { cacheDir: join(root, "empty-cache") }),
        EmbeddingError,
        "EMBEDDING_FAILED",
        'could not load model "all-MiniLM-L6-v2"',
        "local cache only",
      );
    } finally {
      if (previous === undefined) delete process.env.HF_HUB_OFFLINE;
      else process.env.HF_HUB_OFFLINE = previous;
    }
  });

  it("a path to a missing directory is refused with the path and the fix", async () => {
    await expectQuiverError(
      createLocal("huggingface", { model: "./no/such/model-dir" }),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      'option "model" names the directory',
      "does not exist",
    );
  });

  it("a directory without the model files fails with what it needs", async () => {
    await expectQuiverError(
      createLocal("huggingface", { model: root }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "config.json, tokenizer.json and onnx/model.onnx",
    );
  });

  it("checks options in the constructor: unknown option, device, dtype, pooling, trustRemoteCode, ndims vs hidden_size", async () => {
    const make = (options: Record<string, unknown>) => () => new TransformersEmbeddingFunction(options);
    await expectQuiverError(make({ modle: "x" }), InvalidArgumentError, "INVALID_ARGUMENT", '"modle" is not an option of "huggingface"');
    await expectQuiverError(make({ device: "tpu" }), InvalidArgumentError, "INVALID_ARGUMENT", 'option "device" must be one of');
    await expectQuiverError(make({ dtype: "fp64" }), InvalidArgumentError, "INVALID_ARGUMENT", 'option "dtype" must be one of');
    await expectQuiverError(make({ pooling: "max" }), InvalidArgumentError, "INVALID_ARGUMENT", 'option "pooling" must be one of');
    await expectQuiverError(make({ trustRemoteCode: true }), InvalidArgumentError, "INVALID_ARGUMENT", "trustRemoteCode");
    await expectQuiverError(huggingface({ ndims: 16 }), InvalidArgumentError, "INVALID_ARGUMENT", "produces 8 values");
  });
});

// open-clip on a tiny CLIP the test builds (test/helpers/tiny-clip.ts): every expected
// vector is computed here from the model's weights and the image's raw pixels,
// independently of transformers.js's tokenizer, image processor and ONNX run.
// No test touches the network: remote models are disabled for the whole file.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Binary, Int32, LargeUtf8, Utf8 } from "apache-arrow";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EmbeddingError, getRegistry } from "quiverdb/embedding";
import { InvalidArgumentError } from "../../../src/errors.js";
import { setTransformersImporter } from "../../../src/embedding/providers/local-model/transformers-runtime.js";
import {
  OPEN_CLIP_DEFAULT_MODEL,
  OpenClipEmbeddingFunction,
  type OpenClipOptions,
} from "../../../src/embedding/providers/open-clip.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import {
  TINY_CLIP_DIMS,
  TINY_CLIP_IMAGE_SIZE,
  TINY_CLIP_MAX_LENGTH,
  encodePng,
  makePng,
  solidPng,
  tinyClipIds,
  tinyClipImageEmbedding,
  tinyClipTextEmbedding,
  tinyClipWeights,
  writeTinyClip,
} from "../../helpers/tiny-clip.js";

const weights = tinyClipWeights();
const SIZE = TINY_CLIP_IMAGE_SIZE;
let root: string;
let modelDir: string;

beforeAll(async () => {
  const transformers = await import("@huggingface/transformers");
  transformers.env.allowRemoteModels = false; // no test may reach the hub
  root = await mkdtemp(join(tmpdir(), "quiver-tiny-clip-"));
  modelDir = await writeTinyClip(join(root, "tiny-clip"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

afterEach(() => setTransformersImporter());

function createClip(options: OpenClipOptions = {}): Promise<OpenClipEmbeddingFunction> {
  return getRegistry().get<OpenClipEmbeddingFunction>("open-clip")!.create({ model: modelDir, ...options });
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) expect(actual[k]!).toBeCloseTo(expected[k]!, digits);
}

/** Pixels that vary in every channel and position, so a wrong channel order or mean would show. */
const varied = makePng(SIZE, SIZE, (x, y) => [(x * 31 + y * 7) % 256, (x * 5 + y * 43 + 17) % 256, (x * y * 3 + 90) % 256]);

describe("open-clip: the function", () => {
  it("is the built-in \"open-clip\": create() is async, loads the directory and reads ndims() from config.json projection_dim", async () => {
    expect(getRegistry().has("open-clip")).toBe(true);
    const fn = await createClip();
    expect(fn).toBeInstanceOf(OpenClipEmbeddingFunction);
    expect(fn.ndims()).toBe(TINY_CLIP_DIMS);
    expect(fn.maxBatchSize()).toBe(64);
    expect(fn.toJSON()).toEqual({ model: modelDir });
    expect(getRegistry().nameOf(fn)).toBe("open-clip");
  });

  it("knows the default model's width without loading it, and saves no options when given none (as LanceDB)", () => {
    const fn = new OpenClipEmbeddingFunction();
    expect(fn.model).toBe(OPEN_CLIP_DEFAULT_MODEL);
    expect(fn.ndims()).toBe(512);
    expect(fn.toJSON()).toEqual({});
  });

  it("reads LanceDB Python's options: name + pretrained \"openai\" map to the ONNX export of the same weights", () => {
    expect(new OpenClipEmbeddingFunction({ name: "ViT-L-14", pretrained: "openai", batch_size: 8 } as OpenClipOptions).model).toBe(
      "Xenova/clip-vit-large-patch14",
    );
    const fn = new OpenClipEmbeddingFunction({ name: "ViT-B-32", pretrained: "openai", device: "cpu", batch_size: 8, normalize: true } as OpenClipOptions);
    expect(fn.model).toBe("Xenova/clip-vit-base-patch32");
    expect(fn.ndims()).toBe(512);
    expect(fn.maxBatchSize()).toBe(8);
    expect(new OpenClipEmbeddingFunction({ model: "hf-hub:someone/clip-onnx" }).model).toBe("someone/clip-onnx");
  });

  it("refuses weights that have no ONNX export (LanceDB Python's default LAION tag) with the fix", async () => {
    const error = await expectQuiverError(
      () => new OpenClipEmbeddingFunction({ name: "ViT-B-32", pretrained: "laion2b_s34b_b79k" } as OpenClipOptions),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      'option "pretrained"',
      "laion2b_s34b_b79k",
      'Use pretrained "openai"',
    );
    expect(error.message).toContain("re-embed");
    await expectQuiverError(() => new OpenClipEmbeddingFunction({ model: "nope", color: 1 } as OpenClipOptions), InvalidArgumentError, "INVALID_ARGUMENT", '"color"');
    await expectQuiverError(() => new OpenClipEmbeddingFunction({ batchSize: 0 }), InvalidArgumentError, "INVALID_ARGUMENT", '"batchSize"');
  });

  it("embeds text as the mean of the token vectors through the projection, L2-normalised by default", async () => {
    const fn = await createClip();
    const [photo, red] = await fn.computeTextEmbeddings(["A photo of a RED square.", "red"]);
    expectClose(photo!, tinyClipTextEmbedding(weights, tinyClipIds("a", "photo", "of", "a", "red", "square", ".")));
    expectClose(red!, tinyClipTextEmbedding(weights, tinyClipIds("red")));
    expect(Math.hypot(...photo!)).toBeCloseTo(1, 6);
    // The padded shorter text of the batch equals the text alone: padding never counts.
    expectClose((await fn.computeTextEmbeddings(["red"]))[0]!, Array.from(red!), 6);
  });

  it("normalize: false returns the projection as the model computes it", async () => {
    const fn = await createClip({ normalize: false });
    expectClose((await fn.computeTextEmbeddings(["blue dog"]))[0]!, tinyClipTextEmbedding(weights, tinyClipIds("blue", "dog"), false));
    expectClose((await fn.computeImageEmbeddings([varied.png]))[0]!, tinyClipImageEmbedding(weights, varied.rgb, false));
  });

  it("truncates long texts to maxLength tokens keeping <|endoftext|>, by default to the tokenizer's model_max_length", async () => {
    const fn = await createClip({ normalize: false });
    const words = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? "red" : "dog"));
    const kept = tinyClipIds(...words.slice(0, TINY_CLIP_MAX_LENGTH - 2));
    expectClose((await fn.computeTextEmbeddings([words.join(" ")]))[0]!, tinyClipTextEmbedding(weights, kept, false));
    const short = await createClip({ normalize: false, maxLength: 4 });
    expectClose((await short.computeTextEmbeddings([words.join(" ")]))[0]!, tinyClipTextEmbedding(weights, tinyClipIds("red", "dog"), false));
  });

  it("embeds an image of the model's size: rescale by 1/255, normalise with the config's mean and std, average, project", async () => {
    const fn = await createClip();
    const [vector] = await fn.computeSourceEmbeddings([varied.png]);
    expectClose(vector!, tinyClipImageEmbedding(weights, varied.rgb));
    expect(Math.hypot(...vector!)).toBeCloseTo(1, 6);
  });

  it("resizes a larger image to the model's size (the model refuses any other size)", async () => {
    const fn = await createClip();
    const big = solidPng(SIZE * 2, SIZE * 2, [200, 30, 60]);
    const expected = tinyClipImageEmbedding(weights, solidPng(SIZE, SIZE, [200, 30, 60]).rgb);
    expectClose((await fn.computeImageEmbeddings([big.png]))[0]!, expected);
  });

  it("centre-crops a wide image after resizing its shortest edge: only the middle band counts", async () => {
    const fn = await createClip();
    const bands = makePng(SIZE * 3, SIZE, (x) => (x < SIZE ? [255, 0, 0] : x < 2 * SIZE ? [10, 240, 30] : [0, 0, 255]));
    const middle = solidPng(SIZE, SIZE, [10, 240, 30]);
    expectClose((await fn.computeImageEmbeddings([bands.png]))[0]!, tinyClipImageEmbedding(weights, middle.rgb));
  });

  it("embeds RGBA and greyscale images as RGB (do_convert_rgb)", async () => {
    const fn = await createClip();
    const rgba = new Uint8Array(SIZE * SIZE * 4);
    for (let p = 0; p < SIZE * SIZE; p++) rgba.set([...varied.rgb.subarray(p * 3, p * 3 + 3), 255], p * 4);
    expectClose((await fn.computeImageEmbeddings([encodePng(SIZE, SIZE, 4, rgba)]))[0]!, tinyClipImageEmbedding(weights, varied.rgb));
    const grey = encodePng(SIZE, SIZE, 1, new Uint8Array(SIZE * SIZE).fill(77));
    expectClose((await fn.computeImageEmbeddings([grey]))[0]!, tinyClipImageEmbedding(weights, solidPng(SIZE, SIZE, [77, 77, 77]).rgb));
  });

  it("agrees between batch and single calls, and across batchSize splits", async () => {
    const images = [varied.png, solidPng(SIZE, SIZE, [255, 0, 0]).png, solidPng(SIZE, SIZE, [0, 0, 255]).png];
    const whole = await (await createClip()).computeImageEmbeddings(images);
    const split = await (await createClip({ batchSize: 2 })).computeImageEmbeddings(images);
    for (let i = 0; i < images.length; i++) {
      expectClose(split[i]!, Array.from(whole[i]!), 6);
      expectClose((await (await createClip()).computeImageEmbeddings([images[i]!]))[0]!, Array.from(whole[i]!), 6);
    }
  });

  it("a text query goes through the text tower, image bytes through the vision tower", async () => {
    const fn = await createClip();
    expectClose(await fn.computeQueryEmbeddings("a red square"), tinyClipTextEmbedding(weights, tinyClipIds("a", "red", "square")));
    expectClose(await fn.computeQueryEmbeddings(varied.png), tinyClipImageEmbedding(weights, varied.rgb));
    expectClose(await fn.computeQueryEmbeddings(Buffer.from(varied.png)), tinyClipImageEmbedding(weights, varied.rgb));
  });

  it("declares a binary image column by default; utf8 for paths and URLs; refuses other types", async () => {
    const fn = await createClip();
    expect(fn.sourceField()[0]).toBeInstanceOf(Binary);
    expect(fn.sourceField(new Utf8())[0]).toBeInstanceOf(Utf8);
    expect(fn.sourceField({ datatype: new LargeUtf8() })[0]).toBeInstanceOf(LargeUtf8);
    await expectQuiverError(() => fn.sourceField(new Int32()), InvalidArgumentError, "INVALID_ARGUMENT", "binary", "utf8", "int32");
  });

  it("bytes that are not an image fail with what was seen and the fix", async () => {
    const fn = await createClip();
    const error = await expectQuiverError(
      fn.computeImageEmbeddings([new TextEncoder().encode("not a picture")]),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "could not decode image bytes (13 bytes)",
      "expected an encoded image",
      "13 bytes starting 6e 6f 74",
    );
    expect(error.retryable).toBe(false);
  });

  it("a value that is neither bytes nor a location, and an unsupported URL scheme, are refused", async () => {
    const fn = await createClip();
    await expectQuiverError(
      fn.computeImageEmbeddings([42 as unknown as string]),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "cannot embed a number as an image",
      "image bytes (binary column)",
    );
    await expectQuiverError(
      fn.computeImageEmbeddings(["s3://bucket/cat.png"]),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "cannot read images from s3: URLs",
      "Download the image first",
    );
  });

  it("reads a base64 data: URL as the image's bytes", async () => {
    const fn = await createClip();
    const url = `data:image/png;base64,${Buffer.from(varied.png).toString("base64")}`;
    expectClose((await fn.computeImageEmbeddings([url]))[0]!, tinyClipImageEmbedding(weights, varied.rgb));
  });

  it("a width that contradicts the model fails at create() naming both", async () => {
    await expectQuiverError(createClip({ ndims: 7 }), InvalidArgumentError, "INVALID_ARGUMENT", '"ndims" is 7', "produces 4 values");
  });

  it("a missing directory, or one without the CLIP files, fails with what it needs", async () => {
    await expectQuiverError(createClip({ model: "./no/such/clip-dir" }), InvalidArgumentError, "INVALID_ARGUMENT", "does not exist");
    await expectQuiverError(createClip({ model: root }), EmbeddingError, "EMBEDDING_FAILED", "onnx/text_model.onnx", "onnx/vision_model.onnx");
  });

  it("looking \"open-clip\" up and loading its class imports neither transformers.js nor onnxruntime", async () => {
    const hook =
      "data:text/javascript," +
      encodeURIComponent(
        "export async function resolve(s, c, n) { if (/@huggingface\\/transformers|onnxruntime|sharp/.test(s)) throw new Error('LOADED ' + s); return n(s, c); }",
      );
    const embedding = fileURLToPath(new URL("../../../src/embedding/index.ts", import.meta.url));
    const script =
      `import { register } from "node:module"; register(${JSON.stringify(hook)});` +
      `const e = await import(${JSON.stringify(embedding)}); const C = await e.getRegistry().load("open-clip");` +
      `console.log(new C().ndims());`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("../../../", import.meta.url)),
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe("512");
  });

  it("without @huggingface/transformers, create() fails with the one install command", async () => {
    const missing = Object.assign(new Error("Cannot find package '@huggingface/transformers'"), { code: "ERR_MODULE_NOT_FOUND" });
    setTransformersImporter(() => Promise.reject(missing));
    // A configuration not loaded yet (revision), so the process-wide model cache does not answer.
    const error = await expectQuiverError(
      createClip({ revision: "not-loaded-yet" }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      '"open-clip"',
      "npm install @huggingface/transformers@^4.3.1",
    );
    expect(error.cause).toBe(missing);
  });
});
